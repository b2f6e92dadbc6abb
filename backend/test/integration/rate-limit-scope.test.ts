// docs/api.md §3/§6: unauthenticated /api requests (401s and unknown paths included, in any
// spelling) count per client against RATE_LIMIT_GLOBAL; RATE_LIMIT_AUTH covers every
// unauthenticated POST under /api/auth/, and every POST to a public one even with a session.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { testConfig } from '../../src/config.js'
import { buildTestApp, json, type TestApp } from '../helpers/app.js'
import { createTestDatabase, dbKinds, type TestDatabase } from '../helpers/db.js'
import { createUserWithSession } from '../helpers/users.js'

let clients = 0
/** A client address of its own for each scenario, so buckets never mix. */
const newClient = () => `198.51.100.${++clients}`

function hit(
  app: FastifyInstance,
  ip: string,
  url: string,
  opts: { method?: string; headers?: Record<string, string>; payload?: object } = {},
) {
  return app.inject({
    method: (opts.method ?? 'GET') as 'GET',
    url,
    remoteAddress: ip,
    ...(opts.headers ? { headers: opts.headers } : {}),
    ...(opts.payload ? { payload: opts.payload } : {}),
  })
}

for (const kind of dbKinds()) {
  describe(`rate limits reach unauthenticated requests [${kind}]`, () => {
    let tdb: TestDatabase
    let t: TestApp
    let users = 0
    const token = async () =>
      (await createUserWithSession(tdb.db, testConfig(), { email: `rl-${users++}@example.com` })).token

    before(async () => {
      tdb = await createTestDatabase(kind)
      t = await buildTestApp(kind, { RATE_LIMIT_GLOBAL: '3/minute', RATE_LIMIT_AUTH: '2/minute' }, { tdb })
    })
    after(async () => {
      await t.close()
      await tdb.cleanup()
    })

    it('401s count against RATE_LIMIT_GLOBAL per client, in any spelling, bad tokens included', async () => {
      const ip = newClient()
      const first = await hit(t.app, ip, '/api/documents')
      assert.equal(first.statusCode, 401)
      assert.equal(first.headers['ratelimit-limit'], '3')
      assert.equal(first.headers['ratelimit-remaining'], '2')
      assert.equal((await hit(t.app, ip, '/%61pi/search?q=x')).statusCode, 401)
      const bad = await hit(t.app, ip, '/api/auth/me', { headers: { authorization: 'Bearer junk' } })
      assert.equal(bad.statusCode, 401)
      assert.equal(bad.headers['ratelimit-remaining'], '0')
      for (const url of ['/api/documents', '/API/documents', '/api/no-such-thing']) {
        const limited = await hit(t.app, ip, url)
        assert.equal(limited.statusCode, 429, url)
        assert.equal(json(limited).code, 'rate_limited')
        assert.match(String(limited.headers['retry-after']), /^\d+$/)
      }
      // Another client, and a signed-in user at the same address (keyed by user), are not affected.
      assert.equal((await hit(t.app, newClient(), '/api/documents')).statusCode, 401)
      const signedIn = await hit(t.app, ip, '/api/documents', {
        headers: { authorization: `Bearer ${await token()}` },
      })
      assert.equal(signedIn.statusCode, 200)
    })

    it('an IPv6 client is one client across its /64', async () => {
      const a = '2001:db8:7:7::1'
      const b = '2001:db8:7:7:ffff:ffff:ffff:fffe'
      for (let i = 0; i < 3; i++)
        assert.equal((await hit(t.app, i % 2 ? a : b, '/api/documents')).statusCode, 401)
      assert.equal((await hit(t.app, b, '/api/documents')).statusCode, 429)
      assert.equal((await hit(t.app, '2001:db8:7:8::1', '/api/documents')).statusCode, 401)
    })

    it('RATE_LIMIT_AUTH covers every unauthenticated POST under /api/auth/', async () => {
      const cases: [string, number][] = [
        ['/api/auth/sign-out', 204], // public
        ['/api/auth/change-password', 401], // signed-in only
        ['/api/auth/sign-out-all', 401],
        ['/api/auth/no-such-route', 401], // unknown
      ]
      for (const [url, status] of cases) {
        const ip = newClient()
        for (let i = 0; i < 2; i++) {
          const res = await hit(t.app, ip, url, { method: 'POST', payload: {} })
          assert.equal(res.statusCode, status, `${url} #${i + 1}`)
          assert.equal(res.headers['ratelimit-limit'], '2', url)
        }
        const limited = await hit(t.app, ip, url, { method: 'POST', payload: {} })
        assert.equal(limited.statusCode, 429, `${url}: ${limited.body}`)
      }
    })

    it('a session does not lift RATE_LIMIT_AUTH on public routes (sign-in), only on signed-in ones', async () => {
      const ip = newClient()
      const headers = { authorization: `Bearer ${await token()}` }
      const signIn = {
        method: 'POST',
        headers,
        payload: { email: 'nobody@example.com', password: 'wrong-password-1' },
      }
      for (let i = 0; i < 2; i++)
        assert.equal((await hit(t.app, ip, '/api/auth/sign-in', signIn)).statusCode, 401)
      assert.equal((await hit(t.app, ip, '/api/auth/sign-in', signIn)).statusCode, 429)
      // Signed in, change-password counts against the user's global budget, not the auth limit.
      const other = { authorization: `Bearer ${await token()}` }
      const change = { method: 'POST', headers: other, payload: { current_password: 'x', new_password: 'y' } }
      for (let i = 0; i < 3; i++) {
        const res = await hit(t.app, newClient(), '/api/auth/change-password', change)
        assert.notEqual(res.statusCode, 429, `change-password #${i + 1}: ${res.body}`)
        assert.equal(res.headers['ratelimit-limit'], '3')
      }
    })
  })
}
