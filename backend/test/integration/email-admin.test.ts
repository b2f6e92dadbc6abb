// Without email, an admin hands out the same one-time links (docs/api.md §12, §14): creating a
// user (verified, no usable password, a link that sets one), a reset link (audited, in the user's
// own activity, verifying nothing), marking verified; the token never lands in the audit log or
// the tokens table. With email on, an admin's MFA-off is mailed to the user.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { testConfig } from '../../src/config.js'
import { FakeClock } from '../../src/lib/clock.js'
import { buildTestApp, json, type TestApp } from '../helpers/app.js'
import { bearerHeader, newUser, PASSWORD, signIn, uniqueEmail } from '../helpers/auth.js'
import { dbKinds } from '../helpers/db.js'
import { emailEnv, emailSuite, PUBLIC_URL } from '../helpers/email-app.js'
import { totpAt } from '../helpers/totp.js'
import { createUserWithSession } from '../helpers/users.js'

const NEW_PASSWORD = 'amber-quarry-whistle-77'
const tokenOf = (url: string) => /#token=([A-Za-z0-9_-]{43})$/.exec(url)?.[1] as string

for (const kind of dbKinds()) {
  describe(`admin links without email [${kind}]`, () => {
    const clock = new FakeClock(Date.now())
    const env = emailEnv(null)
    let t: TestApp
    let admin: string
    let userToken: string

    before(async () => {
      t = await buildTestApp(kind, env, { clock })
      admin = (
        await createUserWithSession(t.tdb.db, testConfig(env), {
          email: `adm-${kind}@example.com`,
          role: 'admin',
          clock,
        })
      ).token
      userToken = (await newUser(t.app)).token
    })
    after(() => t.close())

    const post = (url: string, token: string, payload?: unknown) =>
      t.app.inject({
        method: 'POST',
        url,
        headers: bearerHeader(token),
        ...(payload ? { payload: payload as object } : {}),
      })
    const confirm = (token: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/password-reset/confirm',
        payload: { token, new_password: NEW_PASSWORD },
      })

    it('POST /api/admin/users: a verified account with no usable password and a link that sets one', async () => {
      const email = uniqueEmail('new')
      const res = await post('/api/admin/users', admin, {
        email: ` ${email.toUpperCase()} `,
        name: 'New Person',
      })
      assert.equal(res.statusCode, 201, res.body)
      const body = json<{
        id: string
        email: string
        name: string
        role: string
        email_verified: boolean
        disabled: boolean
        reset_link: { url: string; expires_at: string }
      }>(res)
      assert.equal(body.email, email)
      assert.equal(body.name, 'New Person')
      assert.equal(body.role, 'user')
      assert.equal(body.email_verified, true)
      assert.equal(body.disabled, false)
      assert.ok(body.reset_link.url.startsWith(`${PUBLIC_URL}/reset-password#token=`))
      assert.ok(Date.parse(body.reset_link.expires_at) > clock.now())
      // No password works before the link is used.
      assert.equal((await signIn(t.app, email, PASSWORD)).statusCode, 401)
      assert.equal((await signIn(t.app, email, '')).statusCode, 422)
      assert.equal((await confirm(tokenOf(body.reset_link.url))).statusCode, 204)
      const signed = await signIn(t.app, email, NEW_PASSWORD)
      assert.equal(signed.statusCode, 200)
      assert.equal(json<{ user: { email_verified: boolean } }>(signed).user.email_verified, true)

      assert.equal((await post('/api/admin/users', admin, { email })).statusCode, 409)
      assert.equal((await post('/api/admin/users', admin, { email: 'not-an-email' })).statusCode, 422)
      assert.equal(
        (await post('/api/admin/users', admin, { email: uniqueEmail(), role: 'root' })).statusCode,
        422,
      )
      assert.equal((await post('/api/admin/users', userToken, { email: uniqueEmail() })).statusCode, 403)
      const adminMade = json<{ role: string }>(
        await post('/api/admin/users', admin, { email: uniqueEmail('a'), role: 'admin' }),
      )
      assert.equal(adminMade.role, 'admin')
    })

    it('reset-link: 200 {url, expires_at}, audited and in the user’s activity, verifies nothing; the token is stored nowhere', async () => {
      const u = await newUser(t.app)
      const res = await post(`/api/admin/users/${u.userId}/reset-link`, admin)
      assert.equal(res.statusCode, 200, res.body)
      const link = json<{ url: string; expires_at: string }>(res)
      assert.deepEqual(Object.keys(link).sort(), ['expires_at', 'url'])
      assert.ok(link.url.startsWith(`${PUBLIC_URL}/reset-password#token=`))
      const token = tokenOf(link.url)
      assert.equal(Date.parse(link.expires_at), clock.now() + 30 * 60_000)

      const activity = json<{ events: { type: string }[] }>(
        await t.app.inject({ method: 'GET', url: '/api/auth/activity', headers: bearerHeader(u.token) }),
      )
      assert.ok(activity.events.some((e) => e.type === 'reset_link_created'))

      assert.equal((await confirm(token)).statusCode, 204)
      const signed = await signIn(t.app, u.email, NEW_PASSWORD)
      assert.equal(json<{ user: { email_verified: boolean } }>(signed).user.email_verified, false)

      // The raw token is in no table: not in the audit log, not in the tokens table.
      for (const table of ['audit_events', 'email_tokens', 'mail_outbox']) {
        const rows = await t.tdb.db.query(`select * from ${table}`)
        assert.ok(!JSON.stringify(rows).includes(token), `${table} holds the token`)
      }
      const events = await t.tdb.db.query<{ type: string; actor_id: string; subject_id: string }>(
        "select type, actor_id, subject_id from audit_events where type in ('reset_link_created', 'user_created', 'password_reset')",
      )
      assert.ok(
        events.some(
          (e) => e.type === 'reset_link_created' && e.subject_id === u.userId && e.actor_id !== null,
        ),
      )
      assert.ok(events.some((e) => e.type === 'password_reset' && e.subject_id === u.userId))
      assert.ok(events.some((e) => e.type === 'user_created'))

      assert.equal(
        (await post('/api/admin/users/0190a8f0-0000-7000-8000-00000000abcd/reset-link', admin)).statusCode,
        404,
      )
      assert.equal((await post(`/api/admin/users/${u.userId}/reset-link`, userToken)).statusCode, 403)
    })

    it('verify: 204 and the user is verified', async () => {
      const u = await newUser(t.app)
      assert.equal((await post(`/api/admin/users/${u.userId}/verify`, admin)).statusCode, 204)
      const me = json<{ user: { email_verified: boolean } }>(
        await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearerHeader(u.token) }),
      )
      assert.equal(me.user.email_verified, true)
    })
  })

  describe(`admin links without PUBLIC_URL [${kind}]`, () => {
    let t: TestApp
    let admin: string
    before(async () => {
      t = await buildTestApp(kind, {})
      admin = (
        await createUserWithSession(t.tdb.db, testConfig(), {
          email: `adm2-${kind}@example.com`,
          role: 'admin',
        })
      ).token
    })
    after(() => t.close())

    it('refuses with a clear 503 and creates nothing', async () => {
      const email = uniqueEmail('nolink')
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/admin/users',
        headers: bearerHeader(admin),
        payload: { email },
      })
      assert.equal(res.statusCode, 503)
      assert.match(json<{ detail: string }>(res).detail, /PUBLIC_URL/)
      const rows = await t.tdb.db.query('select id from users where email = $1', [email])
      assert.equal(rows.length, 0)
    })
  })

  describe(`admin MFA-off with email on [${kind}]`, () => {
    const t = emailSuite(kind)
    const { clock, smtp } = t

    it('the user is told by email', async () => {
      const env = emailEnv(smtp)
      const admin = (
        await createUserWithSession(t.tdb.db, testConfig(env), {
          email: `adm3-${kind}@example.com`,
          role: 'admin',
          clock,
        })
      ).token
      const u = await newUser(t.app)
      const h = bearerHeader(u.token)
      const setup = json<{ secret: string }>(
        await t.app.inject({
          method: 'POST',
          url: '/api/auth/mfa/totp/setup',
          headers: h,
          payload: { password: PASSWORD },
        }),
      )
      await t.app.inject({
        method: 'POST',
        url: '/api/auth/mfa/totp/enable',
        headers: h,
        payload: { code: totpAt(setup.secret, clock.now()) },
      })
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/admin/users/${u.userId}/mfa/disable`,
        headers: bearerHeader(admin),
      })
      assert.equal(res.statusCode, 204)
      await smtp.waitFor((m) => m.to.includes(u.email) && m.subject === 'Two-factor sign-in turned off')
    })
  })
}
