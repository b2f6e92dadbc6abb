import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { FakeClock } from '../../src/lib/clock.js'
import { buildTestApp, json, type TestApp } from '../helpers/app.js'
import {
  bearerHeader,
  cookieAttributes,
  cookieHeader,
  newUser,
  PASSWORD,
  sessionSetCookie,
  signIn,
  uniqueEmail,
} from '../helpers/auth.js'
import { createTestDatabase, dbKinds, type TestDatabase } from '../helpers/db.js'

const DAY = 86_400_000

interface SessionItem {
  id: string
  created_at: string
  expires_at: string
  last_used_at: string
  ip_address: string | null
  user_agent: string | null
  current: boolean
}

for (const kind of dbKinds()) {
  describe(`auth sessions [${kind}]`, () => {
    let tdb: TestDatabase
    let t: TestApp
    const clock = new FakeClock()
    before(async () => {
      tdb = await createTestDatabase(kind)
      t = await buildTestApp(kind, { RATE_LIMIT_AUTH: '1000/minute' }, { clock, tdb })
    })
    after(async () => {
      await t.close()
      await tdb.cleanup()
    })

    const get = (url: string, headers: Record<string, string>) => t.app.inject({ url, headers })
    const post = (url: string, headers: Record<string, string>, payload?: object) =>
      t.app.inject({ method: 'POST', url, headers, ...(payload ? { payload } : {}) })

    it('dev cookie: HttpOnly, SameSite=Lax, Path=/, Max-Age = idle lifetime, no Secure', async () => {
      const res = await signIn(t.app, (await newUser(t.app)).email, PASSWORD)
      assert.equal(res.statusCode, 200)
      const header = sessionSetCookie(res) as string
      const a = cookieAttributes(header)
      assert.equal(a.path, '/')
      assert.equal(a.httponly, true)
      assert.equal(a.samesite, 'Lax')
      assert.equal(a['max-age'], String(7 * 86_400))
      assert.equal(a.secure, undefined)
      assert.equal(a.partitioned, undefined)
      const body = json<{ session: { token: string; expires_at: string } }>(res)
      assert.equal(a.value, body.session.token)
      assert.equal(body.session.expires_at, new Date(clock.now() + 7 * DAY).toISOString())
    })

    it('sign-in creates a new session every time and returns the register shape', async () => {
      const u = await newUser(t.app)
      const a = await signIn(t.app, u.email.toUpperCase(), PASSWORD)
      const b = await signIn(t.app, ` ${u.email} `, PASSWORD)
      assert.equal(a.statusCode, 200)
      const ba = json<{ user: { id: string; email: string }; session: { token: string } }>(a)
      const bb = json<{ session: { token: string } }>(b)
      assert.equal(ba.user.id, u.userId)
      assert.equal(ba.user.email, u.email)
      assert.notEqual(ba.session.token, bb.session.token)
      assert.notEqual(ba.session.token, u.token)
      const list = json<{ sessions: SessionItem[] }>(await get('/api/auth/sessions', bearerHeader(u.token)))
      assert.equal(list.sessions.length, 3)
    })

    it('unknown email and wrong password give byte-identical 401 bodies', async () => {
      const u = await newUser(t.app)
      const t0 = performance.now()
      const unknown = await signIn(t.app, uniqueEmail('nobody'), PASSWORD)
      const unknownMs = performance.now() - t0
      const wrong = await signIn(t.app, u.email, 'wrong-password-123')
      assert.equal(unknown.statusCode, 401)
      assert.equal(wrong.statusCode, 401)
      assert.equal(unknown.body, wrong.body)
      assert.deepEqual(json(unknown), { detail: 'Invalid email or password', code: 'invalid_credentials' })
      assert.equal(unknown.headers['www-authenticate'], 'Bearer')
      assert.equal(sessionSetCookie(unknown), undefined)
      // The unknown email was verified against a dummy argon2id hash (19 MiB, t=2: never ~0 ms).
      assert.ok(unknownMs > 5, `unknown email answered in ${unknownMs} ms`)
    })

    it('me: user and session; Bearer works like the cookie', async () => {
      const u = await newUser(t.app)
      for (const headers of [cookieHeader(u.token), bearerHeader(u.token)]) {
        const res = await get('/api/auth/me', headers)
        assert.equal(res.statusCode, 200)
        const body = json<{ user: Record<string, unknown>; session: Record<string, unknown> }>(res)
        assert.equal(body.user.id, u.userId)
        assert.deepEqual(Object.keys(body.session).sort(), ['created_at', 'expires_at', 'id'])
      }
      const none = await get('/api/auth/me', {})
      assert.equal(none.statusCode, 401)
      assert.equal(json(none).code, 'auth_required')
      const bad = await get('/api/auth/me', bearerHeader('x'.repeat(43)))
      assert.equal(json(bad).code, 'invalid_session')
    })

    it('sessions list: fields, current flag, client IP and truncated user agent', async () => {
      const u = await newUser(t.app)
      const other = await signIn(t.app, u.email, PASSWORD, { 'user-agent': `Agent/${'x'.repeat(400)}` })
      const res = await get('/api/auth/sessions', cookieHeader(u.token))
      assert.equal(res.statusCode, 200)
      const { sessions } = json<{ sessions: SessionItem[] }>(res)
      assert.equal(sessions.length, 2)
      for (const s of sessions) {
        assert.deepEqual(Object.keys(s).sort(), [
          'created_at',
          'current',
          'expires_at',
          'id',
          'ip_address',
          'last_used_at',
          'user_agent',
        ])
        assert.equal(s.ip_address, '127.0.0.1')
      }
      assert.equal(sessions.filter((s) => s.current).length, 1)
      const otherId = json<{ session: { id: string } }>(
        await get('/api/auth/me', bearerHeader(json<{ session: { token: string } }>(other).session.token)),
      ).session.id
      const o = sessions.find((s) => s.id === otherId) as SessionItem
      assert.equal(o.current, false)
      assert.equal(o.user_agent?.length, 255)
      assert.ok(o.user_agent?.startsWith('Agent/xxx'))
    })

    it('sign-out revokes server-side at once, clears the cookie, and is idempotent', async () => {
      const u = await newUser(t.app)
      const res = await post('/api/auth/sign-out', cookieHeader(u.token))
      assert.equal(res.statusCode, 204)
      assert.equal(res.body, '')
      const cleared = cookieAttributes(sessionSetCookie(res) as string)
      assert.equal(cleared.value, '')
      assert.equal(cleared['max-age'], '0')
      assert.equal(cleared.path, '/')
      const after = await get('/api/auth/me', cookieHeader(u.token))
      assert.equal(after.statusCode, 401)
      assert.equal(json(after).code, 'invalid_session')
      assert.equal((await post('/api/auth/sign-out', cookieHeader(u.token))).statusCode, 204)
      assert.equal((await post('/api/auth/sign-out', {})).statusCode, 204)
      // A Bearer sign-out revokes that session too.
      const b = await newUser(t.app)
      assert.equal((await post('/api/auth/sign-out', bearerHeader(b.token))).statusCode, 204)
      assert.equal((await get('/api/auth/me', bearerHeader(b.token))).statusCode, 401)
    })

    it('sign-out-all revokes every session of the user and no one else’s', async () => {
      const u = await newUser(t.app)
      const second = json<{ session: { token: string } }>(await signIn(t.app, u.email, PASSWORD)).session
        .token
      const bystander = await newUser(t.app)
      const res = await post('/api/auth/sign-out-all', cookieHeader(u.token))
      assert.equal(res.statusCode, 204)
      assert.equal(cookieAttributes(sessionSetCookie(res) as string)['max-age'], '0')
      for (const token of [u.token, second]) {
        const r = await get('/api/auth/me', bearerHeader(token))
        assert.equal(r.statusCode, 401)
        assert.equal(json(r).code, 'invalid_session')
      }
      assert.equal((await get('/api/auth/me', bearerHeader(bystander.token))).statusCode, 200)
      assert.equal((await post('/api/auth/sign-out-all', {})).statusCode, 401)
    })

    it('DELETE /sessions/{id}: own → 204 and revoked; another user’s or malformed → 404', async () => {
      const u = await newUser(t.app)
      const second = json<{ session: { token: string } }>(await signIn(t.app, u.email, PASSWORD)).session
        .token
      const secondId = json<{ session: { id: string } }>(await get('/api/auth/me', bearerHeader(second)))
        .session.id
      const mallory = await newUser(t.app)
      const del = (id: string, token: string) =>
        t.app.inject({ method: 'DELETE', url: `/api/auth/sessions/${id}`, headers: bearerHeader(token) })
      const foreign = await del(secondId, mallory.token)
      assert.equal(foreign.statusCode, 404)
      assert.equal(json(foreign).code, 'not_found')
      assert.equal((await get('/api/auth/me', bearerHeader(second))).statusCode, 200)
      assert.equal((await del('not-a-uuid', u.token)).statusCode, 404)
      assert.equal((await del(`urn:uuid:${secondId}`, u.token)).statusCode, 404)
      assert.equal((await del('0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', u.token)).statusCode, 404)
      assert.equal((await del(secondId, u.token)).statusCode, 204)
      assert.equal((await get('/api/auth/me', bearerHeader(second))).statusCode, 401)
      assert.equal((await del(secondId, u.token)).statusCode, 404)
      assert.equal((await get('/api/auth/me', bearerHeader(u.token))).statusCode, 200)
    })

    it('change-password keeps this session, revokes the others, swaps the password', async () => {
      const u = await newUser(t.app)
      const other = json<{ session: { token: string } }>(await signIn(t.app, u.email, PASSWORD)).session.token
      const change = (body: object) => post('/api/auth/change-password', cookieHeader(u.token), body)
      const wrong = await change({ current_password: 'not-my-password', new_password: 'brand-new-secret-9' })
      assert.equal(wrong.statusCode, 422)
      assert.equal(json(wrong).code, 'invalid_current_password')
      const weak = await change({ current_password: PASSWORD, new_password: 'password123' })
      assert.equal(json(weak).code, 'weak_password')
      const short = await change({ current_password: PASSWORD, new_password: 'short' })
      assert.equal(json(short).code, 'validation_error')
      const ok = await change({ current_password: PASSWORD, new_password: 'brand-new-secret-9' })
      assert.equal(ok.statusCode, 204)
      assert.equal((await get('/api/auth/me', cookieHeader(u.token))).statusCode, 200)
      assert.equal(json(await get('/api/auth/me', bearerHeader(other))).code, 'invalid_session')
      assert.equal((await signIn(t.app, u.email, PASSWORD)).statusCode, 401)
      assert.equal((await signIn(t.app, u.email, 'brand-new-secret-9')).statusCode, 200)
    })

    it('idle expiry: unused for SESSION_TTL_DAYS → 401 invalid_session', async () => {
      const u = await newUser(t.app)
      clock.advance(7 * DAY - 1000)
      assert.equal((await get('/api/auth/me', bearerHeader(u.token))).statusCode, 200)
      const fresh = await newUser(t.app)
      clock.advance(7 * DAY)
      const res = await get('/api/auth/me', bearerHeader(fresh.token))
      assert.equal(res.statusCode, 401)
      assert.equal(json(res).code, 'invalid_session')
    })

    it('sliding renewal re-sends the cookie; absolute cap ends even an active session', async () => {
      const u = await newUser(t.app)
      // More than half of the idle lifetime left: no renewal, no cookie.
      clock.advance(3 * DAY)
      const early = await get('/api/auth/me', cookieHeader(u.token))
      assert.equal(sessionSetCookie(early), undefined)
      // Less than half left: extended to a full idle lifetime, cookie re-sent in step.
      clock.advance(1 * DAY)
      const renewed = await get('/api/auth/me', cookieHeader(u.token))
      const attrs = cookieAttributes(sessionSetCookie(renewed) as string)
      assert.equal(attrs.value, u.token)
      assert.equal(attrs['max-age'], String(7 * 86_400))
      assert.equal(
        json<{ session: { expires_at: string } }>(renewed).session.expires_at,
        new Date(clock.now() + 7 * DAY).toISOString(),
      )
      // Used every 4 days it lives on, but never past 30 days from sign-in.
      for (let day = 4; day < 28; day += 4) {
        clock.advance(4 * DAY)
        assert.equal((await get('/api/auth/me', cookieHeader(u.token))).statusCode, 200, `day ${day + 4}`)
      }
      // Day 28: renewal is clamped to the absolute cap (2 days left).
      assert.equal(
        json<{ session: { expires_at: string } }>(await get('/api/auth/me', cookieHeader(u.token))).session
          .expires_at,
        new Date(clock.now() + 2 * DAY).toISOString(),
      )
      clock.advance(2 * DAY)
      const capped = await get('/api/auth/me', cookieHeader(u.token))
      assert.equal(capped.statusCode, 401)
      assert.equal(json(capped).code, 'invalid_session')
    })

    it('last_used_at is written at most once a minute', async () => {
      const u = await newUser(t.app)
      const lastUsed = async () =>
        json<{ sessions: SessionItem[] }>(await get('/api/auth/sessions', bearerHeader(u.token))).sessions[0]
          ?.last_used_at
      const first = await lastUsed()
      clock.advance(30_000)
      assert.equal(await lastUsed(), first)
      clock.advance(31_000)
      await get('/api/auth/me', bearerHeader(u.token))
      assert.equal(await lastUsed(), new Date(clock.now()).toISOString())
    })
  })

  describe(`auth cookies and client IP in production settings [${kind}]`, () => {
    it('Secure, SameSite=None, Partitioned; ip_address is the X-Forwarded-For client', async () => {
      const t = await buildTestApp(kind, {
        NODE_ENV: 'production',
        COOKIE_SAMESITE: 'none',
        COOKIE_PARTITIONED: 'true',
        TRUST_PROXY: '1',
        SECRET_KEY: 'a-long-enough-random-secret-key',
      })
      try {
        const email = uniqueEmail()
        await t.app.inject({
          method: 'POST',
          url: '/api/auth/register',
          payload: { email, password: PASSWORD },
        })
        const res = await signIn(t.app, email, PASSWORD, { 'x-forwarded-for': '203.0.113.7' })
        const header = sessionSetCookie(res) as string
        const a = cookieAttributes(header)
        assert.equal(a.secure, true)
        assert.equal(a.samesite, 'None')
        assert.equal(a.partitioned, true)
        assert.equal(a.httponly, true)
        assert.equal(a.path, '/')
        // Real clock here: a millisecond may pass between creating the session and the cookie.
        assert.ok(Math.abs(Number(a['max-age']) - 7 * 86_400) <= 1, String(a['max-age']))
        const token = json<{ session: { token: string } }>(res).session.token
        const list = json<{ sessions: SessionItem[] }>(
          await t.app.inject({ url: '/api/auth/sessions', headers: bearerHeader(token) }),
        )
        assert.equal(list.sessions.find((s) => s.current)?.ip_address, '203.0.113.7')
        const out = await t.app.inject({
          method: 'POST',
          url: '/api/auth/sign-out',
          headers: bearerHeader(token),
        })
        const cleared = cookieAttributes(sessionSetCookie(out) as string)
        assert.equal(cleared['max-age'], '0')
        assert.equal(cleared.secure, true)
        assert.equal(cleared.partitioned, true)
      } finally {
        await t.close()
      }
    })

    it('Partitioned forces Secure, as SameSite=None does (browsers drop a Partitioned cookie without it)', async () => {
      const t = await buildTestApp(kind, { COOKIE_PARTITIONED: 'true', COOKIE_SECURE: 'false' })
      try {
        const u = await newUser(t.app)
        const a = cookieAttributes(sessionSetCookie(await signIn(t.app, u.email, PASSWORD)) as string)
        assert.equal(a.partitioned, true)
        assert.equal(a.secure, true)
        assert.equal(a.samesite, 'Lax')
      } finally {
        await t.close()
      }
    })

    it('without TRUST_PROXY, X-Forwarded-For is ignored', async () => {
      const t = await buildTestApp(kind)
      try {
        const u = await newUser(t.app)
        const res = await signIn(t.app, u.email, PASSWORD, { 'x-forwarded-for': '203.0.113.7' })
        const token = json<{ session: { token: string } }>(res).session.token
        const list = json<{ sessions: SessionItem[] }>(
          await t.app.inject({ url: '/api/auth/sessions', headers: bearerHeader(token) }),
        )
        assert.equal(list.sessions.find((s) => s.current)?.ip_address, '127.0.0.1')
      } finally {
        await t.close()
      }
    })
  })
}
