// docs/api.md §1/§6: a forwarded hop is believed only when the address it came from is in
// TRUST_PROXY_FROM (default loopback, link-local, unique-local), and never more than TRUST_PROXY
// hops; a client reaching the server directly from a public address cannot choose its own IP.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import proxyAddr from '@fastify/proxy-addr'
import { testConfig } from '../../src/config.js'
import { trustProxy } from '../../src/http/trust-proxy.js'
import { buildTestApp, json, type TestApp } from '../helpers/app.js'
import { createTestDatabase, dbKinds, type TestDatabase } from '../helpers/db.js'
import { createUserWithSession } from '../helpers/users.js'

/** The client address proxy-addr derives for this peer and X-Forwarded-For under `env`. */
function clientIp(env: Record<string, string>, peer: string, xff: string): string {
  const fn = trustProxy(testConfig(env))
  const req = { socket: { remoteAddress: peer }, headers: { 'x-forwarded-for': xff } }
  const all = proxyAddr.all(req as never, fn === false ? () => false : fn)
  return all[all.length - 1] as string
}

describe('trustProxy (TRUST_PROXY hops, each from a TRUST_PROXY_FROM address)', () => {
  it('believes a hop only from a trusted address', () => {
    const one = { TRUST_PROXY: '1' }
    assert.equal(clientIp(one, '127.0.0.1', '203.0.113.9'), '203.0.113.9')
    assert.equal(clientIp(one, '::1', '203.0.113.9'), '203.0.113.9')
    assert.equal(clientIp(one, '10.1.2.3', '203.0.113.9'), '203.0.113.9', 'uniquelocal')
    assert.equal(clientIp(one, '169.254.0.9', '203.0.113.9'), '203.0.113.9', 'linklocal')
    assert.equal(clientIp(one, '::ffff:127.0.0.1', '203.0.113.9'), '203.0.113.9', 'IPv4-mapped loopback')
    // A public peer is the client, whatever it claims.
    assert.equal(clientIp(one, '198.51.100.7', '203.0.113.9'), '198.51.100.7')
    assert.equal(clientIp({ TRUST_PROXY: '5' }, '198.51.100.7', '1.1.1.1, 2.2.2.2'), '198.51.100.7')
  })

  it('stops at the first hop that did not come from a trusted proxy, and after TRUST_PROXY hops', () => {
    const two = { TRUST_PROXY: '2' }
    // The trusted proxies forwarded for 192.0.2.1, a public address: what it claims is not believed.
    assert.equal(clientIp(two, '127.0.0.1', '6.6.6.6, 192.0.2.1'), '192.0.2.1')
    assert.equal(clientIp(two, '127.0.0.1', '6.6.6.6, 192.0.2.1, 10.0.0.5'), '192.0.2.1')
    assert.equal(clientIp({ TRUST_PROXY: '1' }, '127.0.0.1', '6.6.6.6, 10.0.0.5'), '10.0.0.5')
  })

  it('TRUST_PROXY_FROM replaces the presets with addresses and CIDR ranges', () => {
    const env = { TRUST_PROXY: '1', TRUST_PROXY_FROM: '203.0.113.0/24, 2001:db8::1' }
    assert.equal(clientIp(env, '203.0.113.77', '192.0.2.1'), '192.0.2.1')
    assert.equal(clientIp(env, '2001:db8::1', '192.0.2.1'), '192.0.2.1')
    assert.equal(clientIp(env, '127.0.0.1', '192.0.2.1'), '127.0.0.1', 'loopback no longer trusted')
    assert.equal(trustProxy(testConfig({ TRUST_PROXY: '0' })), false)
  })
})

for (const kind of dbKinds()) {
  describe(`forwarded headers over HTTP [${kind}]`, () => {
    let tdb: TestDatabase
    let t: TestApp
    let token: string
    before(async () => {
      tdb = await createTestDatabase(kind)
      t = await buildTestApp(kind, { TRUST_PROXY: '1', RATE_LIMIT_HEALTH: '2/minute' }, { tdb })
      token = (await createUserWithSession(tdb.db, testConfig(), { email: 'proxy@example.com' })).token
    })
    after(async () => {
      await t.close()
      await tdb.cleanup()
    })

    const health = (peer: string, xff: string) =>
      t.app.inject({ url: '/health', remoteAddress: peer, headers: { 'x-forwarded-for': xff } })

    it('a direct public client rotating X-Forwarded-For stays one client (TRUST_PROXY=1)', async () => {
      const codes: number[] = []
      for (let i = 0; i < 4; i++) codes.push((await health('198.51.100.20', `203.0.113.${i}`)).statusCode)
      assert.deepEqual(codes, [200, 200, 429, 429])
    })

    it('behind a trusted proxy each forwarded client has its own bucket', async () => {
      const codes: number[] = []
      for (let i = 0; i < 4; i++) codes.push((await health('127.0.0.1', `203.0.113.${50 + i}`)).statusCode)
      assert.deepEqual(codes, [200, 200, 200, 200])
    })

    it('behind a trusted proxy one client is one bucket whatever port the proxy writes after it', async () => {
      const codes: number[] = []
      for (const xff of ['203.0.113.160:40001', '203.0.113.160:40002', '203.0.113.160', '203.0.113.160:9'])
        codes.push((await health('127.0.0.1', xff)).statusCode)
      assert.deepEqual(codes, [200, 200, 429, 429])
      const v6: number[] = []
      for (const xff of ['[2001:db8:5::1]:443', '[2001:db8:5::2]:444', '2001:db8:5::3'])
        v6.push((await health('127.0.0.1', xff)).statusCode)
      assert.deepEqual(v6, [200, 200, 429])
    })

    it('a session remembers the forwarded address without its port', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/register',
        remoteAddress: '127.0.0.1',
        headers: { 'x-forwarded-for': '203.0.113.170:51234' },
        payload: { email: 'ported@example.com', password: 'a long enough password 7' },
      })
      assert.equal(res.statusCode, 201, res.body)
      const rows = await tdb.db.query<{ ip_address: string | null }>(
        "select s.ip_address from sessions s join users u on u.id = s.user_id where u.email = 'ported@example.com'",
      )
      assert.deepEqual(
        rows.map((r) => r.ip_address),
        ['203.0.113.170'],
      )
    })

    it('a direct public client cannot claim the server’s origin with X-Forwarded-Host/-Proto (CSRF)', async () => {
      const res = await t.app.inject({
        method: 'DELETE',
        url: '/api/auth/sessions/0190a1b2-c3d4-4e5f-8a9b-0c1d2e3f4a5b',
        remoteAddress: '198.51.100.21',
        headers: {
          cookie: `session_token=${token}`,
          origin: 'https://evil.example',
          'x-forwarded-host': 'evil.example',
          'x-forwarded-proto': 'https',
        },
      })
      assert.equal(res.statusCode, 403)
      assert.equal(json(res).code, 'csrf_failed')
    })
  })
}
