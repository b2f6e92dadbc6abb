// docs/api.md §0, §4, §5, §6 on the chassis: headers on every kind of response, CORS, 401/404
// shapes, rate-limit headers, proxy trust, the UI fallback and request ids.
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { LightMyRequestResponse } from 'fastify'
import { buildApp } from '../../src/app.js'
import { testConfig } from '../../src/config.js'
import { buildTestApp, json, type TestApp } from '../helpers/app.js'
import { createTestDatabase, dbKinds, type TestDatabase } from '../helpers/db.js'
import { rawRequest } from '../helpers/raw-http.js'
import { seedSession } from '../helpers/session.js'

const API_CSP = "default-src 'none'; frame-ancestors 'none'"

function assertSecurityHeaders(res: LightMyRequestResponse, api: boolean) {
  const h = res.headers
  assert.equal(h['x-content-type-options'], 'nosniff')
  assert.equal(h['x-frame-options'], 'DENY')
  assert.equal(h['strict-transport-security'], 'max-age=31536000; includeSubDomains')
  assert.equal(h['referrer-policy'], 'no-referrer')
  assert.equal(h['x-xss-protection'], '0')
  assert.equal(h['cross-origin-opener-policy'], 'same-origin')
  assert.equal(h['cross-origin-resource-policy'], 'same-origin')
  assert.equal(h['x-powered-by'], undefined)
  assert.equal(h.server, undefined)
  assert.ok(h['x-request-id'])
  if (api) {
    assert.equal(h['content-security-policy'], API_CSP)
  } else {
    assert.match(String(h['content-security-policy']), /default-src 'self'/)
    assert.doesNotMatch(String(h['content-security-policy']), /unsafe-eval/)
  }
}

function makeUiDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rag-auth-ui-'))
  mkdirSync(join(dir, 'assets'))
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>rag-auth</title><div id="root"></div>')
  writeFileSync(join(dir, 'assets', 'app-abc123.js'), 'console.log(1)')
  return dir
}

for (const kind of dbKinds()) {
  describe(`chassis [${kind}]`, () => {
    let tdb: TestDatabase
    let t: TestApp
    let token: string
    before(async () => {
      tdb = await createTestDatabase(kind)
      t = await buildTestApp(
        kind,
        { RATE_LIMIT_HEALTH: '3/minute', FRONTEND_URL: 'https://app.example.com' },
        { tdb },
      )
      token = (await seedSession(tdb.db, testConfig())).token
    })
    after(async () => {
      await t.close()
      await tdb.cleanup()
    })

    it('sends every §4 header on a 200, 401, 404 and 429', async () => {
      const ok = await t.app.inject({ url: '/health', remoteAddress: '10.0.0.1' })
      assert.equal(ok.statusCode, 200)
      assertSecurityHeaders(ok, true)

      const unauth = await t.app.inject({ url: '/api/auth/me' })
      assert.equal(unauth.statusCode, 401)
      assertSecurityHeaders(unauth, true)
      assert.equal(unauth.headers['cache-control'], 'no-store')

      const missing = await t.app.inject({
        url: '/api/no-such-thing',
        headers: { authorization: `Bearer ${token}` },
      })
      assert.equal(missing.statusCode, 404)
      assert.deepEqual(json(missing), { detail: 'Not found', code: 'not_found' })
      assertSecurityHeaders(missing, true)
      assert.equal(missing.headers['cache-control'], 'no-store')

      for (let i = 0; i < 2; i++) await t.app.inject({ url: '/health', remoteAddress: '10.0.0.1' })
      const limited = await t.app.inject({ url: '/health', remoteAddress: '10.0.0.1' })
      assert.equal(limited.statusCode, 429)
      assertSecurityHeaders(limited, true)
      const body = json(limited)
      assert.equal(body.code, 'rate_limited')
      assert.match(String(body.detail), /^Rate limit exceeded\. Please wait \d+ seconds\.$/)
      assert.match(String(limited.headers['retry-after']), /^\d+$/)
      assert.equal(limited.headers['ratelimit-limit'], '3')
      assert.equal(limited.headers['ratelimit-remaining'], '0')
      assert.ok(limited.headers['ratelimit-reset'])
    })

    it('answers 401 auth_required / invalid_session with WWW-Authenticate', async () => {
      const none = await t.app.inject({ url: '/api/auth/me' })
      assert.deepEqual(json(none), { detail: 'Authentication required', code: 'auth_required' })
      assert.equal(none.headers['www-authenticate'], 'Bearer')
      const bad = await t.app.inject({ url: '/api/auth/me', headers: { authorization: 'Bearer nope' } })
      assert.deepEqual(json(bad), { detail: 'Invalid or expired session', code: 'invalid_session' })
      assert.equal(bad.headers['www-authenticate'], 'Bearer')
      const forged = await t.app.inject({ url: '/api/x', cookies: { session_token: 'A'.repeat(43) } })
      assert.equal(forged.statusCode, 401)
      assert.equal(json(forged).code, 'invalid_session')
    })

    it('unknown /api path: 401 without a session, 404 with one (cookie or Bearer)', async () => {
      assert.equal((await t.app.inject({ url: '/api/nope' })).statusCode, 401)
      assert.equal(
        (await t.app.inject({ url: '/api/nope', cookies: { session_token: token } })).statusCode,
        404,
      )
      assert.equal(
        (
          await t.app.inject({
            method: 'DELETE',
            url: '/api/nope',
            headers: { authorization: `Bearer ${token}` },
          })
        ).statusCode,
        404,
      )
    })

    it('rate-limit headers on limited /api responses', async () => {
      const res = await t.app.inject({ url: '/health', remoteAddress: '10.0.0.9' })
      assert.equal(res.headers['ratelimit-limit'], '3')
      assert.equal(res.headers['ratelimit-remaining'], '2')
    })

    it('CORS: preflight from an allowed origin, nothing for a foreign one', async () => {
      const allowed = await t.app.inject({
        method: 'OPTIONS',
        url: '/api/chat/message',
        headers: {
          origin: 'https://app.example.com',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      })
      assert.equal(allowed.statusCode, 204)
      assert.equal(allowed.headers['access-control-allow-origin'], 'https://app.example.com')
      assert.equal(allowed.headers['access-control-allow-credentials'], 'true')
      // Every method the API uses: PATCH (conversations, spaces, admin users) and PUT (members,
      // feedback) too, or a UI on another origin could not send them.
      assert.equal(allowed.headers['access-control-allow-methods'], 'GET, POST, PUT, PATCH, DELETE, OPTIONS')
      assert.equal(allowed.headers['access-control-allow-headers'], 'Content-Type, Authorization')
      assert.equal(allowed.headers['access-control-max-age'], '600')
      assert.match(String(allowed.headers.vary), /Origin/)

      const foreign = await t.app.inject({
        method: 'OPTIONS',
        url: '/api/chat/message',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
      })
      assert.equal(foreign.headers['access-control-allow-origin'], undefined)
      const simple = await t.app.inject({ url: '/health', headers: { origin: 'https://evil.example' } })
      assert.equal(simple.headers['access-control-allow-origin'], undefined)
      const good = await t.app.inject({ url: '/health', headers: { origin: 'https://app.example.com' } })
      assert.equal(good.headers['access-control-allow-origin'], 'https://app.example.com')
    })

    it('CORS: an answer made before routing (an undecodable target) carries it too, so the UI can read it', async () => {
      const good = await t.app.inject({
        url: '/api/documents/%zz',
        headers: { origin: 'https://app.example.com' },
      })
      assert.equal(good.statusCode, 400)
      assert.equal(json(good).code, 'bad_request')
      assert.equal(good.headers['access-control-allow-origin'], 'https://app.example.com')
      assert.equal(good.headers['access-control-allow-credentials'], 'true')
      assert.match(String(good.headers['access-control-expose-headers']), /X-Request-Id/)
      assert.match(String(good.headers.vary), /Origin/)
      const foreign = await t.app.inject({
        url: '/api/documents/%zz',
        headers: { origin: 'https://evil.example' },
      })
      assert.equal(foreign.statusCode, 400)
      assert.equal(foreign.headers['access-control-allow-origin'], undefined)
      assert.equal(foreign.headers['access-control-allow-credentials'], undefined)
    })

    it('echoes a sane X-Request-Id and replaces an insane one', async () => {
      const sane = await t.app.inject({ url: '/api/x', headers: { 'x-request-id': 'abc-123.DEF' } })
      assert.equal(sane.headers['x-request-id'], 'abc-123.DEF')
      const insane = await t.app.inject({ url: '/api/x', headers: { 'x-request-id': 'a b<script>' } })
      assert.match(String(insane.headers['x-request-id']), /^[0-9a-f-]{36}$/)
    })

    it('the OpenAPI document says what a client may leave out: defaulted query parameters, sign-out’s session', async () => {
      type Op = { parameters?: { name: string; in: string; required?: boolean }[]; security?: unknown[] }
      const spec = json<{ paths: Record<string, Record<string, Op>> }>(
        await t.app.inject({ url: '/openapi.json' }),
      )
      const param = (path: string, name: string) =>
        spec.paths[path]?.get?.parameters?.find((p) => p.in === 'query' && p.name === name)
      assert.equal(param('/api/search', 'k')?.required, false)
      assert.equal(param('/api/search', 'q')?.required, true)
      assert.equal(param('/api/chat/conversations', 'limit')?.required, false)
      assert.deepEqual(spec.paths['/api/auth/sign-out']?.post?.security, [
        {},
        { cookieAuth: [] },
        { bearerAuth: [] },
      ])
    })

    it('serves the OpenAPI document and the docs page', async () => {
      const spec = await t.app.inject({ url: '/openapi.json' })
      assert.equal(spec.statusCode, 200)
      assert.match(String(json(spec).openapi), /^3\./)
      const docs = await t.app.inject({ url: '/docs', headers: { accept: 'text/html' } })
      assert.ok([200, 302].includes(docs.statusCode))
      // One frame-ancestors directive (a browser obeys only the first of two), and no empty ones.
      const csp = String(docs.headers['content-security-policy'])
      assert.deepEqual(csp.match(/frame-ancestors [^;]*/g), ["frame-ancestors 'none'"])
      assert.doesNotMatch(csp, /;\s*;/)
      // Served over plain HTTP at any host but localhost (a LAN address, a container's), an
      // upgrade-insecure-requests policy sends the page's scripts and styles to https:// and the
      // docs stay blank.
      assert.doesNotMatch(csp, /upgrade-insecure-requests/)
    })
  })
}

describe('trust proxy', () => {
  const kind = dbKinds()[0] as 'pglite'
  let tdb: TestDatabase
  before(async () => {
    tdb = await createTestDatabase(kind)
  })
  after(() => tdb.cleanup())

  async function hits(trustProxy: string | undefined) {
    const env: Record<string, string> = { RATE_LIMIT_HEALTH: '2/minute' }
    if (trustProxy) env.TRUST_PROXY = trustProxy
    const t = await buildTestApp(kind, env, { tdb })
    const codes: number[] = []
    for (let i = 0; i < 4; i++) {
      const res = await t.app.inject({ url: '/health', headers: { 'x-forwarded-for': `203.0.113.${i}` } })
      codes.push(res.statusCode)
    }
    await t.close()
    return codes
  }

  it('ignores X-Forwarded-For by default (one bucket for the real peer)', async () => {
    assert.deepEqual(await hits(undefined), [200, 200, 429, 429])
  })

  it('believes it within TRUST_PROXY hops', async () => {
    assert.deepEqual(await hits('1'), [200, 200, 200, 200])
  })

  it('counts HEAD and GET /health in one bucket (RATE_LIMIT_HEALTH per client, whatever the method)', async () => {
    const t = await buildTestApp(kind, { RATE_LIMIT_HEALTH: '2/minute' }, { tdb })
    const codes: number[] = []
    for (const method of ['GET', 'HEAD', 'HEAD', 'GET'] as const)
      codes.push((await t.app.inject({ method, url: '/health' })).statusCode)
    await t.close()
    assert.deepEqual(codes, [200, 200, 429, 429])
  })
})

describe('UI fallback (docs/api.md §0)', () => {
  const kind = dbKinds()[0] as 'pglite'
  let tdb: TestDatabase
  let app: Awaited<ReturnType<typeof buildApp>>
  before(async () => {
    tdb = await createTestDatabase(kind)
    app = await buildApp({
      config: testConfig({ FRAME_ANCESTORS: 'https://huggingface.co' }),
      db: tdb.db,
      uiDir: makeUiDir(),
    })
    await app.ready()
  })
  after(async () => {
    await app.close()
    await tdb.cleanup()
  })

  it('serves index.html for client routes that accept HTML, with the UI policy', async () => {
    const res = await app.inject({ url: '/chat/123', headers: { accept: 'text/html,application/xhtml+xml' } })
    assert.equal(res.statusCode, 200)
    assert.match(String(res.headers['content-type']), /^text\/html/)
    assert.match(res.body, /<div id="root">/)
    assert.equal(res.headers['cache-control'], 'no-cache')
    const csp = String(res.headers['content-security-policy'])
    assert.match(csp, /default-src 'self'/)
    assert.match(csp, /frame-ancestors https:\/\/huggingface\.co/)
    assert.equal(res.headers['x-frame-options'], undefined)
  })

  it('serves index.html to clients whose Accept admits HTML by a wildcard (curl, fetch: */*)', async () => {
    for (const [url, accept] of [
      ['/', '*/*'],
      ['/chat/123', 'text/*;q=0.8, application/json'],
    ] as const) {
      const res = await app.inject({ url, headers: { accept } })
      assert.equal(res.statusCode, 200, `${url} ${accept}`)
      assert.match(res.body, /<div id="root">/)
    }
  })

  it('serves hashed assets with a long cache', async () => {
    const res = await app.inject({ url: '/assets/app-abc123.js' })
    assert.equal(res.statusCode, 200)
    assert.match(String(res.headers['cache-control']), /immutable/)
  })

  it('answers JSON 404 for missing files, non-HTML clients and unsafe methods', async () => {
    for (const req of [
      { url: '/missing.js', headers: { accept: 'text/html' } },
      { url: '/chat', headers: { accept: 'application/json' } },
      { url: '/chat', headers: { accept: 'text/html;q=0, */*;q=0' } },
      { url: '/chat', headers: {} },
      { method: 'POST' as const, url: '/chat', headers: { accept: 'text/html' } },
    ]) {
      const res = await app.inject(req)
      assert.equal(res.statusCode, 404, req.url)
      assert.deepEqual(json(res), { detail: 'Not found', code: 'not_found' })
      assert.equal(res.headers['content-security-policy'], API_CSP)
    }
  })

  it("keeps the server's own paths (/health, /docs, /openapi.json) out of the fallback", async () => {
    for (const url of ['/health/x', '/docs/nothing', '/openapi.json/x', '/%68ealth/x', '//docs/a/b']) {
      const res = await app.inject({ url, headers: { accept: 'text/html' } })
      assert.equal(res.statusCode, 404, url)
      assert.deepEqual(json(res), { detail: 'Not found', code: 'not_found' })
    }
    // A UI route that merely starts with the same letters is still the UI's.
    for (const url of ['/healthz', '/docsearch', '/documents/1']) {
      const res = await app.inject({ url, headers: { accept: 'text/html' } })
      assert.equal(res.statusCode, 200, url)
    }
  })

  it('answers a Range or precondition it cannot meet with 416 / 412 in the error shape, not a 500', async () => {
    // A browser resuming a download, a cache revalidating with If-Match, a scanner: the client's
    // condition is not met, nothing broke. The UI's index.html, its assets and the docs' files alike.
    for (const url of ['/chat', '/assets/app-abc123.js', '/docs/static/swagger-ui.css']) {
      const accept = { accept: 'text/html' }
      const range = await app.inject({ url, headers: { ...accept, range: 'bytes=999999-' } })
      assert.equal(range.statusCode, 416, `${url} ${range.body}`)
      assert.deepEqual(json(range), {
        detail: 'The requested range is not satisfiable',
        code: 'range_not_satisfiable',
      })
      assert.match(String(range.headers['content-range']), /^bytes \*\/\d+$/)
      // (The docs' files keep Swagger UI's own policy.)
      if (!url.startsWith('/docs')) assert.equal(range.headers['content-security-policy'], API_CSP)
      assert.equal(range.headers['x-content-type-options'], 'nosniff')
      for (const precondition of [
        { 'if-match': '"not-this-one"' },
        { 'if-unmodified-since': 'Mon, 01 Jan 2001 00:00:00 GMT' },
      ]) {
        const res = await app.inject({ url, headers: { ...accept, ...precondition } })
        assert.equal(res.statusCode, 412, `${url} ${JSON.stringify(precondition)} ${res.body}`)
        assert.deepEqual(json(res), {
          detail: 'A precondition of the request failed',
          code: 'precondition_failed',
        })
      }
      // A satisfiable range is still served in part.
      const part = await app.inject({ url, headers: { ...accept, range: 'bytes=0-3' } })
      assert.equal(part.statusCode, 206, url)
    }
  })

  it("answers a dot-segment path out of the docs' static folder with 404, not a 500", async () => {
    // On the wire as written (inject and fetch would resolve the dot segments first).
    await app.listen({ port: 0, host: '127.0.0.1' })
    const port = (app.server.address() as AddressInfo).port
    for (const target of ['/docs/static/../../package.json', '/docs/static/%2e%2e/%2e%2e/package.json']) {
      const res = await rawRequest(port, 'GET', target)
      assert.equal(res.status, 404, `${target} ${res.body}`)
      assert.deepEqual(JSON.parse(res.body), { detail: 'Not found', code: 'not_found' })
      assert.equal(res.headers['x-content-type-options'], 'nosniff')
    }
  })

  it('keeps /api paths out of the fallback', async () => {
    const res = await app.inject({ url: '/api/whatever', headers: { accept: 'text/html' } })
    assert.equal(res.statusCode, 401)
  })
})
