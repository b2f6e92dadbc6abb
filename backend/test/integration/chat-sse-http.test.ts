// SSE over a real socket: events reach the client as they happen (nothing buffers the stream),
// and a client that goes away aborts the provider call.
import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import { after, before, beforeEach, describe, it } from 'node:test'
import { testConfig } from '../../src/config.js'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { ingestCorpus, parseSse, type SseFrame } from '../helpers/chat-corpus.js'
import { dbKinds } from '../helpers/db.js'
import { type OpenAiChatServer, startOpenAiChatServer } from '../helpers/openai-chat-server.js'
import { createUserWithSession } from '../helpers/users.js'

const QUESTION = 'Which port does the Docker container listen on?'

/** Reads SSE frames from a fetch body until `until` says stop (or the stream ends). */
async function readFrames(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  until: (frames: SseFrame[]) => boolean,
) {
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
  return { frames, reader }
}

async function waitFor(check: () => boolean | Promise<boolean>, ms = 3000): Promise<boolean> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (await check()) return true
    await new Promise((r) => setTimeout(r, 20))
  }
  return check()
}

// One database kind is enough here: this is about the HTTP stream, not SQL.
const kind = dbKinds()[0] ?? 'pglite'

describe(`chat SSE over HTTP [${kind}]`, () => {
  let t: TestApp
  /** Same database, an idle timeout far beyond the test's waits: only the client can end a call. */
  let patient: TestApp
  let llm: OpenAiChatServer
  let base: string
  let patientBase: string
  let token: string

  const listen = async (app: TestApp) => {
    await app.app.listen({ port: 0, host: '127.0.0.1' })
    return `http://127.0.0.1:${(app.app.server.address() as AddressInfo).port}`
  }

  before(async () => {
    llm = await startOpenAiChatServer()
    t = await buildTestApp(kind, { LLM_BASE_URL: llm.url, LLM_MODEL: 'm', LLM_TIMEOUT_SECONDS: '1.5' })
    patient = await buildTestApp(
      kind,
      { LLM_BASE_URL: llm.url, LLM_MODEL: 'm', LLM_TIMEOUT_SECONDS: '60' },
      { tdb: t.tdb },
    )
    await ingestCorpus(t.tdb.db, testConfig())
    token = (await createUserWithSession(t.tdb.db, testConfig(), { email: 'sse@example.com' })).token
    base = await listen(t)
    patientBase = await listen(patient)
  })
  after(async () => {
    await patient?.close()
    await t?.close()
    await llm?.close()
  })
  beforeEach(() => llm.reset())

  const ask = (signal?: AbortSignal, at = base) =>
    fetch(`${at}/api/chat/message`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'text/event-stream',
      },
      body: JSON.stringify({ message: QUESTION }),
      ...(signal ? { signal } : {}),
    })

  it('delivers tokens as they arrive, then event: error when the provider stalls', async () => {
    // The first piece holds a whole claim: LLM text is released claim by claim (rag/grounding.ts).
    llm.script({ text: 'Port 7860 [1]. And then silence', pieceSize: 16, stallAfter: 1 })
    const res = await ask()
    assert.equal(res.status, 200)
    assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8')
    assert.equal(res.headers.get('x-accel-buffering'), 'no')
    assert.equal(res.headers.get('cache-control'), 'no-store')
    assert.equal(res.headers.get('strict-transport-security'), 'max-age=31536000; includeSubDomains')
    assert.ok(res.body)
    const { frames, reader } = await readFrames(res.body.getReader(), (f) =>
      f.some((x) => x.event === 'token'),
    )
    const tokenAt = Date.now()
    assert.deepEqual(
      frames.map((f) => f.event),
      ['meta', 'token'],
    )
    const rest = await readFrames(reader, () => false)
    // The token came ~LLM_TIMEOUT_SECONDS before the error: it was not held back until the end.
    assert.ok(Date.now() - tokenAt > 1000, 'the token arrived together with the error')
    assert.deepEqual(rest.frames.at(-1)?.event, 'error')
    assert.equal(rest.frames.at(-1)?.data.code, 'upstream_timeout')
    // The timed-out call was closed (and is counted here, not in the next test).
    assert.ok(await waitFor(() => llm.disconnects === 1), 'the stalled provider call was not closed')
  })

  it('aborts the provider call when the client goes away', async () => {
    // The first piece holds a whole claim: LLM text is released claim by claim (rag/grounding.ts).
    llm.script({ text: 'Port 7860 [1]. And then silence', pieceSize: 16, stallAfter: 1 })
    const controller = new AbortController()
    const res = await ask(controller.signal, patientBase)
    assert.ok(res.body)
    const { frames } = await readFrames(res.body.getReader(), (f) => f.some((x) => x.event === 'token'))
    const conversationId = String(frames[0]?.data.conversation_id)
    controller.abort()
    assert.ok(await waitFor(() => llm.disconnects === 1), 'the provider call was not aborted')
    // The question is kept, no half answer is stored, and the server carries on.
    const rows = await t.tdb.db.query<{ role: string }>(
      'select role from messages where conversation_id = $1 order by created_at',
      [conversationId],
    )
    assert.deepEqual(
      rows.map((r) => r.role),
      ['user'],
    )
    llm.script({ text: 'Port 7860 [1].' })
    const again = await ask()
    const done = await readFrames((again.body as ReadableStream<Uint8Array>).getReader(), (f) =>
      f.some((x) => x.event === 'done'),
    )
    assert.equal(done.frames.at(-1)?.event, 'done')
  })

  it('aborts the provider call when a JSON client goes away too', async () => {
    // The first piece holds a whole claim: LLM text is released claim by claim (rag/grounding.ts).
    llm.script({ text: 'Port 7860 [1]. And then silence', pieceSize: 16, stallAfter: 1 })
    const controller = new AbortController()
    const pending = fetch(`${patientBase}/api/chat/message`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ message: QUESTION }),
      signal: controller.signal,
    }).catch((err: Error) => err)
    assert.ok(await waitFor(() => llm.requests.length === 1), 'the provider was not called')
    controller.abort()
    assert.ok((await pending) instanceof Error)
    assert.ok(await waitFor(() => llm.disconnects === 1), 'the provider call was not aborted')
  })
})
