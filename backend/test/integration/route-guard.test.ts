// docs/api.md §3/§4: default deny, CSRF, rate limits, the API's CSP and `no-store` are decided on the
// route the router matched, never on the raw request target. Every /api and /v1 route the app has (read
// from the router, so a new route is covered without touching this file) is requested in every
// spelling a server, proxy or browser might treat as the same path, over a raw socket so the
// target reaches the server exactly as written.
import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { testConfig } from '../../src/config.js'
import { zoneOfTarget } from '../../src/http/zones.js'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { createTestDatabase, dbKinds, type TestDatabase } from '../helpers/db.js'
import { type RawResponse, rawRequest, routeTable } from '../helpers/raw-http.js'
import { createUserWithSession } from '../helpers/users.js'

const API_CSP = "default-src 'none'; frame-ancestors 'none'"
const SOME_ID = '0190a1b2-c3d4-4e5f-8a9b-0c1d2e3f4a5b'
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

const encodeLetters = (s: string) =>
  s.replace(/[a-z]/gi, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`)

/** Spellings of an /api (or /v1) path; `matched` ones are routed like the plain path. */
export function respellings(path: string): { name: string; target: string; matched: boolean }[] {
  const [, first = '', rest = ''] = /^\/([^/]+)(.*)$/.exec(path) ?? []
  return [
    {
      name: 'percent-encoded first letter',
      target: `/%${first.charCodeAt(0).toString(16)}${first.slice(1)}${rest}`,
      matched: true,
    },
    { name: 'every letter percent-encoded', target: encodeLetters(path), matched: true },
    { name: 'absolute form', target: `http://127.0.0.1${path}`, matched: true },
    {
      name: 'absolute form, encoded',
      target: `http://127.0.0.1/${encodeLetters(first)}${rest}`,
      matched: true,
    },
    { name: 'trailing slash', target: `${path}/`, matched: true },
    { name: 'upper-case first segment', target: `/${first.toUpperCase()}${rest}`, matched: false },
    { name: 'mixed case', target: `/${first[0]?.toUpperCase()}${first.slice(1)}${rest}`, matched: false },
    { name: 'all upper case', target: path.toUpperCase(), matched: false },
    { name: 'leading double slash', target: `/${path}`, matched: false },
    { name: 'inner double slash', target: `/${first}/${rest}`, matched: false },
    { name: 'dot-dot segment', target: `/x/..${path}`, matched: false },
    { name: 'dot segment', target: `/${first}/.${rest}`, matched: false },
    { name: 'encoded dot-dot', target: `/x/%2e%2e${path}`, matched: false },
    { name: 'trailing semicolon', target: `${path};`, matched: false },
    { name: 'semicolon parameter', target: `${path};jsessionid=1`, matched: false },
    { name: 'encoded slash', target: `/${first}%2F${rest.slice(1)}`, matched: false },
    { name: 'absolute form, double slash', target: `http://127.0.0.1/${path}`, matched: false },
  ]
}

const concrete = (path: string) => path.replace(/:[A-Za-z_]+/g, SOME_ID).replace(/\*$/, 'x')

function assertApiHeaders(res: RawResponse, what: string) {
  assert.equal(res.headers['cache-control'], 'no-store', `${what}: no-store`)
  assert.equal(res.headers['content-security-policy'], API_CSP, `${what}: API CSP`)
  assert.equal(res.headers['x-frame-options'], 'DENY', `${what}: X-Frame-Options`)
}

const DENIALS = {
  auth_required: 'Authentication required',
  invalid_session: 'Invalid or expired session',
}

/** The error body of docs/api.md §0, or on /v1 (any spelling) OpenAI's shape (§11). */
function errorBody(target: string, code: string, detail: string): unknown {
  if (zoneOfTarget(target) === 'v1')
    return { error: { message: detail, type: 'invalid_request_error', code, param: null } }
  return { detail, code }
}

function errorCode(body: string): unknown {
  const parsed = JSON.parse(body || '{}') as { code?: unknown; error?: { code?: unknown } }
  return parsed.code ?? parsed.error?.code
}

function assertDenied(
  res: RawResponse,
  target: string,
  what: string,
  code: keyof typeof DENIALS = 'auth_required',
) {
  assert.equal(res.status, 401, `${what}: status ${res.status} ${res.body}`)
  assert.deepEqual(JSON.parse(res.body), errorBody(target, code, DENIALS[code]), what)
  assert.equal(res.headers['www-authenticate'], 'Bearer', what)
  assertApiHeaders(res, what)
}

for (const kind of dbKinds()) {
  describe(`routing-independent guards [${kind}]`, () => {
    let tdb: TestDatabase
    let t: TestApp
    let port: number
    let routes: { method: string; path: string }[]
    const body = (method: string) => (method === 'POST' ? '{}' : '')
    const json = { 'content-type': 'application/json' }

    before(async () => {
      tdb = await createTestDatabase(kind)
      t = await buildTestApp(
        kind,
        {
          RATE_LIMIT_GLOBAL: '100000/minute',
          RATE_LIMIT_AUTH: '100000/minute',
          RATE_LIMIT_CHAT: '100000/minute',
        },
        { tdb },
      )
      await t.app.listen({ port: 0, host: '127.0.0.1' })
      port = (t.app.server.address() as AddressInfo).port
      routes = routeTable(t.app.printRoutes({ commonPrefix: false })).filter(
        (r) => (r.path.startsWith('/api/') || r.path.startsWith('/v1/')) && r.method !== 'OPTIONS',
      )
    })
    after(async () => {
      await t.close()
      await tdb.cleanup()
    })

    let users = 0
    /** A new user and session each time: some routes end the session they are called with. */
    const freshToken = async () =>
      (await createUserWithSession(tdb.db, testConfig(), { email: `guard-${users++}@example.com` })).token

    const send = (method: string, target: string, headers: Record<string, string> = {}) =>
      rawRequest(port, method, target, { ...(method === 'POST' ? json : {}), ...headers }, body(method))

    /** The /api and /v1 routes that answer 401 to their plain spelling without a session. */
    async function protectedRoutes() {
      const out: { method: string; path: string }[] = []
      for (const r of routes) {
        const res = await send(r.method, concrete(r.path))
        if (res.status === 401 && errorCode(res.body) === 'auth_required') out.push(r)
      }
      return out
    }

    it('finds the app’s routes, public and protected', async () => {
      const prot = await protectedRoutes()
      assert.ok(routes.length >= 15, `only ${routes.length} /api routes found`)
      assert.ok(prot.some((r) => r.method === 'GET' && r.path === '/api/documents'))
      assert.ok(prot.some((r) => r.method === 'GET' && r.path === '/api/search'))
      assert.ok(prot.some((r) => r.method === 'POST' && r.path === '/v1/chat/completions'))
      assert.ok(!prot.some((r) => r.path === '/api/auth/sign-in'), 'sign-in is public')
    })

    it('no respelling of a protected route reaches it without a session', async () => {
      for (const r of await protectedRoutes()) {
        for (const s of respellings(concrete(r.path))) {
          const what = `${r.method} ${s.target} (${s.name})`
          assertDenied(await send(r.method, s.target), s.target, what)
          if (s.matched) {
            const bad = await send(r.method, s.target, { authorization: 'Bearer not-a-token' })
            assertDenied(bad, s.target, what, 'invalid_session')
          }
        }
      }
    })

    it('with a session, a respelling is routed like the plain path or is an unknown /api path', async () => {
      const auth = async () => ({ authorization: `Bearer ${await freshToken()}` })
      for (const r of await protectedRoutes()) {
        const plain = await send(r.method, concrete(r.path), await auth())
        // The one 5xx a route may answer here is the documented "no mail server configured" (§12).
        const unconfigured = plain.status === 503 && errorCode(plain.body) === 'email_unavailable'
        assert.ok(plain.status < 500 || unconfigured, `${r.method} ${r.path}: ${plain.status} ${plain.body}`)
        for (const s of respellings(concrete(r.path))) {
          const res = await send(r.method, s.target, await auth())
          const what = `${r.method} ${s.target} (${s.name})`
          if (s.matched) assert.equal(res.status, plain.status, `${what}: ${res.body}`)
          // A respelling the router does not match is an unknown /api path — unless what changed
          // falls into a path parameter, which the route then refuses as it refuses any bad value.
          else if (!r.path.includes(':')) assert.equal(res.status, 404, `${what}: ${res.body}`)
          else assert.ok(res.status >= 400 && res.status < 500 && res.status !== 401, `${what}: ${res.body}`)
          assertApiHeaders(res, what)
        }
      }
    })

    it('refuses a cross-site cookie request in every spelling (CSRF)', async () => {
      const cookie = { cookie: `session_token=${await freshToken()}`, origin: 'https://evil.example' }
      // (/v1 takes no cookie, so a cookie request there is a 401 before any origin matters.)
      const unsafe = routes.filter((r) => UNSAFE.has(r.method) && r.path.startsWith('/api/'))
      assert.ok(unsafe.length >= 5)
      for (const r of unsafe) {
        for (const s of [{ name: 'plain', target: concrete(r.path) }, ...respellings(concrete(r.path))]) {
          const res = await send(r.method, s.target, cookie)
          const what = `${r.method} ${s.target} (${s.name})`
          assert.equal(res.status, 403, `${what}: ${res.status} ${res.body}`)
          assert.equal(JSON.parse(res.body).code, 'csrf_failed', what)
          assertApiHeaders(res, what)
        }
      }
    })

    it('an unknown /api or /v1 path: 401 without a session, 404 with one, in every spelling', async () => {
      const token = await freshToken()
      for (const path of ['/api/no-such-thing', '/api/auth/no-such-thing', '/v1/no-such-thing']) {
        for (const s of [{ name: 'plain', target: path }, ...respellings(path)]) {
          const what = `GET ${s.target} (${s.name})`
          assertDenied(await send('GET', s.target, { accept: 'text/html' }), s.target, what)
          const res = await send('GET', s.target, { authorization: `Bearer ${token}`, accept: 'text/html' })
          assert.equal(res.status, 404, `${what}: ${res.status}`)
          assert.deepEqual(JSON.parse(res.body), errorBody(s.target, 'not_found', 'Not found'), what)
          assertApiHeaders(res, what)
        }
      }
    })

    it('an overlong {id} is a malformed id: 401 without a session, 404 with one, never a router 400', async () => {
      const token = await freshToken()
      const long = 'a'.repeat(5000)
      for (const target of [
        `/api/documents/${long}`,
        `/api/spaces/${long}/members`,
        `/api/chat/conversations/${long}`,
      ]) {
        assertDenied(await send('GET', target), target, `GET ${target.slice(0, 30)}… without a session`)
        const res = await send('GET', target, { authorization: `Bearer ${token}` })
        assert.equal(res.status, 404, `${target.slice(0, 30)}…: ${res.status} ${res.body}`)
        assert.deepEqual(JSON.parse(res.body), { detail: 'Not found', code: 'not_found' })
        assertApiHeaders(res, target)
      }
    })

    it('a target the router cannot decode is a 400 in the contract’s shape, with the API headers', async () => {
      for (const target of ['/api/%zz', '/%61pi/documents/%E0%A4%A', 'http://127.0.0.1/api/%']) {
        const res = await send('GET', target)
        assert.equal(res.status, 400, target)
        assert.deepEqual(JSON.parse(res.body), { detail: 'Malformed request target', code: 'bad_request' })
        assertApiHeaders(res, target)
        assert.ok(res.headers['x-request-id'], target)
      }
    })

    it('/v1 takes Bearer tokens only: a session cookie is not credentials there', async () => {
      const res = await send('GET', '/v1/models', { cookie: `session_token=${await freshToken()}` })
      assertDenied(res, '/v1/models', 'GET /v1/models with a cookie')
    })
  })
}
