import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { indexText, namePartsOf, queryIndexText } from '../../src/db/queries/index-text.js'

describe('namePartsOf', () => {
  it('splits dotted names whose later parts start with a letter', () => {
    assert.deepEqual(namePartsOf('Use Node.js, package.json and socket.io.js; the end.Next'), [
      'Node',
      'js',
      'package',
      'json',
      'socket',
      'io',
      'js',
      'end',
      'Next',
    ])
  })

  it('leaves numbers, versions and one-letter abbreviations alone', () => {
    assert.deepEqual(namePartsOf('Version 1.2.3 costs 2.5 euros, e.g. this, i.e. that, U.S.A.'), [])
    assert.equal(indexText('Plain words only.'), 'Plain words only.')
    assert.equal(indexText('Run Node.js'), 'Run Node.js\nNode js')
  })

  it('writes the plural of a vowel-less acronym, which stemming keeps whole, as the acronym', () => {
    assert.equal(
      indexText('DVDs are lent for a week; PDFs and pdfs too. TLS, DNS and APIs stay.'),
      'DVD are lent for a week; PDF and pdf too. TLS, DNS and APIs stay.\nlend',
    )
    assert.equal(indexText('Upload PDFs to Node.js'), 'Upload PDF to Node.js\nNode js')
  })

  it('indexes an irregular past form with its verb too, and searches a query by the verb alone', () => {
    // Stemming keeps "kept" and keep apart: "Can I keep a dog?" must meet "Dogs must be kept …".
    assert.equal(
      indexText('Dogs must be kept on a lead. Rent is paid monthly.'),
      'Dogs must be kept on a lead. Rent is paid monthly.\nkeep pay',
    )
    assert.equal(
      queryIndexText('Who wrote Hamlet, and where was it kept?'),
      'Who write Hamlet, and where was it keep?',
    )
    assert.equal(queryIndexText('Can I keep a dog?'), 'Can I keep a dog?')
    // Forms that are as often other words stay as they are.
    assert.equal(
      indexText('Turn left where the old mill was found.'),
      'Turn left where the old mill was found.',
    )
  })
})
