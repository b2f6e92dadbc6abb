// Email end to end (docs/api.md §12) with a real SMTP server on loopback: the app sends through
// nodemailer, the test reads the delivered message, takes the link out of it and follows it —
// verification at registration, password reset, change of email — and checks the notices.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { json } from '../helpers/app.js'
import { bearerHeader, newUser, PASSWORD, signIn, uniqueEmail } from '../helpers/auth.js'
import { dbKinds } from '../helpers/db.js'
import { emailSuite, PUBLIC_URL } from '../helpers/email-app.js'
import { linkToken } from '../helpers/smtp-server.js'
import { totpAt } from '../helpers/totp.js'

const NEW_PASSWORD = 'amber-quarry-whistle-77'

for (const kind of dbKinds()) {
  describe(`email flows [${kind}]`, () => {
    const t = emailSuite(kind)
    const { clock, smtp, post } = t
    const me = async (token: string) => {
      const res = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearerHeader(token) })
      return {
        status: res.statusCode,
        user: res.statusCode === 200 ? json<{ user: Record<string, unknown> }>(res).user : null,
      }
    }
    const mailTo = (to: string, subject: string) =>
      smtp.waitFor((m) => m.to.includes(to) && m.subject === subject)

    it('GET /api/auth/options says what the UI may offer', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/auth/options' })
      assert.equal(res.statusCode, 200)
      assert.deepEqual(json(res), {
        signup: 'open',
        email: true,
        email_verification: 'off',
        password_reset: true,
      })
    })

    it('registering mails a verification link (token in the fragment); it verifies once', async () => {
      const u = await newUser(t.app)
      const mail = await mailTo(u.email, 'Confirm your email address')
      // MAIL_FROM is the envelope sender.
      assert.equal(mail.from, 'no-reply@docs.example.test')
      assert.match(
        mail.text,
        new RegExp(`${PUBLIC_URL.replace(/\./g, '\\.')}/verify-email#token=[A-Za-z0-9_-]{43}`),
      )
      assert.match(mail.html, /<a href="https:\/\/docs\.example\.test\/verify-email#token=/)
      const token = linkToken(mail, 'verify-email')
      assert.equal((await me(u.token)).user?.email_verified, false)
      const ok = await post('/api/auth/verify-email', { token })
      assert.equal(ok.statusCode, 204, ok.body)
      assert.equal((await me(u.token)).user?.email_verified, true)
      const again = await post('/api/auth/verify-email', { token })
      assert.equal(again.statusCode, 422)
      assert.deepEqual(json(again), {
        detail: 'This link is invalid, used or expired; ask for a new one',
        code: 'invalid_token',
      })
    })

    it('verify-email/resend: 202 and a new mail (voiding the older link), at most 3 an hour, then 429', async () => {
      const u = await newUser(t.app)
      const first = linkToken(await mailTo(u.email, 'Confirm your email address'), 'verify-email')
      for (let i = 0; i < 3; i++) {
        const res = await post('/api/auth/verify-email/resend', {}, u.token)
        assert.equal(res.statusCode, 202, res.body)
        assert.deepEqual(json(res), {})
      }
      await smtp.waitFor(() => smtp.to(u.email).length === 4)
      const fourth = await post('/api/auth/verify-email/resend', {}, u.token)
      assert.equal(fourth.statusCode, 429)
      assert.equal(json(fourth).code, 'rate_limited')
      assert.ok(Number(fourth.headers['retry-after']) > 0)
      // §6: the refusal's own limit in RateLimit-*, not the global one's spare requests.
      assert.equal(fourth.headers['ratelimit-limit'], '3')
      assert.equal(fourth.headers['ratelimit-remaining'], '0')
      assert.equal(fourth.headers['ratelimit-reset'], fourth.headers['retry-after'])
      // The first link was voided by the newer ones; the newest works.
      assert.equal((await post('/api/auth/verify-email', { token: first })).statusCode, 422)
      const newest = linkToken(smtp.to(u.email).at(-1) as never, 'verify-email')
      assert.equal((await post('/api/auth/verify-email', { token: newest })).statusCode, 204)
    })

    it('password reset: mail, new password; every session and API key revoked, lockout cleared, notice sent, email verified', async () => {
      const u = await newUser(t.app)
      const key = json<{ key: string }>(
        await post('/api/auth/api-keys', { password: PASSWORD, name: 'ci' }, u.token),
      ).key
      assert.equal(
        (await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearerHeader(key) })).statusCode,
        200,
      )
      // Five wrong passwords from this client: the sixth try is locked even with the right one.
      for (let i = 0; i < 5; i++)
        assert.equal((await signIn(t.app, u.email, 'wrong-password-1')).statusCode, 401)
      assert.equal((await signIn(t.app, u.email, PASSWORD)).statusCode, 429)

      const res = await post('/api/auth/password-reset', { email: ` ${u.email.toUpperCase()} ` })
      assert.equal(res.statusCode, 202)
      assert.deepEqual(json(res), {})
      const mail = await mailTo(u.email, 'Reset your password')
      const token = linkToken(mail, 'reset-password')
      assert.ok(mail.text.includes(`${PUBLIC_URL}/reset-password#token=${token}`))

      const weak = await post('/api/auth/password-reset/confirm', { token, new_password: 'password' })
      assert.equal(weak.statusCode, 422)
      assert.equal(json(weak).code, 'weak_password')
      const ok = await post('/api/auth/password-reset/confirm', { token, new_password: NEW_PASSWORD })
      assert.equal(ok.statusCode, 204, ok.body)

      assert.equal((await me(u.token)).status, 401)
      assert.equal(
        (await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearerHeader(key) })).statusCode,
        401,
      )
      assert.equal((await signIn(t.app, u.email, PASSWORD)).statusCode, 401)
      const signedIn = await signIn(t.app, u.email, NEW_PASSWORD)
      assert.equal(signedIn.statusCode, 200, signedIn.body)
      // The emailed link proved the address.
      assert.equal(json<{ user: { email_verified: boolean } }>(signedIn).user.email_verified, true)
      await mailTo(u.email, 'Your password was reset')
      assert.equal(
        (await post('/api/auth/password-reset/confirm', { token, new_password: NEW_PASSWORD })).statusCode,
        422,
      )
    })

    it('with MFA on and a verified address, a reset does not bypass the second factor (#21)', async () => {
      const u = await newUser(t.app)
      linkToken(await mailTo(u.email, 'Confirm your email address'), 'verify-email')
      const vtoken = linkToken(smtp.to(u.email).at(-1) as never, 'verify-email')
      assert.equal((await post('/api/auth/verify-email', { token: vtoken })).statusCode, 204)
      const setup = json<{ secret: string }>(
        await post('/api/auth/mfa/totp/setup', { password: PASSWORD }, u.token),
      )
      const enable = await post(
        '/api/auth/mfa/totp/enable',
        { code: totpAt(setup.secret, clock.now()) },
        u.token,
      )
      assert.equal(enable.statusCode, 200, enable.body)
      await mailTo(u.email, 'Two-factor sign-in turned on')

      assert.equal((await post('/api/auth/password-reset', { email: u.email })).statusCode, 202)
      const token = linkToken(await mailTo(u.email, 'Reset your password'), 'reset-password')
      assert.equal(
        (await post('/api/auth/password-reset/confirm', { token, new_password: NEW_PASSWORD })).statusCode,
        204,
      )
      const res = await signIn(t.app, u.email, NEW_PASSWORD)
      assert.equal(res.statusCode, 200)
      const body = json<{ mfa_required?: boolean; session?: unknown }>(res)
      assert.equal(body.mfa_required, true)
      assert.equal(body.session, undefined)
    })

    it('an emailed reset link on an unverified account turns MFA off (whoever set it up never proved the address)', async () => {
      const u = await newUser(t.app)
      const setup = json<{ secret: string }>(
        await post('/api/auth/mfa/totp/setup', { password: PASSWORD }, u.token),
      )
      assert.equal(
        (await post('/api/auth/mfa/totp/enable', { code: totpAt(setup.secret, clock.now()) }, u.token))
          .statusCode,
        200,
      )
      assert.equal((await post('/api/auth/password-reset', { email: u.email })).statusCode, 202)
      const token = linkToken(await mailTo(u.email, 'Reset your password'), 'reset-password')
      assert.equal(
        (await post('/api/auth/password-reset/confirm', { token, new_password: NEW_PASSWORD })).statusCode,
        204,
      )
      const res = await signIn(t.app, u.email, NEW_PASSWORD)
      const body = json<{ user: { email_verified: boolean; mfa_enabled: boolean } }>(res)
      assert.equal(body.user.email_verified, true)
      assert.equal(body.user.mfa_enabled, false)
      // §12: the user is told by email when MFA is turned off, whatever turned it off.
      await mailTo(u.email, 'Two-factor sign-in turned off')
    })

    it('change of email: password re-checked, link to the new address, change made, both addresses told', async () => {
      const u = await newUser(t.app)
      const next = uniqueEmail('moved')
      const wrong = await post(
        '/api/auth/change-email',
        { password: 'not-my-password', new_email: next },
        u.token,
      )
      assert.equal(wrong.statusCode, 422)
      assert.equal(json(wrong).code, 'invalid_current_password')
      const taken = await newUser(t.app)
      assert.equal(
        (await post('/api/auth/change-email', { password: PASSWORD, new_email: taken.email }, u.token))
          .statusCode,
        409,
      )
      const res = await post(
        '/api/auth/change-email',
        { password: PASSWORD, new_email: next.toUpperCase() },
        u.token,
      )
      assert.equal(res.statusCode, 202, res.body)
      const mail = await mailTo(next, 'Confirm your new email address')
      const token = linkToken(mail, 'confirm-email')
      // Nothing changes until the new address confirms.
      assert.equal((await me(u.token)).user?.email, u.email)
      const ok = await post('/api/auth/change-email/confirm', { token })
      assert.equal(ok.statusCode, 204, ok.body)
      const now = (await me(u.token)).user
      assert.equal(now?.email, next)
      assert.equal(now?.email_verified, true)
      assert.equal((await signIn(t.app, next, PASSWORD)).statusCode, 200)
      assert.equal((await signIn(t.app, u.email, PASSWORD)).statusCode, 401)
      await mailTo(u.email, 'Your email address was changed')
      await mailTo(next, 'Your email address was changed')
      assert.equal((await post('/api/auth/change-email/confirm', { token })).statusCode, 422)
      // A verification link made for the old address died with it.
      const oldVerify = linkToken(
        smtp.to(u.email).find((m) => m.subject === 'Confirm your email address') as never,
        'verify-email',
      )
      assert.equal((await post('/api/auth/verify-email', { token: oldVerify })).statusCode, 422)
    })

    it('change-email/confirm answers 409 email_taken when the address was taken meanwhile', async () => {
      const u = await newUser(t.app)
      const next = uniqueEmail('race')
      assert.equal(
        (await post('/api/auth/change-email', { password: PASSWORD, new_email: next }, u.token)).statusCode,
        202,
      )
      const token = linkToken(await mailTo(next, 'Confirm your new email address'), 'confirm-email')
      await newUser(t.app, next)
      const res = await post('/api/auth/change-email/confirm', { token })
      assert.equal(res.statusCode, 409)
      assert.equal(json(res).code, 'email_taken')
      assert.equal((await me(u.token)).user?.email, u.email)
    })

    it('notices: password changed, API key created, MFA turned off', async () => {
      const u = await newUser(t.app)
      assert.equal(
        (
          await post(
            '/api/auth/change-password',
            { current_password: PASSWORD, new_password: NEW_PASSWORD },
            u.token,
          )
        ).statusCode,
        204,
      )
      await mailTo(u.email, 'Your password was changed')
      assert.equal(
        (await post('/api/auth/api-keys', { password: NEW_PASSWORD, name: 'k' }, u.token)).statusCode,
        201,
      )
      const keyMail = await mailTo(u.email, 'A new API key')
      assert.match(keyMail.text, /If this was not you/)
      assert.doesNotMatch(keyMail.text, /rak_/)
      const setup = json<{ secret: string }>(
        await post('/api/auth/mfa/totp/setup', { password: NEW_PASSWORD }, u.token),
      )
      assert.equal(
        (await post('/api/auth/mfa/totp/enable', { code: totpAt(setup.secret, clock.now()) }, u.token))
          .statusCode,
        200,
      )
      clock.advance(60_000)
      const off = await post(
        '/api/auth/mfa/disable',
        { password: NEW_PASSWORD, code: totpAt(setup.secret, clock.now()) },
        u.token,
      )
      assert.equal(off.statusCode, 204, off.body)
      await mailTo(u.email, 'Two-factor sign-in turned off')
    })
  })
}
