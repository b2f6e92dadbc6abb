import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { namePartsOf, withNameParts } from '../../src/db/queries/index-text.js'

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
    assert.equal(withNameParts('Plain words only.'), 'Plain words only.')
    assert.equal(withNameParts('Run Node.js'), 'Run Node.js\nNode js')
  })
})
