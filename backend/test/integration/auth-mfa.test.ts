import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { LightMyRequestResponse } from 'fastify'
import { setUserRole } from '../../src/db/queries/users.js'
import { FakeClock } from '../../src/lib/clock.js'
import { buildTestApp, json, type TestApp } from '../helpers/app.js'
import { bearerHeader, newUser, PASSWORD, sessionSetCookie, signIn, uniqueEmail } from '../helpers/auth.js'
import { dbKinds } from '../helpers/db.js'
import { totpAt } from '../helpers/totp.js'

const STEP = 30_000
let ipCounter = 0
/** A fresh client address, so that tests do not share lockout counters unless they mean to. */
const freshIp = () => ({ 'x-forwarded-for': `198.51.100.${(ipCounter++ % 250) + 1}` })

function assertError(res: LightMyRequestResponse, status: number, code: string) {
  assert.equal(res.statusCode, status, res.body)
  assert.equal(json(res).code, code, res.body)
  // §0: validation errors add `errors: [{path, message}]`.
  if (code === 'validation_error') {
    const errors = json<{ errors?: { path: string; message: string }[] }>(res).errors
    assert.ok(
      Array.isArray(errors) && errors.length > 0 && errors.every((e) => e.path && e.message),
      res.body,
    )
  }
}

for (const kind of dbKinds()) {
  describe(`two-factor sign-in [${kind}]`, () => {
    const clock = new FakeClock(Date.parse('2026-03-01T10:00:05.000Z'))
    let t: TestApp
    before(async () => {
      t = await buildTestApp(
        kind,
        { TRUST_PROXY: '1', RATE_LIMIT_AUTH: '10000/minute', SECRET_KEY: 'k'.repeat(40) },
        { clock },
      )
    })
    after(() => t.close())

    const post = (url: string, token: string, payload: Record<string, unknown>, ip = freshIp()) =>
      t.app.inject({ method: 'POST', url, payload, headers: { ...bearerHeader(token), ...ip } })

    /** A user with TOTP on: its secret and recovery codes. */
    async function userWithMfa(ip = freshIp()) {
      const u = await newUser(t.app, uniqueEmail('mfa'), PASSWORD, ip)
      const setup = await post('/api/auth/mfa/totp/setup', u.token, { password: PASSWORD }, ip)
      assert.equal(setup.statusCode, 200, setup.body)
      const { secret } = json<{ secret: string }>(setup)
      const enable = await post(
        '/api/auth/mfa/totp/enable',
        u.token,
        { code: totpAt(secret, clock.now()) },
        ip,
      )
      assert.equal(enable.statusCode, 200, enable.body)
      const codes = json<{ recovery_codes: string[] }>(enable).recovery_codes
      // The enabling code's step is used up (and every older one): sign-ins in the tests start two
      // steps later, so that the step before theirs is still unused.
      clock.advance(2 * STEP)
      return { ...u, secret, codes }
    }

    async function challengeFor(email: string, ip = freshIp()): Promise<string> {
      const res = await signIn(t.app, email, PASSWORD, ip)
      assert.equal(res.statusCode, 200, res.body)
      const b = json<{ mfa_required: boolean; challenge: string; expires_at: string }>(res)
      assert.equal(b.mfa_required, true)
      return b.challenge
    }

    const mfaStep = (challenge: string, code: string, ip = freshIp()) =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/sign-in/mfa',
        payload: { challenge, code },
        headers: ip,
      })

    it('setup needs the password, gives secret, otpauth URL and SVG; enable needs a right code', async () => {
      const u = await newUser(t.app, uniqueEmail('setup'), PASSWORD, freshIp())
      assertError(
        await post('/api/auth/mfa/totp/setup', u.token, { password: 'not-the-password' }),
        422,
        'invalid_current_password',
      )
      assertError(
        await post('/api/auth/mfa/totp/enable', u.token, { code: '123456' }),
        422,
        'validation_error',
      )
      // Nothing to turn off or renew yet.
      assertError(
        await post('/api/auth/mfa/disable', u.token, { password: PASSWORD, code: '123456' }),
        422,
        'validation_error',
      )
      assertError(
        await post('/api/auth/mfa/recovery-codes', u.token, { password: PASSWORD }),
        422,
        'validation_error',
      )
      const setup = await post('/api/auth/mfa/totp/setup', u.token, { password: PASSWORD })
      assert.equal(setup.statusCode, 200, setup.body)
      const s = json<{ secret: string; otpauth_url: string; qr_svg: string }>(setup)
      assert.match(s.secret, /^[A-Z2-7]{32}$/) // 160 bits
      const url = new URL(s.otpauth_url)
      assert.equal(url.protocol, 'otpauth:')
      assert.equal(url.searchParams.get('secret'), s.secret)
      assert.equal(url.searchParams.get('digits'), '6')
      assert.equal(url.searchParams.get('period'), '30')
      assert.equal(url.searchParams.get('algorithm'), 'SHA1')
      assert.match(s.qr_svg, /^<svg[\s\S]*<\/svg>\s*$/)
      // Stored encrypted under SECRET_KEY: the base32 secret is nowhere in the row.
      const [row] = await t.tdb.db.query<{ secret: string }>(
        'select secret from mfa_totp where user_id = $1',
        [u.userId],
      )
      assert.ok(row?.secret.startsWith('v1:'))
      assert.ok(!row?.secret.includes(s.secret))
      // Not active yet: sign-in still gives a session directly.
      assert.ok(sessionSetCookie(await signIn(t.app, u.email, PASSWORD, freshIp())))
      const wrong = String((Number(totpAt(s.secret, clock.now())) + 1) % 1_000_000).padStart(6, '0')
      assertError(await post('/api/auth/mfa/totp/enable', u.token, { code: wrong }), 422, 'invalid_code')
      const enable = await post('/api/auth/mfa/totp/enable', u.token, { code: totpAt(s.secret, clock.now()) })
      assert.equal(enable.statusCode, 200, enable.body)
      const codes = json<{ recovery_codes: string[] }>(enable).recovery_codes
      assert.equal(codes.length, 10)
      assert.equal(new Set(codes).size, 10)
      for (const c of codes) assert.match(c, /^[a-z2-7]{6}(-[a-z2-7]{6}){3}$/) // 120 bits
      const me = await t.app.inject({ url: '/api/auth/me', headers: bearerHeader(u.token) })
      assert.equal(json<{ user: { mfa_enabled: boolean } }>(me).user.mfa_enabled, true)
      // Already on: setup is refused and cannot replace the live secret.
      assertError(
        await post('/api/auth/mfa/totp/setup', u.token, { password: PASSWORD }),
        422,
        'validation_error',
      )
      // Only hashes are stored.
      const stored = await t.tdb.db.query<{ code_hash: string }>(
        'select code_hash from mfa_recovery_codes where user_id = $1',
        [u.userId],
      )
      assert.equal(stored.length, 10)
      for (const c of codes) assert.ok(!stored.some((r) => r.code_hash.includes(c.replace(/-/g, ''))))
    })

    it('password step answers a challenge without a session; the code finishes sign-in (±1 step)', async () => {
      const u = await userWithMfa()
      const res = await signIn(t.app, u.email, PASSWORD, freshIp())
      assert.equal(res.statusCode, 200)
      assert.equal(sessionSetCookie(res), undefined)
      const b = json<Record<string, unknown>>(res)
      assert.equal(b.session, undefined)
      assert.equal(b.user, undefined)
      assert.equal(Date.parse(String(b.expires_at)) - clock.now(), 5 * 60_000)
      // Two steps back and two ahead are outside the window.
      assertError(
        await mfaStep(String(b.challenge), totpAt(u.secret, clock.now() - 2 * STEP)),
        401,
        'invalid_code',
      )
      assertError(
        await mfaStep(String(b.challenge), totpAt(u.secret, clock.now() + 2 * STEP)),
        401,
        'invalid_code',
      )
      // The previous step's code (a slow phone) is accepted.
      const ok = await mfaStep(String(b.challenge), totpAt(u.secret, clock.now() - STEP))
      assert.equal(ok.statusCode, 200, ok.body)
      assert.ok(sessionSetCookie(ok))
      const token = json<{ session: { token: string } }>(ok).session.token
      assert.equal(
        (await t.app.inject({ url: '/api/auth/me', headers: bearerHeader(token) })).statusCode,
        200,
      )
      // The challenge is spent.
      assertError(await mfaStep(String(b.challenge), totpAt(u.secret, clock.now())), 401, 'invalid_challenge')
      // The next step's code (a fast phone) is accepted on a new challenge.
      const ahead = await mfaStep(await challengeFor(u.email), totpAt(u.secret, clock.now() + STEP))
      assert.equal(ahead.statusCode, 200, ahead.body)
    })

    it('a code is accepted once: a replay on a new challenge is refused', async () => {
      const u = await userWithMfa()
      const code = totpAt(u.secret, clock.now())
      assert.equal((await mfaStep(await challengeFor(u.email), code)).statusCode, 200)
      assertError(await mfaStep(await challengeFor(u.email), code), 401, 'invalid_code')
      // An older step after a newer one is a replay too.
      assertError(
        await mfaStep(await challengeFor(u.email), totpAt(u.secret, clock.now() - STEP)),
        401,
        'invalid_code',
      )
      clock.advance(STEP)
      assert.equal(
        (await mfaStep(await challengeFor(u.email), totpAt(u.secret, clock.now()))).statusCode,
        200,
      )
    })

    it('a challenge expires after 5 minutes', async () => {
      const u = await userWithMfa()
      const challenge = await challengeFor(u.email)
      clock.advance(5 * 60_000)
      assertError(await mfaStep(challenge, totpAt(u.secret, clock.now())), 401, 'invalid_challenge')
      assertError(await mfaStep('not-a-challenge', totpAt(u.secret, clock.now())), 401, 'invalid_challenge')
    })

    it('a challenge allows 5 tries, even from different clients', async () => {
      const u = await userWithMfa()
      const challenge = await challengeFor(u.email)
      for (let i = 0; i < 5; i++) assertError(await mfaStep(challenge, '000000'), 401, 'invalid_code')
      assertError(await mfaStep(challenge, totpAt(u.secret, clock.now())), 401, 'invalid_challenge')
      // A new challenge with the right code works (different clients: no lockout).
      assert.equal(
        (await mfaStep(await challengeFor(u.email), totpAt(u.secret, clock.now()))).statusCode,
        200,
      )
    })

    it('a user disabled between the password step and the code gets no session', async () => {
      const u = await userWithMfa()
      const admin = await newUser(t.app, uniqueEmail('mfa-disabler'), PASSWORD, freshIp())
      await setUserRole(t.tdb.db, admin.email, 'admin', new Date(clock.now()))
      const challenge = await challengeFor(u.email)
      const off = await t.app.inject({
        method: 'PATCH',
        url: `/api/admin/users/${u.userId}`,
        payload: { disabled: true },
        headers: bearerHeader(admin.token),
      })
      assert.equal(off.statusCode, 200, off.body)
      // The right code on a live challenge: refused like a stale challenge, and no cookie.
      const res = await mfaStep(challenge, totpAt(u.secret, clock.now()))
      assertError(res, 401, 'invalid_challenge')
      assert.equal(sessionSetCookie(res), undefined)
    })

    it('wrong codes count toward the lockout; the password step does not clear it', async () => {
      const u = await userWithMfa()
      const ip = freshIp()
      for (let i = 0; i < 3; i++)
        assertError(await signIn(t.app, u.email, `wrong-${i}`, ip), 401, 'invalid_credentials')
      const challenge = await challengeFor(u.email, ip)
      assertError(await mfaStep(challenge, '000000', ip), 401, 'invalid_code')
      assertError(await mfaStep(challenge, '000001', ip), 401, 'invalid_code')
      // Five failures from this client: the sixth attempt, even right, is refused.
      assertError(await mfaStep(challenge, totpAt(u.secret, clock.now()), ip), 429, 'rate_limited')
      assertError(await signIn(t.app, u.email, PASSWORD, ip), 429, 'rate_limited')
      // Another client is unaffected, and a completed sign-in there works.
      assert.equal(
        (await mfaStep(await challengeFor(u.email), totpAt(u.secret, clock.now()))).statusCode,
        200,
      )
      clock.advance(15 * 60_000)
      clock.advance(STEP)
      const again = await mfaStep(await challengeFor(u.email, ip), totpAt(u.secret, clock.now()), ip)
      assert.equal(again.statusCode, 200, again.body)
      // Each wrong code, and the refused right one, is a failed sign-in in the person's own activity
      // (§14): the password was right, so these are what they most need to see.
      const activity = await t.app.inject({
        url: '/api/auth/activity?limit=100',
        headers: bearerHeader(u.token),
      })
      const failures = json<{ events: { type: string; details: { reason?: string; step?: string } }[] }>(
        activity,
      )
        .events.filter((e) => e.type === 'sign_in_failed')
        .map((e) => `${e.details.reason}${e.details.step ? `@${e.details.step}` : ''}`)
      assert.deepEqual(failures.sort(), [
        'locked',
        'locked@mfa',
        'wrong_code@mfa',
        'wrong_code@mfa',
        'wrong_password',
        'wrong_password',
        'wrong_password',
      ])
    })

    it('recovery codes work once each, in any case and spacing', async () => {
      const u = await userWithMfa()
      const [first, second] = u.codes as [string, string]
      assert.equal((await mfaStep(await challengeFor(u.email), first)).statusCode, 200)
      assertError(await mfaStep(await challengeFor(u.email), first), 401, 'invalid_code')
      const respelled = ` ${second.toUpperCase().replace(/-/g, ' ')} `
      assert.equal((await mfaStep(await challengeFor(u.email), respelled)).statusCode, 200)
      // Someone else's code is no code.
      const other = await userWithMfa()
      assertError(await mfaStep(await challengeFor(u.email), other.codes[0] as string), 401, 'invalid_code')
    })

    it('new recovery codes need the password and end the old ones', async () => {
      const u = await userWithMfa()
      assertError(
        await post('/api/auth/mfa/recovery-codes', u.token, { password: 'nope-nope-nope' }),
        422,
        'invalid_current_password',
      )
      const res = await post('/api/auth/mfa/recovery-codes', u.token, { password: PASSWORD })
      assert.equal(res.statusCode, 200, res.body)
      const fresh = json<{ recovery_codes: string[] }>(res).recovery_codes
      assert.equal(fresh.length, 10)
      assertError(await mfaStep(await challengeFor(u.email), u.codes[0] as string), 401, 'invalid_code')
      assert.equal((await mfaStep(await challengeFor(u.email), fresh[0] as string)).statusCode, 200)
    })

    it('disabling needs the password and a code', async () => {
      const u = await userWithMfa()
      const code = () => totpAt(u.secret, clock.now())
      assertError(
        await post('/api/auth/mfa/disable', u.token, { password: 'wrong-password-1', code: code() }),
        422,
        'invalid_current_password',
      )
      assertError(
        await post('/api/auth/mfa/disable', u.token, { password: PASSWORD, code: '000000' }),
        422,
        'invalid_code',
      )
      // Both wrong guesses are in the person's own activity.
      const activity = await t.app.inject({ url: '/api/auth/activity', headers: bearerHeader(u.token) })
      const failures = json<{ events: { type: string; details: { reason?: string; context?: string } }[] }>(
        activity,
      )
        .events.filter((e) => e.type === 'sign_in_failed')
        .map((e) => `${e.details.reason}/${e.details.context}`)
      assert.deepEqual(failures.sort(), ['wrong_code/mfa_disable', 'wrong_password/mfa_disable'])
      const res = await post('/api/auth/mfa/disable', u.token, { password: PASSWORD, code: code() })
      assert.equal(res.statusCode, 204, res.body)
      const me = await t.app.inject({ url: '/api/auth/me', headers: bearerHeader(u.token) })
      assert.equal(json<{ user: { mfa_enabled: boolean } }>(me).user.mfa_enabled, false)
      assert.ok(sessionSetCookie(await signIn(t.app, u.email, PASSWORD, freshIp())))
      const left = await t.tdb.db.query('select 1 from mfa_recovery_codes where user_id = $1', [u.userId])
      assert.equal(left.length, 0)
    })

    it('a password change does not turn the second step off', async () => {
      const u = await userWithMfa()
      const res = await post('/api/auth/change-password', u.token, {
        current_password: PASSWORD,
        new_password: 'another-long-passphrase-77',
      })
      assert.equal(res.statusCode, 204, res.body)
      const next = await signIn(t.app, u.email, 'another-long-passphrase-77', freshIp())
      assert.equal(json(next).mfa_required, true)
      assert.equal(sessionSetCookie(next), undefined)
    })

    it("an admin turns off a user's second step (lost device): audited; others get 403, unknown ids 404", async () => {
      const u = await userWithMfa()
      const admin = await newUser(t.app, uniqueEmail('mfa-admin'), PASSWORD, freshIp())
      await setUserRole(t.tdb.db, admin.email, 'admin', new Date(clock.now()))
      const outsider = await newUser(t.app, uniqueEmail('mfa-outsider'), PASSWORD, freshIp())
      const url = `/api/admin/users/${u.userId}/mfa/disable`
      assertError(await post(url, outsider.token, {}), 403, 'forbidden')
      assertError(
        await post('/api/admin/users/01900000-0000-7000-8000-000000000000/mfa/disable', admin.token, {}),
        404,
        'not_found',
      )
      assert.equal(json(await signIn(t.app, u.email, PASSWORD, freshIp())).mfa_required, true)
      const off = await post(url, admin.token, {})
      assert.equal(off.statusCode, 204, off.body)
      // The password alone signs in again, and the user's own session was kept.
      assert.ok(sessionSetCookie(await signIn(t.app, u.email, PASSWORD, freshIp())))
      const me = await t.app.inject({ url: '/api/auth/me', headers: bearerHeader(u.token) })
      assert.equal(me.statusCode, 200)
      assert.equal(json<{ user: { mfa_enabled: boolean } }>(me).user.mfa_enabled, false)
      const audit = await t.app.inject({
        url: `/api/admin/audit?type=mfa_disabled&user_id=${u.userId}`,
        headers: bearerHeader(admin.token),
      })
      assert.equal(audit.statusCode, 200, audit.body)
      const [event] = json<{ events: { actor_id: string; details: Record<string, unknown> }[] }>(audit).events
      assert.equal(event?.actor_id, admin.userId)
      assert.equal(event?.details.by_admin, true)
    })

    it('a secret encrypted under another SECRET_KEY: 503 in words, not counted as a wrong code', async () => {
      const u = await userWithMfa()
      const other = await buildTestApp(
        kind,
        { TRUST_PROXY: '1', RATE_LIMIT_AUTH: '10000/minute', SECRET_KEY: 'z'.repeat(40) },
        { clock, tdb: t.tdb },
      )
      try {
        const res = await other.app.inject({
          method: 'POST',
          url: '/api/auth/sign-in',
          payload: { email: u.email, password: PASSWORD },
        })
        const challenge = json<{ challenge: string }>(res).challenge
        const ip = freshIp()
        for (let i = 0; i < 6; i++) {
          const step = await other.app.inject({
            method: 'POST',
            url: '/api/auth/sign-in/mfa',
            payload: { challenge, code: totpAt(u.secret, clock.now()) },
            headers: ip,
          })
          // Five tries on the challenge, then it is used up; never a 429 (nothing was counted) nor a 500.
          if (i < 5) assertError(step, 503, 'service_unavailable')
          else assertError(step, 401, 'invalid_challenge')
        }
      } finally {
        await other.close()
      }
    })

    it('deleting the account: password, last owner, last admin, then everything goes', async () => {
      const u = await userWithMfa()
      const del = (token: string, password: string) =>
        t.app.inject({
          method: 'DELETE',
          url: '/api/auth/account',
          payload: { password },
          headers: { ...bearerHeader(token), ...freshIp() },
        })
      assertError(await del(u.token, 'wrong-password-2'), 422, 'invalid_current_password')
      const space = await post('/api/spaces', u.token, { name: 'Team of one' })
      assert.equal(space.statusCode, 201, space.body)
      const spaceId = json<{ id: string }>(space).id
      assertError(await del(u.token, PASSWORD), 422, 'last_owner')
      assert.equal(
        (
          await t.app.inject({
            method: 'DELETE',
            url: `/api/spaces/${spaceId}`,
            headers: bearerHeader(u.token),
          })
        ).statusCode,
        204,
      )
      const res = await del(u.token, PASSWORD)
      assert.equal(res.statusCode, 204, res.body)
      assertError(
        await t.app.inject({ url: '/api/auth/me', headers: bearerHeader(u.token) }),
        401,
        'invalid_session',
      )
      assertError(await signIn(t.app, u.email, PASSWORD, freshIp()), 401, 'invalid_credentials')
      for (const table of ['sessions', 'mfa_totp', 'mfa_recovery_codes', 'mfa_challenges', 'conversations']) {
        const rows = await t.tdb.db.query(`select 1 from ${table} where user_id = $1`, [u.userId])
        assert.equal(rows.length, 0, table)
      }
      const personal = await t.tdb.db.query('select 1 from spaces where owner_id = $1', [u.userId])
      assert.equal(personal.length, 0)

      // The only admin cannot leave; once there is another, they can.
      const admin = await newUser(t.app, uniqueEmail('admin'), PASSWORD, freshIp())
      await t.tdb.db.query("update users set role = 'user' where role = 'admin'")
      await setUserRole(t.tdb.db, admin.email, 'admin', new Date(clock.now()))
      assertError(await del(admin.token, PASSWORD), 422, 'last_admin')
      const other = await newUser(t.app, uniqueEmail('admin2'), PASSWORD, freshIp())
      await setUserRole(t.tdb.db, other.email, 'admin', new Date(clock.now()))
      assert.equal((await del(admin.token, PASSWORD)).statusCode, 204)
    })
  })
}
