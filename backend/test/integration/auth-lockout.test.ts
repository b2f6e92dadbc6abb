import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import type { FastifyBaseLogger, LightMyRequestResponse } from 'fastify'
import { FakeClock, systemClock } from '../../src/lib/clock.js'
import { type CounterStore, createCounterStore } from '../../src/lib/counter-store.js'
import { buildTestApp, json, type TestApp } from '../helpers/app.js'
import { cookieHeader, newUser, PASSWORD, signIn, uniqueEmail } from '../helpers/auth.js'
import {
  createTestDatabase,
  dbKinds,
  redisSkipReason,
  TEST_REDIS_URL,
  type TestDatabase,
} from '../helpers/db.js'

const MINUTE = 60_000
let ipCounter = 0
/** A different client address for every registration, so that none shares a counter. */
const rotatingIp = () => ({ 'x-forwarded-for': `192.0.2.${(ipCounter++ % 250) + 1}` })
const fromIp = (ip: string) => ({ 'x-forwarded-for': ip })

function assertLocked(res: LightMyRequestResponse, maxSeconds = 15 * 60) {
  assert.equal(res.statusCode, 429, res.body)
  assert.equal(json(res).code, 'rate_limited')
  const retry = Number(res.headers['retry-after'])
  assert.ok(retry > 0 && retry <= maxSeconds, `Retry-After ${retry}`)
  assert.match(String(json(res).detail), new RegExp(`Please wait ${retry} seconds\\.$`))
  // §6: the refusal's RateLimit-* headers say the same as Retry-After (nothing remains until then).
  assert.equal(res.headers['ratelimit-remaining'], '0')
  assert.equal(res.headers['ratelimit-reset'], String(retry))
  assert.ok(
    ['5', '50'].includes(String(res.headers['ratelimit-limit'])),
    String(res.headers['ratelimit-limit']),
  )
}

const silentLog = {
  level: 'silent',
  fatal() {},
  error() {},
  warn() {},
  info() {},
  debug() {},
  trace() {},
  silent() {},
  child() {
    return silentLog
  },
} as unknown as FastifyBaseLogger

for (const kind of dbKinds()) {
  describe(`auth lockout per email and client [${kind}]`, () => {
    let tdb: TestDatabase
    let t: TestApp
    const clock = new FakeClock()
    before(async () => {
      tdb = await createTestDatabase(kind)
      // The test's requests come from loopback, a trusted proxy: X-Forwarded-For names the client.
      t = await buildTestApp(kind, { TRUST_PROXY: '1', RATE_LIMIT_AUTH: '10000/minute' }, { clock, tdb })
    })
    after(async () => {
      await t.close()
      await tdb.cleanup()
    })

    it('5 failures from one client → 401, its 6th → 429 even with the right password, until the window passes', async () => {
      const victim = await newUser(t.app, uniqueEmail(), PASSWORD, rotatingIp())
      const bystander = await newUser(t.app, uniqueEmail(), PASSWORD, rotatingIp())
      const attacker = fromIp('203.0.113.7')
      for (let i = 1; i <= 5; i++) {
        const res = await signIn(t.app, victim.email, `wrong-guess-${i}`, attacker)
        assert.equal(res.statusCode, 401, `attempt ${i}`)
      }
      assertLocked(await signIn(t.app, victim.email, PASSWORD, attacker))
      // The normalised email is what is counted.
      assertLocked(await signIn(t.app, ` ${victim.email.toUpperCase()}`, PASSWORD, attacker))
      // Other accounts are unaffected; existing sessions keep working.
      assert.equal((await signIn(t.app, bystander.email, PASSWORD, attacker)).statusCode, 200)
      assert.equal(
        (await t.app.inject({ url: '/api/auth/me', headers: cookieHeader(victim.token) })).statusCode,
        200,
      )
      clock.advance(14 * MINUTE)
      assertLocked(await signIn(t.app, victim.email, PASSWORD, attacker))
      clock.advance(1 * MINUTE + 1000)
      assert.equal((await signIn(t.app, victim.email, PASSWORD, attacker)).statusCode, 200)
    })

    it('an attacker cannot lock the owner out: the owner signs in from another client', async () => {
      const owner = await newUser(t.app, uniqueEmail(), PASSWORD, rotatingIp())
      const attacker = fromIp('203.0.113.8')
      for (let i = 1; i <= 30; i++) await signIn(t.app, owner.email, `guess-${i}`, attacker)
      assertLocked(await signIn(t.app, owner.email, PASSWORD, attacker))
      // IPv6 clients are one client per /64: another address in the attacker's /64 is still locked.
      const v6 = fromIp('2001:db8:aa:bb::1')
      for (let i = 1; i <= 5; i++) await signIn(t.app, owner.email, `v6-guess-${i}`, v6)
      assertLocked(await signIn(t.app, owner.email, PASSWORD, fromIp('2001:db8:aa:bb:ffff::2')))
      assert.equal((await signIn(t.app, owner.email, PASSWORD, fromIp('192.0.2.10'))).statusCode, 200)
      clock.advance(16 * MINUTE)
    })

    it('distributed guessing: 50 failures from 50 clients in an hour lock the account for everyone', async () => {
      const u = await newUser(t.app, uniqueEmail(), PASSWORD, rotatingIp())
      for (let i = 1; i <= 50; i++) {
        const res = await signIn(t.app, u.email, `botnet-guess-${i}`, fromIp(`198.51.100.${i}`))
        assert.equal(res.statusCode, 401, `attempt ${i}`)
        clock.advance(MINUTE / 2)
      }
      const owner = await signIn(t.app, u.email, PASSWORD, fromIp('192.0.2.99'))
      assertLocked(owner, 60 * 60)
      // The rest of the hour that the first failure started: 35 minutes.
      assert.equal(owner.headers['retry-after'], String(35 * 60))
      clock.advance(35 * MINUTE)
      assert.equal((await signIn(t.app, u.email, PASSWORD, fromIp('192.0.2.99'))).statusCode, 200)
    })

    it('unknown emails are counted the same way', async () => {
      const ghost = uniqueEmail('ghost')
      const client = fromIp('203.0.113.20')
      for (let i = 1; i <= 5; i++) {
        assert.equal((await signIn(t.app, ghost, `guess-${i}`, client)).statusCode, 401)
      }
      assertLocked(await signIn(t.app, ghost, 'guess-6', client))
      clock.advance(16 * MINUTE)
    })

    it('a disabled account: the right password counts like a wrong one (no oracle through the lockout)', async () => {
      // §14: a disabled user's sign-in gets 401 like a wrong password. The right password cleared
      // the client's count, so a guesser learned which of their guesses was right: the attempt
      // after it was a 401 where five wrong ones would have made it a 429.
      const u = await newUser(t.app, uniqueEmail(), PASSWORD, rotatingIp())
      await tdb.db.query('update users set disabled_at = now() where id = $1', [u.userId])
      const client = fromIp('203.0.113.22')
      for (const password of ['guess-1', 'guess-2', PASSWORD, 'guess-4', 'guess-5']) {
        const res = await signIn(t.app, u.email, password, client)
        assert.equal(res.statusCode, 401, res.body)
        assert.equal(json(res).code, 'invalid_credentials')
      }
      assertLocked(await signIn(t.app, u.email, 'guess-6', client))
      clock.advance(16 * MINUTE)
    })

    it('a successful sign-in before the lock clears that client’s count', async () => {
      const u = await newUser(t.app, uniqueEmail(), PASSWORD, rotatingIp())
      const client = fromIp('203.0.113.21')
      for (let i = 1; i <= 4; i++) await signIn(t.app, u.email, `typo-${i}`, client)
      assert.equal((await signIn(t.app, u.email, PASSWORD, client)).statusCode, 200)
      for (let i = 1; i <= 5; i++) {
        assert.equal((await signIn(t.app, u.email, `typo-again-${i}`, client)).statusCode, 401)
      }
      assertLocked(await signIn(t.app, u.email, PASSWORD, client))
      clock.advance(16 * MINUTE)
    })

    it('a wrong current password on change-password counts toward the same limits', async () => {
      const u = await newUser(t.app, uniqueEmail(), PASSWORD, rotatingIp())
      const client = fromIp('203.0.113.22')
      const change = (current: string) =>
        t.app.inject({
          method: 'POST',
          url: '/api/auth/change-password',
          headers: { ...cookieHeader(u.token), ...client },
          payload: { current_password: current, new_password: 'a-fresh-passphrase-7' },
        })
      for (let i = 1; i <= 5; i++) {
        const res = await change(`not-it-${i}`)
        assert.equal(res.statusCode, 422)
        assert.equal(json(res).code, 'invalid_current_password')
      }
      assertLocked(await change(PASSWORD))
      assertLocked(await signIn(t.app, u.email, PASSWORD, client))
      // Still signed in: a lock refuses password checks, it does not end sessions.
      assert.equal(
        (await t.app.inject({ url: '/api/auth/me', headers: cookieHeader(u.token) })).statusCode,
        200,
      )
      clock.advance(16 * MINUTE)
      assert.equal((await change(PASSWORD)).statusCode, 204)
    })
  })

  describe(`auth lockout shared through Redis [${kind}]`, { skip: redisSkipReason() }, () => {
    let tdb: TestDatabase
    const apps: TestApp[] = []
    const stores: CounterStore[] = []
    before(async () => {
      tdb = await createTestDatabase(kind)
      // Each run gets its own key prefix so parallel test files never share counters.
      const prefix = `test:${randomBytes(6).toString('hex')}:`
      for (let i = 0; i < 2; i++) {
        const counters = await createCounterStore(TEST_REDIS_URL, systemClock, silentLog, prefix)
        stores.push(counters)
        apps.push(
          await buildTestApp(kind, { RATE_LIMIT_AUTH: '10000/minute', TRUST_PROXY: '1' }, { counters, tdb }),
        )
      }
      // Wait until both connections are up, so nothing falls back to the in-process store.
      for (const s of stores) {
        const redis = (s as unknown as { primary: { redis: { status: string } } }).primary.redis
        for (let i = 0; i < 100 && redis.status !== 'ready'; i++) await new Promise((r) => setTimeout(r, 20))
        assert.equal(redis.status, 'ready')
      }
    })
    after(async () => {
      for (const a of apps) await a.close()
      for (const s of stores) await s.close()
      await tdb.cleanup()
    })

    it('failures on two instances add up: the 6th attempt is refused on either', async () => {
      const [a, b] = apps as [TestApp, TestApp]
      const u = await newUser(a.app)
      for (let i = 1; i <= 5; i++) {
        const app = i % 2 === 0 ? b.app : a.app
        assert.equal((await signIn(app, u.email, `wrong-${i}`)).statusCode, 401, `attempt ${i}`)
      }
      assertLocked(await signIn(b.app, u.email, PASSWORD))
      assertLocked(await signIn(a.app, u.email, PASSWORD))
      const other = await newUser(b.app)
      assert.equal((await signIn(a.app, other.email, PASSWORD)).statusCode, 200)
    })

    it('distributed guessing across instances: 50 failures from 50 clients lock the account on both', async () => {
      const [a, b] = apps as [TestApp, TestApp]
      const u = await newUser(a.app, uniqueEmail(), PASSWORD, rotatingIp())
      for (let i = 1; i <= 50; i++) {
        const app = i % 2 === 0 ? b.app : a.app
        const res = await signIn(app, u.email, `spread-${i}`, fromIp(`198.51.100.${i}`))
        assert.equal(res.statusCode, 401, `attempt ${i}`)
      }
      assertLocked(await signIn(a.app, u.email, PASSWORD, fromIp('192.0.2.201')), 60 * 60)
      assertLocked(await signIn(b.app, u.email, PASSWORD, fromIp('192.0.2.202')), 60 * 60)
    })
  })
}
