import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { definitionSubject, namesDocument, titleName } from '../../src/rag/definition.js'

describe('definitionSubject: what a "what is X?" question asks to define', () => {
  it('reads the name after what is / what’s / what are, without an article', () => {
    assert.equal(definitionSubject('What is fastq?'), 'fastq')
    assert.equal(definitionSubject("what's iconv-lite"), 'iconv-lite')
    assert.equal(definitionSubject('What are the recovery codes?'), 'recovery codes')
    assert.equal(definitionSubject('And what is a space?'), 'space')
    assert.equal(definitionSubject('What does fastq do?'), 'fastq')
  })

  it('reads a name typed alone as asking what it is', () => {
    assert.equal(definitionSubject('quickstart'), 'quickstart')
    assert.equal(definitionSubject('  Recovery codes? '), 'Recovery codes')
    assert.equal(definitionSubject('How does fastq work'), null)
    assert.equal(definitionSubject('can I delete a space'), null)
    assert.equal(definitionSubject('default port of the server'), null)
    assert.equal(definitionSubject('one two three four'), null)
  })

  it('is null for a question that asks more than what a name is', () => {
    assert.equal(definitionSubject('What is the capital of France?'), null)
    assert.equal(definitionSubject('What is SESSION_TTL_DAYS for?'), null)
    assert.equal(definitionSubject('What is fastq used for?'), null)
    assert.equal(definitionSubject('What is the default port of the server?'), null)
    assert.equal(definitionSubject('How does fastq work?'), null)
    assert.equal(definitionSubject('What does fastq do with errors?'), null)
    assert.equal(definitionSubject('What does the kill function do to the queue?'), null)
  })
})

describe('namesDocument: a title whose name is the subject, word for word', () => {
  it('matches the whole title, or its name before a subtitle, singular or plural', () => {
    assert.equal(namesDocument('fastq', 'fastq'), true)
    assert.equal(namesDocument('iconv-lite', 'iconv-lite: Pure JS character encoding conversion'), true)
    assert.equal(namesDocument('space', 'Spaces: who can read which documents'), true)
    assert.equal(namesDocument('Pino', 'pino — super fast logger'), true)
  })

  it('does not match a title that only contains the subject', () => {
    assert.equal(namesDocument('rag-auth', 'What rag-auth is'), false)
    assert.equal(namesDocument('api keys', 'API keys and the OpenAI-compatible API'), false)
    assert.equal(namesDocument('queue', 'fastq'), false)
  })

  it('splits a subtitle off at a colon, a dash or a bar, not inside a hyphenated name', () => {
    assert.deepEqual(titleName('iconv-lite: Pure JS conversion'), {
      name: 'iconv-lite',
      subtitle: 'Pure JS conversion',
    })
    assert.deepEqual(titleName('fastq'), { name: 'fastq', subtitle: null })
    assert.deepEqual(titleName('rag-auth - the docs'), { name: 'rag-auth', subtitle: 'the docs' })
  })
})
