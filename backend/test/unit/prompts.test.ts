import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { looksLikeFollowUp, retrievalQueries, titleFrom } from '../../src/rag/conversation-context.js'
import { buildMessages, formatSource, historyMessages, SYSTEM_PROMPT } from '../../src/rag/prompts.js'
import type { RetrievedChunk } from '../../src/rag/types.js'

const chunk = (title: string, heading: string | null, content: string): RetrievedChunk => ({
  chunk_id: 'c',
  document_id: 'd',
  space_id: 's',
  title,
  source: null,
  heading,
  content,
  snippet: '',
  score: 1,
})

describe('prompts', () => {
  it('numbers sources as "[n] title — heading:" followed by the content', () => {
    assert.equal(
      formatSource(2, chunk('Guide', 'Setup', 'Run npm start.')),
      '[2] Guide — Setup:\nRun npm start.',
    )
    assert.equal(formatSource(1, chunk('Guide', null, 'x')), '[1] Guide:\nx')
  })

  it('tells the model to use only the sources, cite [n], and say when they do not answer', () => {
    assert.match(SYSTEM_PROMPT, /only the numbered sources/)
    assert.match(SYSTEM_PROMPT, /\[1\]/)
    assert.match(SYSTEM_PROMPT, /do not contain the answer, say plainly/)
  })

  it('ends with the sources and the question as the user message', () => {
    const msgs = buildMessages('How to start?', [chunk('A', null, 'one'), chunk('B', 'H', 'two')])
    assert.equal(msgs[0]?.role, 'system')
    const last = msgs[msgs.length - 1]
    assert.equal(last?.role, 'user')
    assert.equal(last?.content, 'Sources:\n\n[1] A:\none\n\n[2] B — H:\ntwo\n\nQuestion: How to start?')
  })

  it('keeps only answered turns of the history, without their old markers', () => {
    const h = historyMessages([
      { role: 'user', content: 'failed question' },
      { role: 'user', content: 'What is X?' },
      { role: 'assistant', content: 'X is Y [1].' },
    ])
    assert.deepEqual(h, [
      { role: 'user', content: 'What is X?' },
      { role: 'assistant', content: 'X is Y.' },
    ])
  })
})

describe('conversation context', () => {
  const HISTORY = [
    { role: 'user' as const, content: 'What is Docker?' },
    { role: 'assistant' as const, content: 'A container tool [1].' },
  ]

  it('expands a follow-up with the previous user question, then tries it alone', () => {
    assert.deepEqual(retrievalQueries(HISTORY, 'and how do I configure it?'), [
      'What is Docker?\nconfigure',
      'and how do I configure it?',
    ])
    assert.deepEqual(retrievalQueries(HISTORY, 'Tell me more.'), ['What is Docker?', 'Tell me more.'])
    assert.deepEqual(retrievalQueries([], 'and how do I configure it?'), ['and how do I configure it?'])
  })

  it('searches a self-contained question alone', () => {
    assert.deepEqual(retrievalQueries(HISTORY, 'What is the capital of Mongolia?'), [
      'What is the capital of Mongolia?',
    ])
    assert.ok(!looksLikeFollowUp('How are sessions stored in the database?'))
    assert.ok(looksLikeFollowUp('What about Kubernetes?'))
    assert.ok(looksLikeFollowUp('Which port does it use?'))
  })

  it('keeps the current question whole when the joined query is too long', () => {
    const [expanded] = retrievalQueries([{ role: 'user', content: 'x'.repeat(5000) }], 'and the port?')
    assert.ok(expanded?.endsWith('\nport'))
    assert.ok((expanded?.length ?? 0) <= 4000)
  })

  it('titles a conversation with the first message, at most 80 characters', () => {
    assert.equal(titleFrom('  How   do I\nstart?  '), 'How do I start?')
    const long = titleFrom('word '.repeat(40))
    assert.ok(Array.from(long).length <= 80)
    assert.ok(long.endsWith('…'))
    assert.ok(Array.from(titleFrom('😀'.repeat(100))).length <= 80)
  })
})
