import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, json, type TestApp } from '../helpers/app.js'
import { bearerHeader, cookieHeader, newUser, PASSWORD, uniqueEmail } from '../helpers/auth.js'
import { createTestDatabase, dbKinds, type TestDatabase } from '../helpers/db.js'

const FRONTEND = 'https://app.example.com'
// A session id nobody has: an accepted request gets 404, a refused one 403.
const NO_SUCH_SESSION = '/api/auth/sessions/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b'

for (const kind of dbKinds()) {
  describe(`CSRF origin check [${kind}]`, () => {
    let tdb: TestDatabase
    let t: TestApp
    let direct: TestApp
    let proxied: TestApp
    let token: string
    before(async () => {
      tdb = await createTestDatabase(kind)
      const env = {
        FRONTEND_URL: `${FRONTEND},https://other.example.org:8443`,
        RATE_LIMIT_AUTH: '1000/minute',
      }
      t = await buildTestApp(kind, env, { tdb })
      direct = t
      proxied = await buildTestApp(kind, { ...env, TRUST_PROXY: '1' }, { tdb })
      token = (await newUser(t.app)).token
    })
    after(async () => {
      await t.close()
      await proxied.close()
      await tdb.cleanup()
    })

    const del = (app: TestApp, headers: Record<string, string>) =>
      app.app.inject({
        method: 'DELETE',
        url: NO_SUCH_SESSION,
        headers: { ...cookieHeader(token), ...headers },
      })

    const cases: [string, Record<string, string>, number][] = [
      ['no Origin, no Sec-Fetch-Site (curl)', {}, 404],
      ['same origin (scheme + Host)', { origin: 'http://localhost:80' }, 404],
      ['same origin, default port omitted', { origin: 'http://localhost' }, 404],
      [
        'same origin, custom Host',
        { host: 'api.example.net:7860', origin: 'http://api.example.net:7860' },
        404,
      ],
      ['FRONTEND_URL origin', { origin: FRONTEND }, 404],
      ['second FRONTEND_URL origin with port', { origin: 'https://other.example.org:8443' }, 404],
      ['same-origin Sec-Fetch-Site without Origin', { 'sec-fetch-site': 'same-origin' }, 404],
      ['same-site Sec-Fetch-Site without Origin', { 'sec-fetch-site': 'same-site' }, 404],
      ['foreign origin', { origin: 'https://evil.example' }, 403],
      ['FRONTEND_URL host on another scheme', { origin: 'http://app.example.com' }, 403],
      ['FRONTEND_URL host on another port', { origin: 'https://app.example.com:444' }, 403],
      ['own host on another scheme', { origin: 'https://localhost' }, 403],
      ['Origin: null', { origin: 'null' }, 403],
      ['garbage Origin', { origin: 'not a url' }, 403],
      ['cross-site Sec-Fetch-Site without Origin', { 'sec-fetch-site': 'cross-site' }, 403],
      [
        'foreign origin even with same-origin Sec-Fetch-Site',
        { origin: 'https://evil.example', 'sec-fetch-site': 'same-origin' },
        403,
      ],
    ]
    for (const [name, headers, status] of cases) {
      it(`cookie DELETE: ${name} → ${status}`, async () => {
        const res = await del(direct, headers)
        assert.equal(res.statusCode, status, res.body)
        if (status === 403)
          assert.deepEqual(json(res), { detail: 'Cross-site request refused', code: 'csrf_failed' })
      })
    }

    it('safe methods are never refused', async () => {
      const res = await t.app.inject({
        url: '/api/auth/me',
        headers: { ...cookieHeader(token), origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      })
      assert.equal(res.statusCode, 200)
    })

    it('Bearer-authenticated requests are exempt', async () => {
      const res = await t.app.inject({
        method: 'DELETE',
        url: NO_SUCH_SESSION,
        headers: { ...bearerHeader(token), origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      })
      assert.equal(res.statusCode, 404)
    })

    it('sign-in and register are checked too (login CSRF); an invalid Bearer header earns no exemption', async () => {
      const u = await newUser(t.app)
      const evil = { origin: 'https://evil.example' }
      const signInAs = (headers: Record<string, string>) =>
        t.app.inject({
          method: 'POST',
          url: '/api/auth/sign-in',
          headers,
          payload: { email: u.email, password: PASSWORD },
        })
      assert.equal((await signInAs(evil)).statusCode, 403)
      assert.equal((await signInAs({ ...evil, ...bearerHeader('x'.repeat(43)) })).statusCode, 403)
      assert.equal((await signInAs({ 'sec-fetch-site': 'cross-site' })).statusCode, 403)
      assert.equal((await signInAs({ origin: FRONTEND })).statusCode, 200)
      assert.equal((await signInAs({ origin: 'http://localhost' })).statusCode, 200)
      const reg = await t.app.inject({
        method: 'POST',
        url: '/api/auth/register',
        headers: { origin: 'null' },
        payload: { email: uniqueEmail(), password: PASSWORD },
      })
      assert.equal(reg.statusCode, 403)
      assert.equal(json(reg).code, 'csrf_failed')
      const out = await t.app.inject({
        method: 'POST',
        url: '/api/auth/sign-out',
        headers: { ...cookieHeader(u.token), ...evil },
      })
      assert.equal(out.statusCode, 403)
      assert.equal(
        (await t.app.inject({ url: '/api/auth/me', headers: cookieHeader(u.token) })).statusCode,
        200,
      )
    })

    it('behind TRUST_PROXY the own origin comes from X-Forwarded-Proto/Host', async () => {
      const forwarded = {
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'rag.example.io',
        'x-forwarded-for': '203.0.113.9',
      }
      assert.equal((await del(proxied, { ...forwarded, origin: 'https://rag.example.io' })).statusCode, 404)
      assert.equal((await del(proxied, { ...forwarded, origin: 'http://rag.example.io' })).statusCode, 403)
      assert.equal((await del(proxied, { ...forwarded, origin: 'http://localhost' })).statusCode, 403)
      assert.equal((await del(proxied, { ...forwarded, origin: FRONTEND })).statusCode, 404)
      // Without TRUST_PROXY the same headers are not believed: the origin must match Host.
      assert.equal((await del(direct, { ...forwarded, origin: 'https://rag.example.io' })).statusCode, 403)
      assert.equal((await del(direct, { ...forwarded, origin: 'http://localhost' })).statusCode, 404)
    })
  })
}
