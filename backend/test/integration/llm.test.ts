// The provider client against a real local OpenAI-compatible server: streaming, errors, the idle
// timer, and caller aborts.
import assert from 'node:assert/strict'
import { after, before, beforeEach, describe, it } from 'node:test'
import Fastify from 'fastify'
import { testConfig } from '../../src/config.js'
import { AppError } from '../../src/errors.js'
import { createChatModel, LlmAbortedError } from '../../src/rag/llm.js'
import { type OpenAiChatServer, startOpenAiChatServer } from '../helpers/openai-chat-server.js'

const log = Fastify({ logger: false }).log
const MESSAGES = [{ role: 'user' as const, content: 'hi' }]

async function collect(gen: AsyncGenerator<string>): Promise<string[]> {
  const out: string[] = []
  for await (const piece of gen) out.push(piece)
  return out
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
