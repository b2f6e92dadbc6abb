// The rules of one-time links (docs/api.md §12): a bad, used, expired, voided (by a newer one),
// other-purpose or other-address token is 422 invalid_token; password reset answers the same 202
// for any address in about the same time, mails at most 3 an hour per address (a 4th is a silent
// 202), and without SMTP_URL the email-only routes are 503 email_unavailable.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { deleteDeadTokens } from '../../src/db/queries/email-tokens.js'
import { deleteFinishedMails } from '../../src/db/queries/mail-outbox.js'
import { FakeClock } from '../../src/lib/clock.js'
import { buildTestApp, json, type TestApp } from '../helpers/app.js'
import { bearerHeader, newUser, PASSWORD, uniqueEmail } from '../helpers/auth.js'
import { dbKinds } from '../helpers/db.js'
import { buildEmailApp, emailEnv, emailSuite } from '../helpers/email-app.js'
import { linkToken } from '../helpers/smtp-server.js'

const NEW_PASSWORD = 'amber-quarry-whistle-77'
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number

for (const kind of dbKinds()) {
  describe(`email tokens [${kind}]`, () => {
    const t = emailSuite(kind)
    const { clock, smtp, post } = t
    const mailTo = (to: string, subject: string, n = 1) =>
      smtp.waitFor(() => smtp.to(to).filter((m) => m.subject === subject).length >= n)
    const resetToken = async (email: string, n = 1) => {
      await mailTo(email, 'Reset your password', n)
      return linkToken(
        smtp.to(email).filter((m) => m.subject === 'Reset your password')[n - 1] as never,
        'reset-password',
      )
    }
    const confirm = (token: string) =>
      post('/api/auth/password-reset/confirm', { token, new_password: NEW_PASSWORD })
    /** Asks to move `u` to `next` and returns the token of the confirmation link sent there. */
    const changeEmailToken = async (u: { token: string }, next: string) => {
      const res = await post('/api/auth/change-email', { password: PASSWORD, new_email: next }, u.token)
      assert.equal(res.statusCode, 202, res.body)
      return linkToken(
        (await smtp.waitFor(
          (m) => m.to.includes(next) && m.subject === 'Confirm your new email address',
        )) as never,
        'confirm-email',
      )
    }
    const expectInvalid = (res: { statusCode: number; body: string }) => {
      assert.equal(res.statusCode, 422, res.body)
      assert.equal(json(res as never).code, 'invalid_token')
    }

    it('malformed and unknown tokens are 422 invalid_token', async () => {
      expectInvalid(await confirm('x'))
      expectInvalid(await confirm('A'.repeat(43)))
      expectInvalid(await post('/api/auth/verify-email', { token: 'B'.repeat(43) }))
      expectInvalid(await post('/api/auth/change-email/confirm', { token: 'C'.repeat(43) }))
      assert.equal((await post('/api/auth/verify-email', {})).statusCode, 422)
    })

    it('an expired reset link (30 minutes) is refused', async () => {
      const u = await newUser(t.app)
      await post('/api/auth/password-reset', { email: u.email })
      const token = await resetToken(u.email)
      clock.advance(30 * 60_000 + 1000)
      expectInvalid(await confirm(token))
    })

    it('a newer request voids the older link; a used link is refused', async () => {
      const u = await newUser(t.app)
      await post('/api/auth/password-reset', { email: u.email })
      const older = await resetToken(u.email, 1)
      await post('/api/auth/password-reset', { email: u.email })
      const newer = await resetToken(u.email, 2)
      assert.notEqual(older, newer)
      expectInvalid(await confirm(older))
      assert.equal((await confirm(newer)).statusCode, 204)
      expectInvalid(await confirm(newer))
    })

    it('a completed reset voids the user’s other links; a token is good for its own purpose only', async () => {
      const u = await newUser(t.app)
      const verify = linkToken(
        (await smtp.waitFor(
          (m) => m.to.includes(u.email) && m.subject === 'Confirm your email address',
        )) as never,
        'verify-email',
      )
      // A verification token is no reset token, and the reverse.
      expectInvalid(await confirm(verify))
      await post('/api/auth/password-reset', { email: u.email })
      const reset = await resetToken(u.email)
      expectInvalid(await post('/api/auth/verify-email', { token: reset }))
      expectInvalid(await post('/api/auth/change-email/confirm', { token: reset }))
      assert.equal((await confirm(reset)).statusCode, 204)
      expectInvalid(await post('/api/auth/verify-email', { token: verify }))
    })

    it('a change of password voids the reset and email-change links sent before it', async () => {
      const u = await newUser(t.app)
      await post('/api/auth/password-reset', { email: u.email })
      const reset = await resetToken(u.email)
      const change = await changeEmailToken(u, uniqueEmail('moved'))
      const changed = await post(
        '/api/auth/change-password',
        { current_password: PASSWORD, new_password: 'a fresh long password 5' },
        u.token,
      )
      assert.equal(changed.statusCode, 204, changed.body)
      expectInvalid(await confirm(reset))
      expectInvalid(await post('/api/auth/change-email/confirm', { token: change }))
      // The new password stands and the address is unchanged.
      const signIn = await post('/api/auth/sign-in', { email: u.email, password: 'a fresh long password 5' })
      assert.equal(signIn.statusCode, 200, signIn.body)
    })

    it('a link made for an address the user no longer has is refused (bound to user and address)', async () => {
      const u = await newUser(t.app)
      await post('/api/auth/password-reset', { email: u.email })
      const reset = await resetToken(u.email)
      const change = await changeEmailToken(u, uniqueEmail('next'))
      assert.equal((await post('/api/auth/change-email/confirm', { token: change })).statusCode, 204)
      expectInvalid(await confirm(reset))
    })

    it('at most 3 reset mails per address an hour: the 4th request is still a silent 202', async () => {
      const u = await newUser(t.app)
      for (let i = 0; i < 4; i++) {
        const res = await post('/api/auth/password-reset', { email: u.email })
        assert.equal(res.statusCode, 202)
        assert.equal(res.body, '{}')
      }
      await mailTo(u.email, 'Reset your password', 3)
      // Give the worker time to send a 4th if one had been queued.
      await new Promise((r) => setTimeout(r, 500))
      assert.equal(smtp.to(u.email).filter((m) => m.subject === 'Reset your password').length, 3)
      clock.advance(61 * 60_000)
      assert.equal((await post('/api/auth/password-reset', { email: u.email })).statusCode, 202)
      await mailTo(u.email, 'Reset your password', 4)
    })
    it('the sweep deletes expired and long-used tokens and month-old delivered mails, nothing live', async () => {
      const u = await newUser(t.app)
      await post('/api/auth/password-reset', { email: u.email })
      const live = await resetToken(u.email)
      await smtp.waitFor(() => smtp.to(u.email).length >= 2)
      const db = t.tdb.db
      const count = async (sql: string) => Number((await db.query<{ n: number }>(sql, [u.userId]))[0]?.n)
      const tokensOf = 'select count(*)::int as n from email_tokens where user_id = $1'
      assert.equal(await count(tokensOf), 2) // the verification link and the reset link
      // Nothing is due yet.
      await deleteDeadTokens(db, new Date(clock.now()))
      assert.equal(await count(tokensOf), 2)
      assert.equal(await deleteFinishedMails(db, new Date(clock.now() - 30 * 86_400_000)), 0)
      // 31 minutes on, the reset link has expired (and goes); the 24-hour verification link stays.
      await deleteDeadTokens(db, new Date(clock.now() + 31 * 60_000))
      assert.equal(await count(tokensOf), 1)
      expectInvalid(await confirm(live))
      assert.ok((await deleteFinishedMails(db, new Date(clock.now() + 60_000))) >= 2)
      const left = await db.query<{ n: number }>(
        'select count(*)::int as n from mail_outbox where sent_at is not null and sent_at < $1',
        [new Date(clock.now() + 60_000).toISOString()],
      )
      assert.equal(Number(left[0]?.n), 0)
    })
  })

  // The response's own work, timed with the mail worker paused: delivery happens after the
  // response (tested above), and the SMTP server of these tests runs in this process.
  describe(`password-reset enumeration [${kind}]`, () => {
    const clock = new FakeClock(Date.now())
    let t: TestApp
    before(async () => {
      t = await buildEmailApp(kind, emailEnv(null, { SMTP_URL: 'smtp://127.0.0.1:9' }), { clock })
      await t.app.mailer?.stop()
    })
    after(() => t.close())

    it('an unknown address gets the same 202 {} as a known one, in about the same time', async () => {
      const post = (email: string) =>
        t.app.inject({ method: 'POST', url: '/api/auth/password-reset', payload: { email } })
      const users = []
      for (let i = 0; i < 10; i++) users.push(await newUser(t.app))
      // Warm both paths once.
      await post(uniqueEmail('warm'))
      const known: number[] = []
      const unknown: number[] = []
      const bodies = new Set<string>()
      for (const k of users) {
        let t0 = performance.now()
        const a = await post(k.email)
        known.push(performance.now() - t0)
        t0 = performance.now()
        const b = await post(uniqueEmail('nobody'))
        unknown.push(performance.now() - t0)
        assert.equal(a.statusCode, 202)
        assert.equal(b.statusCode, 202)
        bodies.add(a.body).add(b.body)
        assert.equal(a.headers['content-type'], b.headers['content-type'])
      }
      assert.deepEqual([...bodies], ['{}'])
      // The known address did get a mail queued.
      const rows = await t.tdb.db.query<{ n: number }>(
        "select count(*)::int as n from mail_outbox where subject = 'Reset your password'",
      )
      assert.equal(Number(rows[0]?.n), users.length)
      const diff = Math.abs(median(known) - median(unknown))
      assert.ok(diff < 25, `known ${median(known).toFixed(1)} ms vs unknown ${median(unknown).toFixed(1)} ms`)
    })
  })

  describe(`without SMTP_URL [${kind}]`, () => {
    let t: TestApp
    before(async () => {
      t = await buildTestApp(kind, { RATE_LIMIT_AUTH: '1000/minute' })
    })
    after(() => t.close())

    it('options say no email; email-only routes are 503 email_unavailable', async () => {
      const options = await t.app.inject({ method: 'GET', url: '/api/auth/options' })
      assert.deepEqual(json(options), {
        signup: 'open',
        email: false,
        email_verification: 'off',
        password_reset: false,
      })
      const u = await newUser(t.app)
      // Each detail says what is unavailable there: a reset link is the way out only for a reset.
      for (const [url, payload, token, detail] of [
        ['/api/auth/password-reset', { email: u.email }, undefined, /reset link/],
        ['/api/auth/password-reset', { email: uniqueEmail('nobody') }, undefined, /reset link/],
        ['/api/auth/verify-email/resend', {}, u.token, /verification link/],
        [
          '/api/auth/change-email',
          { password: PASSWORD, new_email: uniqueEmail('n') },
          u.token,
          /new address/,
        ],
      ] as const) {
        const res = await t.app.inject({
          method: 'POST',
          url,
          payload,
          headers: token ? bearerHeader(token) : {},
        })
        assert.equal(res.statusCode, 503, `${url}: ${res.body}`)
        assert.equal(json(res).code, 'email_unavailable')
        assert.match(json<{ detail: string }>(res).detail, detail, url)
        assert.doesNotMatch(
          json<{ detail: string }>(res).detail,
          url.includes('reset') ? /^$/ : /reset link/,
          url,
        )
      }
      // Nothing is queued when email is off.
      const rows = await t.tdb.db.query<{ n: number }>('select count(*)::int as n from mail_outbox')
      assert.equal(Number(rows[0]?.n), 0)
    })
  })
}
