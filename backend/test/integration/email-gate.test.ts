// EMAIL_VERIFICATION=required (docs/api.md §12): an unverified user may sign in, read `me`, verify,
// re-send, change their email, list and revoke sessions, sign out (one or all) and delete the
// account; everything else — any other route, respelled or not, API or /v1 — is 403
// email_unverified, decided on the route the router matched. Verified users pass.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { FakeClock } from '../../src/lib/clock.js'
import { json, type TestApp } from '../helpers/app.js'
import { bearerHeader, newUser, PASSWORD, signIn, uniqueEmail } from '../helpers/auth.js'
import { dbKinds } from '../helpers/db.js'
import { buildEmailApp, emailEnv } from '../helpers/email-app.js'
import { linkToken, TestSmtpServer } from '../helpers/smtp-server.js'

for (const kind of dbKinds()) {
  describe(`EMAIL_VERIFICATION=required [${kind}]`, () => {
    const clock = new FakeClock(Date.now())
    const smtp = new TestSmtpServer()
    let t: TestApp

    before(async () => {
      await smtp.start()
      t = await buildEmailApp(kind, emailEnv(smtp, { EMAIL_VERIFICATION: 'required' }), { clock })
    })
    after(async () => {
      await t.close()
      await smtp.stop()
    })

    const call = (method: string, url: string, token: string, payload?: unknown) =>
      t.app.inject({
        method: method as 'GET',
        url,
        headers: bearerHeader(token),
        ...(payload !== undefined ? { payload: payload as object } : {}),
      })

    it('options report it', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/auth/options' })
      assert.equal(json(res).email_verification, 'required')
    })

    it('an unverified user reaches only the allowed routes; the rest is 403 email_unverified', async () => {
      const u = await newUser(t.app)
      assert.equal((await signIn(t.app, u.email, PASSWORD)).statusCode, 200)
      const allowed: [string, string, unknown?][] = [
        ['GET', '/api/auth/me'],
        ['GET', '/api/auth/sessions'],
        ['POST', '/api/auth/verify-email/resend', {}],
        ['POST', '/api/auth/change-email', { password: 'wrong-password-9', new_email: uniqueEmail('n') }],
      ]
      for (const [method, url, payload] of allowed) {
        const res = await call(method, url, u.token, payload)
        assert.notEqual(res.statusCode, 403, `${method} ${url}: ${res.body}`)
        assert.ok(res.statusCode < 500, `${method} ${url}: ${res.body}`)
      }
      const refused: [string, string, unknown?][] = [
        ['GET', '/api/documents'],
        ['GET', '/%61pi/documents'],
        ['GET', '/api/spaces'],
        ['GET', '/api/auth/activity'],
        ['GET', '/api/auth/api-keys'],
        ['POST', '/api/auth/api-keys', { password: PASSWORD, name: 'k' }],
        ['POST', '/api/auth/mfa/totp/setup', { password: PASSWORD }],
        [
          'POST',
          '/api/auth/change-password',
          { current_password: PASSWORD, new_password: 'amber-quarry-77' },
        ],
        ['POST', '/api/chat/message', { message: 'hello' }],
        ['GET', '/v1/models'],
        ['GET', '/api/admin/users'],
      ]
      for (const [method, url, payload] of refused) {
        const res = await call(method, url, u.token, payload)
        assert.equal(res.statusCode, 403, `${method} ${url}: ${res.body}`)
        const body = json<{ code?: string; error?: { code: string } }>(res)
        assert.equal(body.code ?? body.error?.code, 'email_unverified', `${method} ${url}`)
      }
      // A path that matched no route is no route to refuse: 404, as for any signed-in caller (§3),
      // respelled or not, /api or /v1.
      for (const url of ['/api/no-such-route', '/%61pi/no-such-route', '/v1/no-such-route']) {
        const res = await call('GET', url, u.token)
        assert.equal(res.statusCode, 404, `GET ${url}: ${res.body}`)
        const body = json<{ code?: string; error?: { code: string } }>(res)
        assert.equal(body.code ?? body.error?.code, 'not_found', `GET ${url}`)
      }
      // A respelling of a refused route either reaches that route (and its refusal) or no route at
      // all: never its data.
      for (const url of [
        '//api/documents',
        '/api/documents/',
        '/API/documents',
        '/api/./documents',
        '/api/documents;x',
      ]) {
        const res = await call('GET', url, u.token)
        assert.ok([403, 404].includes(res.statusCode), `GET ${url}: ${res.statusCode} ${res.body}`)
        assert.doesNotMatch(res.body, /"documents"/, `GET ${url}`)
      }
      // Sessions: revoke one, sign out everywhere, sign out.
      const other = json<{ session: { token: string } }>(await signIn(t.app, u.email, PASSWORD)).session.token
      const list = json<{ sessions: { id: string; current: boolean }[] }>(
        await call('GET', '/api/auth/sessions', other),
      )
      const notCurrent = list.sessions.find((s) => !s.current) as { id: string }
      assert.equal((await call('DELETE', `/api/auth/sessions/${notCurrent.id}`, other)).statusCode, 204)
      assert.equal((await call('POST', '/api/auth/sign-out-all', other)).statusCode, 204)
    })

    it('after following the link, the same user passes', async () => {
      const u = await newUser(t.app)
      assert.equal((await call('GET', '/api/documents', u.token)).statusCode, 403)
      const mail = await smtp.waitFor(
        (m) => m.to.includes(u.email) && m.subject === 'Confirm your email address',
      )
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/verify-email',
        payload: { token: linkToken(mail, 'verify-email') },
      })
      assert.equal(res.statusCode, 204)
      assert.equal((await call('GET', '/api/documents', u.token)).statusCode, 200)
      assert.equal((await call('GET', '/api/auth/activity', u.token)).statusCode, 200)
    })

    it('an unverified user may delete their account', async () => {
      const u = await newUser(t.app)
      const res = await call('DELETE', '/api/auth/account', u.token, { password: PASSWORD })
      assert.equal(res.statusCode, 204, res.body)
    })
  })
}
