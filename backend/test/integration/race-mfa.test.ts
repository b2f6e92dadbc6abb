// Two-factor sign-in under parallel requests (docs/api.md §13): one TOTP code, one recovery code
// and one challenge are each used once however many requests race for them; a challenge never
// gives more than its 5 tries; and a challenge from the old password dies with a password reset.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { LightMyRequestResponse } from 'fastify'
import { testConfig } from '../../src/config.js'
import { withTransaction } from '../../src/db/client.js'
import { FakeClock } from '../../src/lib/clock.js'
import { buildTestApp, json, type TestApp } from '../helpers/app.js'
import { bearerHeader, newUser, PASSWORD, signIn, uniqueEmail } from '../helpers/auth.js'
import { createTestDatabase, dbKinds, lockWaiters, type TestDatabase } from '../helpers/db.js'
import { totpAt } from '../helpers/totp.js'
import { createUserWithSession } from '../helpers/users.js'

const STEP = 30_000
const PARALLEL = 8
const ENV = {
  TRUST_PROXY: '1',
  RATE_LIMIT_AUTH: '100000/minute',
  RATE_LIMIT_GLOBAL: '100000/minute',
  SECRET_KEY: 'k'.repeat(40),
  PUBLIC_URL: 'https://rag.example',
}
let ipCounter = 0
/** A client address per request: the races below are about codes and challenges, not lockout. */
const freshIp = () => ({
  'x-forwarded-for': `198.51.${Math.floor(ipCounter / 250)}.${(ipCounter++ % 250) + 1}`,
})

const statuses = (rs: LightMyRequestResponse[]) => rs.map((r) => r.statusCode).sort()
const codes = (rs: LightMyRequestResponse[]) =>
  rs.map((r) => (r.statusCode === 200 ? 'ok' : json(r).code)).sort()

for (const kind of dbKinds()) {
  describe(`two-factor races [${kind}]`, () => {
    const clock = new FakeClock(Date.parse('2026-03-01T10:00:05.000Z'))
    let tdb: TestDatabase
    let t: TestApp
    let adminToken: string
    before(async () => {
      tdb = await createTestDatabase(kind)
      t = await buildTestApp(kind, ENV, { clock, tdb })
      adminToken = (
        await createUserWithSession(tdb.db, testConfig(ENV), {
          email: uniqueEmail('admin'),
          role: 'admin',
          clock,
        })
      ).token
    })
    after(async () => {
      await t.close()
      await tdb.cleanup()
    })

    const post = (url: string, token: string, payload: Record<string, unknown>) =>
      t.app.inject({ method: 'POST', url, payload, headers: { ...bearerHeader(token), ...freshIp() } })

    async function userWithMfa() {
      const u = await newUser(t.app, uniqueEmail('mfa-race'), PASSWORD, freshIp())
      const setup = await post('/api/auth/mfa/totp/setup', u.token, { password: PASSWORD })
      assert.equal(setup.statusCode, 200, setup.body)
      const { secret } = json<{ secret: string }>(setup)
      const enable = await post('/api/auth/mfa/totp/enable', u.token, { code: totpAt(secret, clock.now()) })
      assert.equal(enable.statusCode, 200, enable.body)
      clock.advance(2 * STEP)
      return { ...u, secret, codes: json<{ recovery_codes: string[] }>(enable).recovery_codes }
    }

    async function challengeFor(email: string): Promise<string> {
      const res = await signIn(t.app, email, PASSWORD, freshIp())
      assert.equal(res.statusCode, 200, res.body)
      return json<{ challenge: string }>(res).challenge
    }

    const mfaStep = (challenge: string, code: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/sign-in/mfa',
        payload: { challenge, code },
        headers: freshIp(),
      })

    it('one TOTP code on parallel challenges signs in once', async () => {
      const u = await userWithMfa()
      const challenges = await Promise.all(Array.from({ length: PARALLEL }, () => challengeFor(u.email)))
      const code = totpAt(u.secret, clock.now())
      const results = await Promise.all(challenges.map((c) => mfaStep(c, code)))
      assert.deepEqual(codes(results), [...Array(PARALLEL - 1).fill('invalid_code'), 'ok'].sort())
    })

    it('one recovery code on parallel challenges signs in once', async () => {
      const u = await userWithMfa()
      const challenges = await Promise.all(Array.from({ length: PARALLEL }, () => challengeFor(u.email)))
      const results = await Promise.all(challenges.map((c) => mfaStep(c, u.codes[0] as string)))
      assert.deepEqual(codes(results), [...Array(PARALLEL - 1).fill('invalid_code'), 'ok'].sort())
    })

    it('one challenge finishes one sign-in, with a TOTP code and recovery codes racing', async () => {
      const u = await userWithMfa()
      const challenge = await challengeFor(u.email)
      const results = await Promise.all([
        mfaStep(challenge, totpAt(u.secret, clock.now())),
        ...u.codes.slice(0, 4).map((c) => mfaStep(challenge, c)),
      ])
      assert.equal(results.filter((r) => r.statusCode === 200).length, 1, String(statuses(results)))
      for (const r of results) if (r.statusCode !== 200) assert.equal(json(r).code, 'invalid_challenge')
    })

    it('a challenge gives at most 5 tries to parallel wrong codes', async () => {
      const u = await userWithMfa()
      const challenge = await challengeFor(u.email)
      const results = await Promise.all(Array.from({ length: 12 }, () => mfaStep(challenge, '000000')))
      const tried = results.filter((r) => json(r).code === 'invalid_code').length
      assert.equal(tried, 5, String(codes(results)))
      assert.deepEqual(new Set(results.map((r) => r.statusCode)), new Set([401]))
    })

    it('a challenge from the old password dies with a password reset', async () => {
      const u = await userWithMfa()
      const challenge = await challengeFor(u.email)
      const link = await t.app.inject({
        method: 'POST',
        url: `/api/admin/users/${u.userId}/reset-link`,
        headers: bearerHeader(adminToken),
      })
      assert.equal(link.statusCode, 200, link.body)
      const token = new URL(json<{ url: string }>(link).url).hash.replace('#token=', '')
      const reset = await t.app.inject({
        method: 'POST',
        url: '/api/auth/password-reset/confirm',
        payload: { token, new_password: 'amber-quarry-whistle-77' },
      })
      assert.equal(reset.statusCode, 204, reset.body)
      const late = await mfaStep(challenge, totpAt(u.secret, clock.now()))
      assert.equal(late.statusCode, 401, late.body)
      assert.equal(json(late).code, 'invalid_challenge')
    })

    /** Disables the user while `signIns` run, then enables them again: no session may come back. */
    async function disableDuring(userId: string, signIns: Promise<LightMyRequestResponse>[]) {
      const patch = (disabled: boolean) =>
        t.app.inject({
          method: 'PATCH',
          url: `/api/admin/users/${userId}`,
          headers: bearerHeader(adminToken),
          payload: { disabled },
        })
      const [off, ...results] = await Promise.all([patch(true), ...signIns])
      assert.equal(off?.statusCode, 200, off?.body)
      assert.equal((await patch(false)).statusCode, 200)
      for (const r of results) {
        if (r.statusCode !== 200) continue
        const token = json<{ session: { token: string } }>(r).session.token
        const me = await t.app.inject({ url: '/api/auth/me', headers: bearerHeader(token) })
        assert.equal(me.statusCode, 401, 'a session from before the disable came back with the account')
      }
    }

    it('sign-ins racing an admin disabling the account: no session comes back when it is enabled again', async () => {
      for (let round = 0; round < 3; round++) {
        const u = await newUser(t.app, uniqueEmail('race-disable'), PASSWORD, freshIp())
        await disableDuring(
          u.userId,
          Array.from({ length: PARALLEL }, () => signIn(t.app, u.email, PASSWORD, freshIp())),
        )
      }
    })

    it('second steps racing an admin disabling the account: no session comes back either', async () => {
      for (let round = 0; round < 3; round++) {
        const u = await userWithMfa()
        const challenges = await Promise.all(u.codes.slice(0, PARALLEL).map(() => challengeFor(u.email)))
        await disableDuring(
          u.userId,
          challenges.map((c, i) => mfaStep(c, u.codes[i] as string)),
        )
      }
    })

    it('second steps racing a password change and MFA turned off: no deadlock, no 500', async () => {
      for (let round = 0; round < 3; round++) {
        const u = await userWithMfa()
        const challenges = await Promise.all(u.codes.slice(0, 6).map(() => challengeFor(u.email)))
        const rs = await Promise.all([
          ...challenges.slice(0, 3).map((c, i) => mfaStep(c, u.codes[i] as string)),
          post('/api/auth/change-password', u.token, {
            current_password: PASSWORD,
            new_password: 'amber-quarry-whistle-77',
          }),
          ...challenges.slice(3).map((c, i) => mfaStep(c, u.codes[i + 3] as string)),
          post('/api/auth/mfa/disable', u.token, {
            password: 'amber-quarry-whistle-77',
            code: u.codes[9] as string,
          }),
        ])
        for (const r of rs) assert.ok(r.statusCode < 500, `${r.statusCode} ${r.body}`)
        assert.equal(rs[3]?.statusCode, 204, rs[3]?.body)
      }
    })

    it('enabling with a code of a secret that a second setup just replaced does not turn on the new one', {
      skip: kind !== 'postgres' && 'needs a second connection to order the two requests',
    }, async () => {
      const u = await newUser(t.app, uniqueEmail('race-setup'), PASSWORD, freshIp())
      const first = await post('/api/auth/mfa/totp/setup', u.token, { password: PASSWORD })
      const a = json<{ secret: string }>(first).secret
      const until = async (n: number) => {
        for (let i = 0; (await lockWaiters(tdb.db)) < n; i++) {
          if (i > 500) throw new Error('the requests never waited')
          await new Promise((r) => setTimeout(r, 10))
        }
      }
      let second: Promise<LightMyRequestResponse> | undefined
      let enable: Promise<LightMyRequestResponse> | undefined
      await withTransaction(tdb.db, async (tx) => {
        await tx.query('select 1 from mfa_totp where user_id = $1 for update', [u.userId])
        // A second setup (another tab) writes its secret first; the enable read the first secret.
        second = post('/api/auth/mfa/totp/setup', u.token, { password: PASSWORD })
        await until(1)
        enable = post('/api/auth/mfa/totp/enable', u.token, { code: totpAt(a, clock.now()) })
        await until(2)
      })
      const [s2, en] = [
        await (second as Promise<LightMyRequestResponse>),
        await (enable as Promise<LightMyRequestResponse>),
      ]
      assert.equal(s2.statusCode, 200, s2.body)
      assert.equal(en.statusCode, 422, `the first secret's code turned the second secret on: ${en.body}`)
      assert.equal(json(en).code, 'invalid_code')
      const b = json<{ secret: string }>(s2).secret
      const ok = await post('/api/auth/mfa/totp/enable', u.token, { code: totpAt(b, clock.now()) })
      assert.equal(ok.statusCode, 200, ok.body)
    })
  })
}
