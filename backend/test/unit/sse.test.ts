import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { formatEvent, SseStream, wantsEventStream } from '../../src/http/sse.js'
import { pieces } from '../../src/rag/answer.js'
import { decodeCursor, encodeCursor } from '../../src/routes/chat-conversations.js'

describe('sse', () => {
  it('formats one event per frame with single-line JSON data', () => {
    assert.equal(formatEvent('token', { text: 'a\nb' }), 'event: token\ndata: {"text":"a\\nb"}\n\n')
  })

  it('recognises Accept: text/event-stream', () => {
    assert.ok(wantsEventStream('text/event-stream'))
    assert.ok(wantsEventStream('application/json, text/event-stream;q=0.9'))
    assert.ok(!wantsEventStream('application/json'))
    assert.ok(!wantsEventStream(undefined))
  })

  it('writes events until ended, then nothing', async () => {
    const s = new SseStream()
    const chunks: string[] = []
    s.body.on('data', (d: Buffer) => chunks.push(d.toString()))
    s.send('meta', { a: 1 })
    s.end()
    s.send('token', { text: 'late' })
    await new Promise((r) => s.body.on('end', r))
    assert.equal(chunks.join(''), 'event: meta\ndata: {"a":1}\n\n')
  })

  it('does not wait on a body its response destroyed (the client left)', async () => {
    const s = new SseStream()
    s.body.on('error', () => {})
    s.body.destroy()
    await new Promise((r) => setImmediate(r))
    const sent = await Promise.race([
      s.send('token', { text: 'x' }).then(() => 'sent'),
      new Promise((r) => setTimeout(() => r('stuck'), 500)),
    ])
    assert.equal(sent, 'sent')
    assert.ok(s.isClosed)
    s.end()
  })

  it('sends keep-alive comments while idle', async () => {
    const s = new SseStream(10)
    const chunks: string[] = []
    s.body.on('data', (d: Buffer) => chunks.push(d.toString()))
    await new Promise((r) => setTimeout(r, 35))
    s.end()
    assert.ok(chunks.some((c) => c.startsWith(': keep-alive')))
  })
})

describe('answer pieces', () => {
  it('splits a text into pieces that join back to it exactly', () => {
    const text = 'One two three four five six.\n\nSeven [1].'
    assert.equal(pieces(text).join(''), text)
    assert.ok(pieces(text).length > 1)
  })
})

describe('conversation cursor', () => {
  it('round-trips and rejects anything else', () => {
    const c = { updatedAt: new Date('2026-01-01T00:00:00.123Z'), id: '0190a8f0-0000-7000-8000-000000000001' }
    assert.deepEqual(decodeCursor(encodeCursor(c)), c)
    assert.equal(decodeCursor('not a cursor!'), null)
    assert.equal(decodeCursor(Buffer.from('x|y').toString('base64url')), null)
    assert.equal(decodeCursor(Buffer.from(`2026-13-45T00:00:00.000Z|${c.id}`).toString('base64url')), null)
  })
})
