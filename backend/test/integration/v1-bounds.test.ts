// /v1/chat/completions under the same bounds as /api/chat/message (docs/api.md §8, §11): the
// 3-answers-at-once cap counts answers from both routes, RATE_LIMIT_CHAT is one count for both,
// refusals are OpenAI-shaped 429s with Retry-After, and a streaming client that goes away stops
// the provider call and frees its slot.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { after, before, beforeEach, describe, it } from 'node:test'
import { testConfig } from '../../src/config.js'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { ingestCorpus } from '../helpers/chat-corpus.js'
import { createTestDatabase, dbKinds, type TestDatabase } from '../helpers/db.js'
import { type OpenAiChatServer, startOpenAiChatServer } from '../helpers/openai-chat-server.js'
import { createUserWithSession } from '../helpers/users.js'

const QUESTION = 'Which port does the Docker container listen on?'
const QUICK_ANSWER = { text: 'Port 7860 [1].' }
/** One supported sentence, then silence: in flight until something ends it. */
const HANGS = { text: 'Port 7860 [1]. And then silence', pieceSize: 15, stallAfter: 1 }
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function waitFor(check: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (check()) return true
    await sleep(20)
  }
  return check()
}

async function listen(app: TestApp): Promise<string> {
  await app.app.listen({ port: 0, host: '127.0.0.1' })
  return `http://127.0.0.1:${(app.app.server.address() as AddressInfo).port}`
}

function completion(base: string, token: string, opts: { stream?: boolean; signal?: AbortSignal } = {}) {
  return fetch(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'rag-auth',
      stream: opts.stream ?? false,
      messages: [{ role: 'user', content: QUESTION }],
    }),
    signal: opts.signal ?? AbortSignal.timeout(20_000),
  })
}

function chat(base: string, token: string, opts: { sse?: boolean; signal?: AbortSignal } = {}) {
  return fetch(`${base}/api/chat/message`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      ...(opts.sse ? { accept: 'text/event-stream' } : {}),
    },
    body: JSON.stringify({ message: QUESTION }),
    signal: opts.signal ?? AbortSignal.timeout(20_000),
  })
}

/** Reads a streamed response until its text contains `marker`. */
async function readUntil(res: Response, marker: string): Promise<void> {
  assert.equal(res.status, 200, res.status === 200 ? '' : await res.text())
  assert.ok(res.body)
  const reader = res.body.getReader()
  const decoder = new TextDecoder()
  let text = ''
  while (!text.includes(marker)) {
    const { value, done } = await reader.read()
    if (done) throw new Error(`stream ended before ${marker}: ${text}`)
    text += decoder.decode(value, { stream: true })
  }
}

async function assertOpenAiRateLimited(res: Response, retryAfter?: string) {
  assert.equal(res.status, 429)
  if (retryAfter) assert.equal(res.headers.get('retry-after'), retryAfter)
  else assert.match(res.headers.get('retry-after') ?? '', /^\d+$/)
  const body = (await res.json()) as { error: { code: string; type: string; message: string; param: null } }
  assert.equal(body.error.code, 'rate_limited')
  assert.equal(body.error.type, 'invalid_request_error')
  assert.match(body.error.message, /^Rate limit exceeded\. Please wait \d+ seconds\.$/)
  assert.equal(body.error.param, null)
}

// One database kind: this is about HTTP bounds, not SQL.
const kind = dbKinds()[0] ?? 'pglite'

describe(`/v1 answer bounds [${kind}]`, () => {
  let tdb: TestDatabase
  let llm: OpenAiChatServer
  let patient: TestApp
  let limited: TestApp
  let patientBase: string
  let limitedBase: string

  const freshUser = async () =>
    (
      await createUserWithSession(tdb.db, testConfig(), {
        email: `v1-${randomBytes(4).toString('hex')}@example.com`,
      })
    ).token

  before(async () => {
    llm = await startOpenAiChatServer()
    tdb = await createTestDatabase(kind)
    await ingestCorpus(tdb.db, testConfig())
    patient = await buildTestApp(
      kind,
      { LLM_BASE_URL: llm.url, LLM_MODEL: 'm', LLM_TIMEOUT_SECONDS: '60', RATE_LIMIT_CHAT: '1000/minute' },
      { tdb },
    )
    limited = await buildTestApp(kind, { RATE_LIMIT_CHAT: '2/minute' }, { tdb })
    patientBase = await listen(patient)
    limitedBase = await listen(limited)
    llm.script(QUICK_ANSWER)
    assert.equal((await completion(patientBase, await freshUser())).status, 200)
  })
  after(async () => {
    await patient?.close()
    await limited?.close()
    await tdb?.cleanup()
    await llm?.close()
  })
  beforeEach(() => {
    llm.reset()
    llm.setDefault(QUICK_ANSWER)
  })

  it("3 answers at once across /api/chat and /v1: the 4th is 429 in OpenAI's shape, and the slots come back", async () => {
    const token = await freshUser()
    llm.setDefault(HANGS)
    const controllers = [new AbortController(), new AbortController(), new AbortController()]
    try {
      await readUntil(
        await chat(patientBase, token, { sse: true, signal: controllers[0]?.signal }),
        'event: token',
      )
      await readUntil(
        await chat(patientBase, token, { sse: true, signal: controllers[1]?.signal }),
        'event: token',
      )
      await readUntil(
        await completion(patientBase, token, { stream: true, signal: controllers[2]?.signal }),
        '7860',
      )
      await assertOpenAiRateLimited(await completion(patientBase, token), '5')
      await assertOpenAiRateLimited(await completion(patientBase, token, { stream: true }), '5')
      const viaApi = await chat(patientBase, token)
      assert.equal(viaApi.status, 429)
      assert.equal(((await viaApi.json()) as { code: string }).code, 'rate_limited')
      assert.equal(llm.requests.length, 3, 'refused questions never reach the provider')
    } finally {
      for (const c of controllers) c.abort()
    }
    // A client gone away stops its provider call and gives its slot back.
    assert.ok(await waitFor(() => llm.open === 0), 'a provider call was left open')
    await sleep(100)
    llm.setDefault(QUICK_ANSWER)
    for (let i = 0; i < 3; i++) assert.equal((await completion(patientBase, token)).status, 200)
  })

  it('RATE_LIMIT_CHAT is one count for /api/chat/message and /v1/chat/completions', async () => {
    const token = await freshUser()
    assert.equal((await chat(limitedBase, token)).status, 200)
    const second = await completion(limitedBase, token)
    assert.equal(second.status, 200)
    assert.equal(second.headers.get('ratelimit-limit'), '2')
    assert.equal(second.headers.get('ratelimit-remaining'), '0')
    await assertOpenAiRateLimited(await completion(limitedBase, token))
    const viaApi = await chat(limitedBase, token)
    assert.equal(viaApi.status, 429)
    // Per user: someone else still asks.
    assert.equal((await completion(limitedBase, await freshUser())).status, 200)
    // /v1/models is not a question: RATE_LIMIT_GLOBAL applies there, not the chat limit.
    const models = await fetch(`${limitedBase}/v1/models`, { headers: { authorization: `Bearer ${token}` } })
    assert.equal(models.status, 200)
  })
})
