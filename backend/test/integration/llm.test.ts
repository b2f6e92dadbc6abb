// The provider client against a real local OpenAI-compatible server: streaming, errors, the idle
// timer, caller aborts, and the answer's bounds (max_tokens, total time, length).
import assert from 'node:assert/strict'
import { after, before, beforeEach, describe, it } from 'node:test'
import Fastify from 'fastify'
import { ConfigError, testConfig } from '../../src/config.js'
import { AppError } from '../../src/errors.js'
import { CHARS_PER_TOKEN_CAP, createChatModel, LlmAbortedError } from '../../src/rag/llm.js'
import { type OpenAiChatServer, startOpenAiChatServer } from '../helpers/openai-chat-server.js'

const log = Fastify({ logger: false }).log
const MESSAGES = [{ role: 'user' as const, content: 'hi' }]

async function collect(gen: AsyncGenerator<string>): Promise<string[]> {
  const out: string[] = []
  for await (const piece of gen) out.push(piece)
  return out
}

const never = () => new AbortController().signal
/** For providers that never end: a caller that gives up long after the bound under test. */
const patience = () => AbortSignal.timeout(8000)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function waitFor(check: () => boolean, ms = 3000): Promise<boolean> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (check()) return true
    await sleep(20)
  }
  return check()
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (err) {
    if (err instanceof AppError) return err.code
    if (err instanceof LlmAbortedError) return 'aborted'
    throw err
  }
  return 'ok'
}

describe('llm client', () => {
  let server: OpenAiChatServer
  before(async () => {
    server = await startOpenAiChatServer()
  })
  after(() => server.close())
  beforeEach(() => server.reset())

  const model = (env: Record<string, string> = {}) => {
    const m = createChatModel(
      testConfig({ LLM_BASE_URL: server.url, LLM_MODEL: 'test-model', LLM_TIMEOUT_SECONDS: '1', ...env }),
      log,
    )
    assert.ok(m)
    return m
  }

  it('is absent without LLM_BASE_URL', () => {
    assert.equal(createChatModel(testConfig({}), log), null)
  })

  it('streams the deltas of a chat completion', async () => {
    server.script({ text: 'Hello there [1].', pieceSize: 3 })
    const pieces = await collect(model().stream(MESSAGES, new AbortController().signal))
    assert.equal(pieces.join(''), 'Hello there [1].')
    assert.ok(pieces.length > 1)
    const req = server.requests[0]
    assert.equal(req?.body.model, 'test-model')
    assert.equal(req?.body.stream, true)
    assert.deepEqual(req?.body.messages, MESSAGES)
    assert.equal(req?.headers.authorization, 'Bearer none')
  })

  it('sends LLM_API_KEY as the bearer token', async () => {
    await collect(model({ LLM_API_KEY: 'sk-test-123' }).stream(MESSAGES, new AbortController().signal))
    assert.equal(server.requests[0]?.headers.authorization, 'Bearer sk-test-123')
  })

  it('maps error statuses to upstream_error, without retrying', async () => {
    for (const status of [500, 429, 401]) {
      server.reset()
      server.script({ status })
      assert.equal(
        await codeOf(collect(model().stream(MESSAGES, new AbortController().signal))),
        'upstream_error',
      )
      assert.equal(server.requests.length, 1)
    }
  })

  it('maps a refused connection to upstream_error', async () => {
    const m = createChatModel(
      testConfig({ LLM_BASE_URL: 'http://127.0.0.1:9/v1', LLM_MODEL: 'x', LLM_TIMEOUT_SECONDS: '2' }),
      log,
    )
    assert.equal(
      await codeOf(collect(m?.stream(MESSAGES, new AbortController().signal) as never)),
      'upstream_error',
    )
  })

  it('times out when no byte arrives in time (before the first byte, or mid-stream)', async () => {
    server.script({ delayMs: 2500 })
    const started = Date.now()
    assert.equal(
      await codeOf(collect(model().stream(MESSAGES, new AbortController().signal))),
      'upstream_timeout',
    )
    assert.ok(Date.now() - started < 2400)

    server.script({ text: 'first second third', pieceSize: 6, stallAfter: 1 })
    const got: string[] = []
    const gen = model().stream(MESSAGES, new AbortController().signal)
    const code = await codeOf(
      (async () => {
        for await (const piece of gen) got.push(piece)
      })(),
    )
    assert.equal(code, 'upstream_timeout')
    assert.deepEqual(got, ['first '])
  })

  it('keeps going while bytes keep arriving, however long the whole answer takes', async () => {
    // 12 pieces, ~1 ms apart plus scheduling: the idle timer (1 s) is reset by each.
    server.script({ text: 'x'.repeat(48), pieceSize: 4 })
    assert.equal(
      (await collect(model().stream(MESSAGES, new AbortController().signal))).join(''),
      'x'.repeat(48),
    )
  })

  it('asks for at most LLM_MAX_TOKENS tokens (default 1024)', async () => {
    await collect(model().stream(MESSAGES, new AbortController().signal))
    await collect(model({ LLM_MAX_TOKENS: '77' }).stream(MESSAGES, new AbortController().signal))
    assert.deepEqual(
      server.requests.map((r) => r.body.max_tokens),
      [1024, 77],
    )
    for (const bad of ['0', '-5', '1.5', 'lots']) {
      assert.throws(() => testConfig({ LLM_MAX_TOKENS: bad }), ConfigError, bad)
    }
  })

  it('cuts an answer that trickles forever at LLM_TIMEOUT_SECONDS × 5, and closes the call', async () => {
    // A byte every 50 ms keeps the idle timer (0.3 s) happy for ever: only the total bound ends it.
    server.script({ text: 'more ', forever: true, intervalMs: 50 })
    const started = Date.now()
    const pieces = await collect(model({ LLM_TIMEOUT_SECONDS: '0.3' }).stream(MESSAGES, patience()))
    const took = Date.now() - started
    assert.ok(took >= 1500 && took < 4000, `ended after ${took} ms, not ~1.5 s`)
    assert.ok(pieces.length > 5, 'the text so far is the answer')
    assert.ok(await waitFor(() => server.open === 0), 'the provider call was left open')
    assert.equal(server.disconnects, 1)
  })

  it('is an upstream_timeout when the total bound passes without any text', async () => {
    server.script({ chunks: [''], forever: true, intervalMs: 50 })
    const started = Date.now()
    const code = await codeOf(collect(model({ LLM_TIMEOUT_SECONDS: '0.3' }).stream(MESSAGES, patience())))
    assert.equal(code, 'upstream_timeout')
    assert.ok(Date.now() - started >= 1500)
    assert.ok(await waitFor(() => server.open === 0), 'the provider call was left open')
  })

  it('stops a provider that ignores max_tokens at LLM_MAX_TOKENS × 16 characters', async () => {
    server.script({ text: 'endless text ', forever: true, intervalMs: 0 })
    const pieces = await collect(model({ LLM_MAX_TOKENS: '10' }).stream(MESSAGES, patience()))
    assert.equal(pieces.join('').length, 10 * CHARS_PER_TOKEN_CAP)
    assert.ok(await waitFor(() => server.open === 0), 'the provider call was left open')
  })

  it('does not count a slow consumer against the provider’s idle timer', async () => {
    // Two pieces, each held 0.5 s: longer than the idle timeout (0.3 s) each time, together
    // well within the total bound (1.5 s).
    server.script({ text: 'one two ', pieceSize: 4 })
    const got: string[] = []
    for await (const piece of model({ LLM_TIMEOUT_SECONDS: '0.3' }).stream(MESSAGES, never())) {
      got.push(piece)
      await sleep(500)
    }
    assert.equal(got.join(''), 'one two ')
  })

  it('stops quietly when the caller aborts', async () => {
    server.script({ text: 'a b c', stallAfter: 1 })
    const controller = new AbortController()
    const gen = model({ LLM_TIMEOUT_SECONDS: '5' }).stream(MESSAGES, controller.signal)
    const first = await gen.next()
    assert.equal(first.value, 'a b ')
    controller.abort()
    assert.equal(await codeOf(gen.next()), 'aborted')
  })
})
