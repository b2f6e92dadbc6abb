import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isFrameWord } from '../../src/rag/question-terms.js'

describe('isFrameWord', () => {
  it('reads question scaffolding in the forms Postgres stems it to ("goes" → goe)', () => {
    // "What happens when Redis goes down?": the subject is Redis; "goes" (snowball: goe) frames it.
    for (const w of ['goe', 'goes', 'go', 'happen', 'happens', 'make', 'need', 'kind'])
      assert.equal(isFrameWord(w), true, w)
    for (const w of ['redi', 'redis', 'session', 'token', 'upload']) assert.equal(isFrameWord(w), false, w)
  })
})
