// docs/api.md §8's bounds on answers, over real sockets against a real local OpenAI-compatible
// server: at most 3 answers per user at once (the 4th is 429, in-process and across instances
// sharing Redis), every ending frees its slot, an answer ends after LLM_TIMEOUT_SECONDS × 5 in
// all, a slow reader gets backpressure instead of a growing buffer, and a client that has gone
// (mid-stream, while blocked, or before the answer started) closes the provider call.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { type AddressInfo, connect, type Socket } from 'node:net'
import { after, before, beforeEach, describe, it } from 'node:test'
import { sql } from 'drizzle-orm'
import Fastify from 'fastify'
import { testConfig } from '../../src/config.js'
import { systemClock } from '../../src/lib/clock.js'
import { type CounterStore, createCounterStore, MemoryCounterStore } from '../../src/lib/counter-store.js'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { ingestCorpus, parseSse, type SseFrame } from '../helpers/chat-corpus.js'
import {
  createTestDatabase,
  dbKinds,
  redisSkipReason,
  TEST_REDIS_URL,
  type TestDatabase,
} from '../helpers/db.js'
import { type OpenAiChatServer, startOpenAiChatServer } from '../helpers/openai-chat-server.js'
import { createUserWithSession } from '../helpers/users.js'

const QUESTION = 'Which port does the Docker container listen on?'
const QUICK_ANSWER = { text: 'Port 7860 [1].' }
/**
 * One supported sentence, then silence: an answer that stays in flight until something ends it.
 * (The first piece is a whole claim its passage supports, so the grounded filter releases it.)
 */
const HANGS = { text: 'Port 7860 [1]. And then silence', pieceSize: 15, stallAfter: 1 }
/** 16 KiB of supported sentences per delta, without end. */
const GROUNDED_FLOOD = 'Port 7860 [1]. '.repeat(Math.ceil((16 * 1024) / 15))
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function waitFor(check: () => boolean | Promise<boolean>, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (await check()) return true
    await sleep(20)
  }
  return check()
}

async function listen(app: TestApp): Promise<string> {
  await app.app.listen({ port: 0, host: '127.0.0.1' })
  return `http://127.0.0.1:${(app.app.server.address() as AddressInfo).port}`
}

function ask(base: string, token: string, opts: { sse?: boolean; signal?: AbortSignal } = {}) {
  return fetch(`${base}/api/chat/message`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      ...(opts.sse === false ? {} : { accept: 'text/event-stream' }),
    },
    body: JSON.stringify({ message: QUESTION }),
    signal: opts.signal ?? AbortSignal.timeout(20_000),
  })
}

/** Reads SSE frames until `until` says stop, or the stream ends. */
async function readFrames(res: Response, until: (frames: SseFrame[]) => boolean = () => false) {
  assert.ok(res.body)
  const reader = res.body.getReader()
  const decoder = new TextDecoder()
  let text = ''
  let frames: SseFrame[] = []
  for (;;) {
    const { value, done } = await reader.read()
    if (done) break
    text += decoder.decode(value, { stream: true })
    frames = parseSse(text.slice(0, text.lastIndexOf('\n\n') + 2))
    if (until(frames)) break
  }
  return frames
}

interface Held {
  abort(): void
}

/** An SSE answer whose first token has arrived and that stays open until aborted; null if 429. */
async function tryInFlight(base: string, token: string): Promise<Held | null> {
  const controller = new AbortController()
  const res = await ask(base, token, { signal: controller.signal })
  if (res.status === 429) {
    await res.body?.cancel()
    return null
  }
  assert.equal(res.status, 200, await (res.status === 200 ? '' : res.text()))
  await readFrames(res, (f) => f.some((x) => x.event === 'token'))
  return { abort: () => controller.abort() }
}

async function inFlight(base: string, token: string): Promise<Held> {
  const held = await tryInFlight(base, token)
  assert.ok(held, 'refused with 429')
  return held
}

async function assertRefused(res: Response) {
  assert.equal(res.status, 429)
  assert.equal(res.headers.get('retry-after'), '5')
  // §6: the cap's own RateLimit-* (3 at once, none left), not RATE_LIMIT_CHAT's spare requests.
  assert.equal(res.headers.get('ratelimit-limit'), '3')
  assert.equal(res.headers.get('ratelimit-remaining'), '0')
  assert.equal(res.headers.get('ratelimit-reset'), '5')
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/)
  assert.deepEqual(await res.json(), {
    detail: 'Rate limit exceeded. Please wait 5 seconds.',
    code: 'rate_limited',
  })
}

for (const kind of dbKinds())
  describe(`chat answer bounds [${kind}]`, () => {
    let tdb: TestDatabase
    let llm: OpenAiChatServer
    /** Idle timeout far beyond the tests' waits: only the client (or a bound) ends a call. */
    let patient: TestApp
    /** LLM_TIMEOUT_SECONDS 0.4: the total bound is 2 s. */
    let quick: TestApp
    let patientBase: string
    let quickBase: string

    const freshUser = async () =>
      (
        await createUserWithSession(tdb.db, testConfig(), {
          email: `bounds-${randomBytes(4).toString('hex')}@example.com`,
        })
      ).token

    const messageCount = async () =>
      Number((await tdb.db.query<{ n: number }>('select count(*)::int as n from messages'))[0]?.n)

    /** Provider calls all closed, and their slots given back. */
    const settled = async () => {
      assert.ok(await waitFor(() => llm.open === 0), 'a provider call was left open')
      await sleep(100)
    }

    /** How many answers `token` may start now (each held, then all released). */
    const freeSlots = async (token: string) => {
      const held: Held[] = []
      try {
        for (let i = 0; i < 5; i++) {
          llm.script(HANGS)
          const one = await tryInFlight(patientBase, token)
          if (!one) break
          held.push(one)
        }
        return held.length
      } finally {
        for (const h of held) h.abort()
        llm.reset()
        await settled()
      }
    }

    before(async () => {
      llm = await startOpenAiChatServer()
      tdb = await createTestDatabase(kind)
      await ingestCorpus(tdb.db, testConfig())
      // One store for both apps, as two instances share Redis: the slots are in the store.
      const counters = new MemoryCounterStore(systemClock)
      const env = { LLM_BASE_URL: llm.url, LLM_MODEL: 'm', RATE_LIMIT_CHAT: '1000/minute' }
      patient = await buildTestApp(
        kind,
        { ...env, LLM_TIMEOUT_SECONDS: '60', LLM_MAX_TOKENS: '1000000' },
        { tdb, counters },
      )
      quick = await buildTestApp(kind, { ...env, LLM_TIMEOUT_SECONDS: '0.4' }, { tdb, counters })
      patientBase = await listen(patient)
      quickBase = await listen(quick)
      // First-call costs (the SDK, undici) paid here, not inside a timed test.
      llm.script(QUICK_ANSWER, QUICK_ANSWER)
      const token = await freshUser()
      assert.equal((await ask(patientBase, token, { sse: false })).status, 200)
      assert.equal((await ask(quickBase, token, { sse: false })).status, 200)
    })
    after(async () => {
      await quick?.close()
      await patient?.close()
      await tdb?.cleanup()
      await llm?.close()
    })
    beforeEach(async () => {
      llm.reset()
      llm.setDefault(QUICK_ANSWER)
    })

    it('refuses a 4th answer at once with 429 and Retry-After, SSE and JSON alike, storing nothing', async () => {
      const token = await freshUser()
      llm.setDefault(HANGS)
      const held = [
        await inFlight(patientBase, token),
        await inFlight(patientBase, token),
        await inFlight(patientBase, token),
      ]
      try {
        const stored = await messageCount()
        await assertRefused(await ask(patientBase, token))
        await assertRefused(await ask(patientBase, token, { sse: false }))
        assert.equal(await messageCount(), stored, 'a refused question is not stored')
        assert.equal(llm.requests.length, 3)
        // Per user: someone else is answered meanwhile.
        llm.script(QUICK_ANSWER)
        assert.equal((await ask(patientBase, await freshUser(), { sse: false })).status, 200)
      } finally {
        for (const h of held) h.abort()
        await settled()
      }
      assert.equal(await freeSlots(token), 3)
    })

    it('frees the slot whenever an answer ends: done, provider error, timeout, client gone', async () => {
      const token = await freshUser()
      // Three rounds: a kind of ending that kept its slot would use up all three by the last one.
      for (let round = 0; round < 3; round++) {
        llm.script(QUICK_ANSWER)
        assert.equal((await readFrames(await ask(patientBase, token))).at(-1)?.event, 'done')
        llm.script(QUICK_ANSWER)
        assert.equal((await ask(patientBase, token, { sse: false })).status, 200)

        llm.script({ status: 500 })
        assert.equal((await readFrames(await ask(patientBase, token))).at(-1)?.data.code, 'upstream_error')
        llm.script({ status: 500 })
        assert.equal((await ask(patientBase, token, { sse: false })).status, 502)

        llm.script(HANGS)
        assert.equal((await readFrames(await ask(quickBase, token))).at(-1)?.data.code, 'upstream_timeout')
        llm.script({ delayMs: 1500 })
        assert.equal((await ask(quickBase, token, { sse: false })).status, 504)

        llm.script(HANGS)
        ;(await inFlight(patientBase, token)).abort()
        llm.script(HANGS)
        const controller = new AbortController()
        const calls = llm.requests.length
        const pending = ask(patientBase, token, { sse: false, signal: controller.signal }).catch((e) => e)
        assert.ok(await waitFor(() => llm.requests.length > calls), 'the provider was not called')
        controller.abort()
        await pending
        await settled()
      }
      assert.equal(await freeSlots(token), 3)
    })

    it('ends an answer that trickles forever after LLM_TIMEOUT_SECONDS × 5, keeping what came', async () => {
      const token = await freshUser()
      llm.setDefault({ text: 'Port 7860 [1]. ', forever: true, intervalMs: 50 })
      const started = Date.now()
      const frames = await readFrames(await ask(quickBase, token, { signal: AbortSignal.timeout(10_000) }))
      const took = Date.now() - started
      assert.ok(took >= 2000 && took < 6000, `the stream took ${took} ms, not ~2 s`)
      assert.deepEqual(
        frames.slice(-2).map((f) => f.event),
        ['citations', 'done'],
      )
      const streamed = frames
        .filter((f) => f.event === 'token')
        .map((f) => f.data.text)
        .join('')
      const messageId = String(frames[0]?.data.message_id)
      const rows = await tdb.db.query<{ content: string }>('select content from messages where id = $1', [
        messageId,
      ])
      assert.equal(rows[0]?.content, streamed, 'the answer so far is stored as the answer')
      assert.ok(await waitFor(() => llm.open === 0), 'the provider call was left open')

      const json = await ask(quickBase, token, { sse: false, signal: AbortSignal.timeout(10_000) })
      assert.equal(json.status, 200)
      assert.match(((await json.json()) as { message: { content: string } }).message.content, /^Port 7860/)
    })

    it('gives a client that does not read backpressure, and closes the provider call when it leaves', async () => {
      const token = await freshUser()
      // As fast as the server takes it, 16 KiB per delta, without end; supported by its sources,
      // so each delta is released to the client as it comes.
      llm.setDefault({ text: GROUNDED_FLOOD, pieceSize: GROUNDED_FLOOD.length, forever: true, intervalMs: 0 })
      const url = new URL(patientBase)
      const body = JSON.stringify({ message: QUESTION })
      const socket: Socket = connect(Number(url.port), url.hostname)
      socket.on('error', () => {})
      socket.pause() // reads nothing at all
      socket.write(
        [
          'POST /api/chat/message HTTP/1.1',
          `host: ${url.host}`,
          `authorization: Bearer ${token}`,
          'content-type: application/json',
          'accept: text/event-stream',
          `content-length: ${Buffer.byteLength(body)}`,
          '',
          body,
        ].join('\r\n'),
      )
      try {
        assert.ok(await waitFor(() => llm.bytesSent > 64 * 1024), 'the provider never streamed')
        // Once the buffers between here and the client are full, the server stops reading the
        // provider: its sent bytes stop growing. Without backpressure they grow for ever. On a
        // loaded host loopback buffers keep autotuning upwards (to ~4 MB each way) for a while,
        // so the plateau is waited for up to 20 s; the growth allowed per half second is the same.
        let last = llm.bytesSent
        let plateau = false
        for (let i = 0; i < 40 && !plateau; i++) {
          await sleep(500)
          plateau = llm.bytesSent - last < 64 * 1024
          last = llm.bytesSent
        }
        assert.ok(plateau, `the server kept reading from the provider (${llm.bytesSent} bytes)`)
        assert.ok(
          llm.bytesSent < 64 * 1024 * 1024,
          `${llm.bytesSent} bytes taken for a client that reads nothing`,
        )
        assert.equal(llm.open, 1)
      } finally {
        socket.destroy()
      }
      assert.ok(await waitFor(() => llm.open === 0), 'the provider call outlived its client')
      await sleep(100)
      assert.equal(await freeSlots(token), 3)
    })

    it('ends endless text its sources do not support as the refusal, and stops reading the provider', async () => {
      const token = await freshUser()
      // Nothing here can be shown: the grounded filter holds it, so no backpressure would stop it.
      llm.setDefault({ text: 'x'.repeat(16 * 1024), pieceSize: 16 * 1024, forever: true, intervalMs: 0 })
      const frames = await readFrames(await ask(patientBase, token))
      assert.deepEqual(
        frames.map((f) => f.event),
        ['meta', 'token', 'citations', 'done'],
      )
      assert.equal(frames[1]?.data.text, 'The documents do not cover this.')
      assert.deepEqual(frames[2]?.data.citations, [])
      assert.ok(await waitFor(() => llm.open === 0), 'the provider call was left open')
      assert.ok(llm.bytesSent < 4 * 1024 * 1024, `${llm.bytesSent} bytes read for a refusal`)
      await sleep(100)
      assert.equal(await freeSlots(token), 3)
    })

    it('does not call the provider for a client that left while the question was prepared', async () => {
      const token = await freshUser()
      llm.setDefault(HANGS)
      // The question cannot be stored while this transaction holds the tables (without blocking
      // the event loop): its client leaves meanwhile.
      let locked: () => void = () => {}
      const isLocked = new Promise<void>((resolve) => {
        locked = resolve
      })
      const busy = tdb.db.orm.transaction(async (tx) => {
        await tx.execute(sql`lock table conversations, messages in exclusive mode`)
        locked()
        await sleep(1500)
      })
      await isLocked
      const controller = new AbortController()
      const pending = ask(patientBase, token, { signal: controller.signal }).catch((e) => e)
      await sleep(500)
      controller.abort()
      await pending
      await busy
      await sleep(1000)
      assert.equal(llm.requests.length, 0, 'the provider was called for a client already gone')
      assert.equal(await freeSlots(token), 3)
    })
  })

describe('answer slots across instances sharing Redis', { skip: redisSkipReason() }, () => {
  const kind = dbKinds()[0] ?? 'pglite'
  let tdb: TestDatabase
  let llm: OpenAiChatServer
  const apps: TestApp[] = []
  const stores: CounterStore[] = []
  const bases: string[] = []
  let token: string

  before(async () => {
    llm = await startOpenAiChatServer()
    tdb = await createTestDatabase(kind)
    await ingestCorpus(tdb.db, testConfig())
    const prefix = `rag-auth-test:slots:${randomBytes(4).toString('hex')}:`
    const log = Fastify({ logger: false }).log
    for (let i = 0; i < 2; i++) {
      const counters = await createCounterStore(TEST_REDIS_URL, systemClock, log, prefix)
      stores.push(counters)
      const env = { LLM_BASE_URL: llm.url, LLM_MODEL: 'm', LLM_TIMEOUT_SECONDS: '60' }
      const app = await buildTestApp(kind, env, { tdb, counters })
      apps.push(app)
      bases.push(await listen(app))
    }
    token = (await createUserWithSession(tdb.db, testConfig(), { email: 'slots-redis@example.com' })).token
    llm.script(QUICK_ANSWER, QUICK_ANSWER)
    for (const base of bases) assert.equal((await ask(base, token, { sse: false })).status, 200)
  })
  after(async () => {
    for (const app of apps) await app.close()
    for (const s of stores) await s.close()
    await tdb?.cleanup()
    await llm?.close()
  })

  it('counts a user’s answers on every instance: 3 on one, the 4th on the other is 429', async () => {
    const [a, b] = bases as [string, string]
    llm.setDefault(HANGS)
    const held = [await inFlight(a, token), await inFlight(a, token), await inFlight(a, token)]
    try {
      await assertRefused(await ask(b, token))
      await assertRefused(await ask(b, token, { sse: false }))
      held.pop()?.abort()
      assert.ok(await waitFor(() => llm.open === 2), 'the aborted call was not closed')
      await sleep(100)
      held.push(await inFlight(b, token))
      await assertRefused(await ask(a, token))
    } finally {
      for (const h of held) h.abort()
      assert.ok(await waitFor(() => llm.open === 0))
    }
  })
})
