import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from './api-error'
import { createAnswerAccumulator, streamChat } from './chat-stream'
import type { Citation } from './types'

const citation: Citation = {
  index: 1,
  document_id: 'd1',
  chunk_id: 'k1',
  space_id: 'space-1',
  title: 'Deploying',
  source: 'deploy.md',
  heading: 'Spaces',
  snippet: 'Push the repo',
}

function sse(events: Array<[string, unknown]>): string {
  return events.map(([name, data]) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`).join('')
}

function streamResponse(text: string, chunkSize = 5): Response {
  const bytes = new TextEncoder().encode(text)
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < bytes.length; i += chunkSize) controller.enqueue(bytes.slice(i, i + chunkSize))
      controller.close()
    },
  })
  return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } })
}

const META = { conversation_id: 'c1', message_id: 'm1', mode: 'extractive' }

afterEach(() => vi.unstubAllGlobals())

describe('createAnswerAccumulator', () => {
  it('folds meta, tokens, citations and done into an answer', () => {
    const tokens: string[] = []
    const acc = createAnswerAccumulator({ onToken: (_text, soFar) => tokens.push(soFar) })
    acc.handle({ event: 'meta', data: JSON.stringify({ ...META, mode: 'llm' }) })
    acc.handle({ event: 'token', data: '{"text":"Use "}' })
    acc.handle({ event: 'token', data: '{"text":"Docker [1]."}' })
    acc.handle({ event: 'citations', data: JSON.stringify({ citations: [citation] }) })
    acc.handle({ event: 'done', data: '{}' })
    expect(tokens).toEqual(['Use ', 'Use Docker [1].'])
    expect(acc.result()).toEqual({
      conversationId: 'c1',
      messageId: 'm1',
      mode: 'llm',
      content: 'Use Docker [1].',
      citations: [citation],
    })
  })

  it('turns event: error into an ApiError with a matching status', () => {
    const acc = createAnswerAccumulator({})
    acc.handle({ event: 'meta', data: JSON.stringify(META) })
    try {
      acc.handle({ event: 'error', data: '{"detail":"The model timed out","code":"upstream_timeout"}' })
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(ApiError)
      expect(error).toMatchObject({ status: 504, code: 'upstream_timeout' })
    }
  })

  it('reports a stream that ends without done', () => {
    const acc = createAnswerAccumulator({})
    acc.handle({ event: 'meta', data: JSON.stringify(META) })
    expect(() => acc.result()).toThrow(/cut off/)
  })
})

describe('streamChat', () => {
  it('posts the message with cookies and Accept: text/event-stream, and streams the answer', async () => {
    const fetchMock = vi.fn(async (_url: string, _init: RequestInit) =>
      streamResponse(
        sse([
          ['meta', META],
          ['token', { text: 'Hi [1]' }],
          ['citations', { citations: [citation] }],
          ['done', {}],
        ]),
      ),
    )
    vi.stubGlobal('fetch', fetchMock)
    const metas: string[] = []
    const result = await streamChat(
      { message: 'hello', conversationId: 'c1' },
      { onMeta: (m) => metas.push(m.mode) },
    )
    expect(result.content).toBe('Hi [1]')
    expect(result.citations).toEqual([citation])
    expect(metas).toEqual(['extractive'])
    const call = fetchMock.mock.calls[0]
    if (!call) throw new Error('fetch was not called')
    const [url, init] = call
    expect(url).toBe('/api/chat/message')
    expect(init.credentials).toBe('include')
    expect((init.headers as Record<string, string>).Accept).toBe('text/event-stream')
    expect(JSON.parse(String(init.body))).toEqual({ message: 'hello', conversation_id: 'c1' })
  })

  it('rejects with the ApiError of an event: error that arrives after tokens, in CRLF and small chunks', async () => {
    const text = sse([
      ['meta', META],
      ['token', { text: 'Partial' }],
      ['error', { detail: 'The language model did not answer in time.', code: 'upstream_timeout' }],
    ]).replace(/\n/g, '\r\n')
    vi.stubGlobal('fetch', async () => streamResponse(text, 3))
    const tokens: string[] = []
    await expect(
      streamChat({ message: 'x' }, { onToken: (_text, soFar) => tokens.push(soFar) }),
    ).rejects.toMatchObject({ name: 'ApiError', status: 504, code: 'upstream_timeout' })
    expect(tokens).toEqual(['Partial'])
  })

  it('rejects with ApiError (and Retry-After) when the server refuses before streaming', async () => {
    const body = JSON.stringify({
      detail: 'Rate limit exceeded. Please wait 30 seconds.',
      code: 'rate_limited',
    })
    vi.stubGlobal('fetch', async () => new Response(body, { status: 429, headers: { 'Retry-After': '30' } }))
    await expect(streamChat({ message: 'x' }, {})).rejects.toMatchObject({ status: 429, retryAfter: 30 })
  })

  it('accepts a plain JSON answer too', async () => {
    const json = {
      conversation_id: 'c2',
      mode: 'llm',
      message: { id: 'm2', role: 'assistant', content: 'A', citations: [] },
    }
    vi.stubGlobal(
      'fetch',
      async () => new Response(JSON.stringify(json), { headers: { 'Content-Type': 'application/json' } }),
    )
    expect(await streamChat({ message: 'x' }, {})).toMatchObject({
      conversationId: 'c2',
      mode: 'llm',
      content: 'A',
    })
  })
})
