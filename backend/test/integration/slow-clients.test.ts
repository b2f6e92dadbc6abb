// docs/api.md §0: a request whose headers and body have not arrived within 30 s is closed; a stream
// the server is sending is not cut. The limit is shortened here (AppDeps.requestTimeoutMs) so
// the test does not wait 30 s; the default is checked on the server object.
import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import { connect } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { buildApp } from '../../src/app.js'
import { testConfig } from '../../src/config.js'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { ingestCorpus, parseSse } from '../helpers/chat-corpus.js'
import { dbKinds } from '../helpers/db.js'
import { type OpenAiChatServer, startOpenAiChatServer } from '../helpers/openai-chat-server.js'
import { bearer, createUserWithSession } from '../helpers/users.js'

const LIMIT_MS = 400
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * Writes `head`, then `trickle` one byte every 100 ms, until the server closes the connection or
 * `giveUpMs` passes. Returns when it closed (ms after the first byte) and what it answered.
 */
async function trickle(port: number, head: string, trickled: string, giveUpMs: number) {
  const socket = connect(port, '127.0.0.1')
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
  const started = Date.now()
  let closedAt: number | null = null
  let answer = ''
  socket.on('data', (d) => {
    answer += d.toString('utf8')
  })
  socket.on('error', () => {})
  const closed = new Promise<void>((resolve) =>
    socket.once('close', () => {
      closedAt = Date.now() - started
      resolve()
    }),
  )
  socket.write(head)
  for (const ch of trickled) {
    if (closedAt !== null || Date.now() - started > giveUpMs) break
    await sleep(100)
    if (!socket.destroyed) socket.write(ch)
  }
  if (closedAt === null) await Promise.race([closed, sleep(Math.max(0, giveUpMs - (Date.now() - started)))])
  socket.destroy()
  return { closedAt: closedAt as number | null, answer }
}

/** A raw answer: the status, the contract's `{detail, code}` and the §4 headers. */
function assertClientError(answer: string, status: number, code: string) {
  const [head = '', body = ''] = answer.split('\r\n\r\n')
  assert.match(head, new RegExp(`^HTTP/1\\.1 ${status} `), answer)
  assert.equal(JSON.parse(body).code, code)
  assert.match(head, /\r\ncontent-security-policy: default-src 'none'; frame-ancestors 'none'\r\n/i)
  assert.match(head, /\r\nx-content-type-options: nosniff\r\n/i)
  assert.match(head, /\r\ncache-control: no-store\r\n/i)
  assert.match(head, /\r\nx-request-id: [0-9a-f-]{36}\r\n/i, 'every response carries X-Request-Id')
}

const kind = dbKinds()[0] ?? 'pglite'

describe(`slow clients [${kind}]`, () => {
  let t: TestApp
  let llm: OpenAiChatServer
  let port: number

  before(async () => {
    llm = await startOpenAiChatServer()
    t = await buildTestApp(kind, { LLM_BASE_URL: llm.url, LLM_MODEL: 'm' }, { requestTimeoutMs: LIMIT_MS })
    await ingestCorpus(t.tdb.db, testConfig())
    await t.app.listen({ port: 0, host: '127.0.0.1' })
    port = (t.app.server.address() as AddressInfo).port
  })
  after(async () => {
    await t?.close()
    await llm?.close()
  })

  it('closes a connection whose body trickles in past the limit', async () => {
    const body = JSON.stringify({ email: 'slow@example.com', password: 'violet-harbor-lantern-42' })
    const head =
      'POST /api/auth/sign-in HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
      `Content-Length: ${body.length}\r\n\r\n`
    // The whole body would take ~6 s at this pace.
    const res = await trickle(port, head, body, 4000)
    assert.ok(res.closedAt !== null, 'the connection was still open after 4 s')
    assert.ok(res.closedAt < LIMIT_MS + 1500, `closed after ${res.closedAt} ms`)
    assert.doesNotMatch(res.answer, /^HTTP\/1\.1 (200|401)/, 'the request was not handled')
    assertClientError(res.answer, 408, 'request_timeout')
  })

  it('closes a connection whose headers trickle in past the limit', async () => {
    const res = await trickle(port, 'GET /health HTTP/1.1\r\nHost: x\r\n', 'X-Slow: '.padEnd(60, 'z'), 4000)
    assert.ok(res.closedAt !== null, 'the connection was still open after 4 s')
    assert.ok(res.closedAt < LIMIT_MS + 1500, `closed after ${res.closedAt} ms`)
    assertClientError(res.answer, 408, 'request_timeout')
  })

  it('answers a request Node cannot parse in the contract’s shape, with the §4 headers', async () => {
    const res = await trickle(
      port,
      'GET /api/documents HTTP/1.1\r\nHost: x\r\nNot a header\r\n\r\n',
      '',
      2000,
    )
    assertClientError(res.answer, 400, 'bad_request')
  })

  it('answers headers over the size limit with 431 in the contract’s shape, with the §4 headers', async () => {
    const res = await trickle(
      port,
      `GET /api/documents HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(70_000)}\r\n\r\n`,
      '',
      2000,
    )
    assertClientError(res.answer, 431, 'headers_too_large')
  })

  it('answers an Expect it cannot meet with 417 in the contract’s shape, with the §4 headers', async () => {
    // Node answers any Expect but 100-continue itself: a bare 417 with none of the §4 headers.
    const res = await trickle(
      port,
      'GET /api/documents HTTP/1.1\r\nHost: x\r\nExpect: something-else\r\nConnection: close\r\n\r\n',
      '',
      2000,
    )
    assertClientError(res.answer, 417, 'expectation_failed')
    // On /v1, in OpenAI's error shape like every /v1 error.
    const v1 = await trickle(
      port,
      'GET /v1/models HTTP/1.1\r\nHost: x\r\nExpect: something-else\r\nConnection: close\r\n\r\n',
      '',
      2000,
    )
    const [head = '', body = ''] = v1.answer.split('\r\n\r\n')
    assert.match(head, /^HTTP\/1\.1 417 /, v1.answer)
    assert.match(head, /\r\nx-content-type-options: nosniff\r\n/i)
    assert.match(head, /\r\nx-request-id: [0-9a-f-]{36}\r\n/i)
    const error = (JSON.parse(body) as { error: { code: string; type: string } }).error
    assert.equal(error.code, 'expectation_failed')
    assert.equal(error.type, 'invalid_request_error')
    // 100-continue is met as before: the body is asked for and read.
    const body100 = JSON.stringify({ email: 'nobody@example.com', password: 'not the password' })
    const cont = await trickle(
      port,
      `POST /api/auth/sign-in HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Type: application/json\r\nContent-Length: ${body100.length}\r\nConnection: close\r\n\r\n${body100}`,
      '',
      2000,
    )
    assert.match(cont.answer, /HTTP\/1\.1 401 /, cont.answer)
  })

  it('answers an HTTP/1.1 request without Host with 400 in the contract’s shape, with the §4 headers', async () => {
    // Node refused it itself: a bare 400 with none of the §4 headers and no body.
    const res = await trickle(port, 'GET /api/documents HTTP/1.1\r\nConnection: close\r\n\r\n', '', 2000)
    assertClientError(res.answer, 400, 'bad_request')
    assert.match(res.answer, /"detail":"An HTTP\/1\.1 request needs a Host header"/)
    const v1 = await trickle(port, 'GET /v1/models HTTP/1.1\r\nConnection: close\r\n\r\n', '', 2000)
    const [head = '', body = ''] = v1.answer.split('\r\n\r\n')
    assert.match(head, /^HTTP\/1\.1 400 /, v1.answer)
    assert.match(head, /\r\nstrict-transport-security: max-age=31536000; includeSubDomains\r\n/i)
    assert.equal((JSON.parse(body) as { error: { code: string } }).error.code, 'bad_request')
    // HTTP/1.0 needs none, and an empty Host is still a Host.
    const old = await trickle(port, 'GET /health HTTP/1.0\r\n\r\n', '', 2000)
    assert.match(old.answer, /^HTTP\/1\.1 200 /, old.answer)
    const empty = await trickle(port, 'GET /health HTTP/1.1\r\nHost:\r\nConnection: close\r\n\r\n', '', 2000)
    assert.match(empty.answer, /^HTTP\/1\.1 200 /, empty.answer)
  })

  it('does not cut a server-sent stream that lasts longer than the limit', async () => {
    const token = (await createUserWithSession(t.tdb.db, testConfig(), { email: 'sse-slow@example.com' }))
      .token
    // The provider answers only after 3× the limit: the stream stays open meanwhile.
    llm.script({ text: 'Port 7860 [1].', delayMs: LIMIT_MS * 3 })
    const started = Date.now()
    const res = await fetch(`http://127.0.0.1:${port}/api/chat/message`, {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ message: 'Which port does the Docker container listen on?' }),
    })
    assert.equal(res.status, 200)
    const frames = parseSse(await res.text())
    assert.ok(Date.now() - started >= LIMIT_MS * 3)
    assert.deepEqual(frames.at(-1)?.event, 'done', JSON.stringify(frames))
    assert.ok(frames.some((f) => f.event === 'token'))
  })

  it('defaults to 30 s for headers and body', async () => {
    const app = await buildApp({ config: testConfig(), db: t.tdb.db })
    try {
      assert.equal(app.server.requestTimeout, 30_000)
      assert.equal(app.server.headersTimeout, 30_000)
    } finally {
      await app.close()
    }
  })
})
