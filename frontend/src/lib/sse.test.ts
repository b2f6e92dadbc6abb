import { describe, expect, it } from 'vitest'
import { createSseParser, readSseStream, type SseEvent } from './sse'

function parseChunks(chunks: string[]): SseEvent[] {
  const events: SseEvent[] = []
  const parser = createSseParser((event) => events.push(event))
  for (const chunk of chunks) parser.push(chunk)
  parser.end()
  return events
}

const STREAM =
  'event: meta\ndata: {"conversation_id":"c1","message_id":"m1","mode":"extractive"}\n\n' +
  'event: token\ndata: {"text":"Hello "}\n\n' +
  'event: token\ndata: {"text":"world [1]"}\n\n' +
  'event: done\ndata: {}\n\n'

describe('createSseParser', () => {
  it('parses whole events', () => {
    const events = parseChunks([STREAM])
    expect(events.map((e) => e.event)).toEqual(['meta', 'token', 'token', 'done'])
    expect(JSON.parse(events[2]?.data ?? '')).toEqual({ text: 'world [1]' })
  })

  it('gives the same result however the stream is split', () => {
    const whole = parseChunks([STREAM])
    for (let size = 1; size <= 7; size++) {
      const chunks: string[] = []
      for (let i = 0; i < STREAM.length; i += size) chunks.push(STREAM.slice(i, i + size))
      expect(parseChunks(chunks)).toEqual(whole)
    }
    for (let cut = 0; cut <= STREAM.length; cut++) {
      expect(parseChunks([STREAM.slice(0, cut), STREAM.slice(cut)])).toEqual(whole)
    }
  })

  it('accepts CRLF and lone CR line endings, also when CR and LF arrive in different chunks', () => {
    const crlf = STREAM.replace(/\n/g, '\r\n')
    const cr = STREAM.replace(/\n/g, '\r')
    const whole = parseChunks([STREAM])
    expect(parseChunks([crlf])).toEqual(whole)
    expect(parseChunks([cr])).toEqual(whole)
    expect(parseChunks(['event: token\r', '\ndata: {"text":"a"}\r', '\n\r', '\n'])).toEqual([
      { event: 'token', data: '{"text":"a"}' },
    ])
  })

  it('joins multi-line data with newlines and strips one leading space only', () => {
    const events = parseChunks(['data: line one\ndata:line two\ndata:  indented\n\n'])
    expect(events).toEqual([{ event: 'message', data: 'line one\nline two\n indented' }])
  })

  it('ignores comments, unknown fields, retry and events without data', () => {
    const events = parseChunks([': keep-alive\n\nretry: 1000\nfoo: bar\n\nevent: ping\n\nevent: x\ndata\n\n'])
    expect(events).toEqual([{ event: 'x', data: '' }])
  })

  it('resets the event type after each dispatch', () => {
    const events = parseChunks(['event: a\ndata: 1\n\ndata: 2\n\n'])
    expect(events).toEqual([
      { event: 'a', data: '1' },
      { event: 'message', data: '2' },
    ])
  })

  it('drops an unterminated final event', () => {
    expect(parseChunks(['data: ok\n\ndata: partial'])).toEqual([{ event: 'message', data: 'ok' }])
    expect(parseChunks(['data: ok\n\nevent: error\ndata: {}\n'])).toEqual([{ event: 'message', data: 'ok' }])
  })

  it('delivers event: error with its JSON intact wherever the stream is cut, with LF or CRLF', () => {
    const error = 'event: error\ndata: {"detail":"The model timed out","code":"upstream_timeout"}\n\n'
    const text = `event: token\ndata: {"text":"par"}\n\n${error}`
    const expected = [
      { event: 'token', data: '{"text":"par"}' },
      { event: 'error', data: '{"detail":"The model timed out","code":"upstream_timeout"}' },
    ]
    for (const stream of [text, text.replace(/\n/g, '\r\n')]) {
      for (let cut = 0; cut <= stream.length; cut++) {
        expect(parseChunks([stream.slice(0, cut), stream.slice(cut)])).toEqual(expected)
      }
    }
  })

  it('lets an exception from the handler stop parsing at that event', () => {
    const seen: string[] = []
    const parser = createSseParser((event) => {
      seen.push(event.event)
      if (event.event === 'error') throw new Error(event.data)
    })
    expect(() =>
      parser.push('event: token\ndata: a\n\nevent: error\ndata: boom\n\nevent: token\ndata: b\n\n'),
    ).toThrow('boom')
    expect(seen).toEqual(['token', 'error'])
  })
})

function byteStream(bytes: Uint8Array, chunkSize = 1): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < bytes.length; i += chunkSize) controller.enqueue(bytes.slice(i, i + chunkSize))
      controller.close()
    },
  })
}

describe('readSseStream', () => {
  it('drops a leading byte-order mark, also when its bytes arrive one at a time', async () => {
    const text = new TextEncoder().encode('event: meta\ndata: {}\n\n')
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...text])
    const events: SseEvent[] = []
    await readSseStream(byteStream(bytes), (event) => events.push(event))
    expect(events).toEqual([{ event: 'meta', data: '{}' }])
  })

  it('decodes UTF-8 characters split across byte chunks', async () => {
    const bytes = new TextEncoder().encode('event: token\ndata: {"text":"héllo — ✓"}\n\n')
    const events: SseEvent[] = []
    await readSseStream(byteStream(bytes), (event) => events.push(event))
    expect(events).toEqual([{ event: 'token', data: '{"text":"héllo — ✓"}' }])
  })

  it('cancels the body when a handler throws', async () => {
    let cancelled = false
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode('data: x\n\n'))
      },
      cancel() {
        cancelled = true
      },
    })
    await expect(
      readSseStream(body, () => {
        throw new Error('stop')
      }),
    ).rejects.toThrow('stop')
    expect(cancelled).toBe(true)
  })
})
