// API keys (docs/api.md §11): create (password asked again, shown once, hashed), list, revoke;
// what a key may do by scope, decided on the matched route (respellings included); revocation,
// expiry (fake clock) and the user's deletion take effect on the next request; another user's
// key id is 404; `last_used_at` is written at most once a minute; SECRET_KEY rotation stops keys.
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { eq } from 'drizzle-orm'
import { buildApp } from '../../src/app.js'
import { testConfig } from '../../src/config.js'
import { users } from '../../src/db/schema/index.js'
import { FakeClock } from '../../src/lib/clock.js'
import { buildTestApp, json, type TestApp } from '../helpers/app.js'
import { bearerHeader, cookieHeader, newUser, PASSWORD } from '../helpers/auth.js'
import { dbKinds } from '../helpers/db.js'

interface KeyBody {
  id: string
  name: string
  key?: string
  prefix: string
  scopes: string[]
  created_at: string
  expires_at: string | null
  last_used_at: string | null
}

const MINUTE = 60_000
const DAY = 86_400_000

for (const kind of dbKinds()) {
  describe(`API keys [${kind}]`, () => {
    let t: TestApp
    const clock = new FakeClock(Date.parse('2026-12-01T09:00:00.000Z'))
    const env = { SECRET_KEY: 'k'.repeat(40) }

    before(async () => {
      t = await buildTestApp(kind, env, { clock })
    })
    after(async () => {
      await t?.close()
    })

    const create = (token: string, body: Record<string, unknown>) =>
      t.app.inject({ method: 'POST', url: '/api/auth/api-keys', headers: bearerHeader(token), payload: body })
    const withKey = (
      key: string,
      method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
      url: string,
      payload?: unknown,
    ) =>
      t.app.inject({
        method,
        url,
        headers: bearerHeader(key),
        ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
      })
    async function newKey(
      token: string,
      body: Record<string, unknown> = {},
    ): Promise<KeyBody & { key: string }> {
      const res = await create(token, { password: PASSWORD, name: 'script', ...body })
      assert.equal(res.statusCode, 201, res.body)
      return json(res)
    }

    it('creates a key shown once: rak_ + 43 base64url chars, prefix its first 12, default read, no expiry', async () => {
      const { token } = await newUser(t.app)
      const key = await newKey(token, { name: '  CI job  ' })
      assert.match(key.key, /^rak_[A-Za-z0-9_-]{43}$/)
      assert.equal(key.prefix, key.key.slice(0, 12))
      assert.equal(key.name, 'CI job')
      assert.deepEqual(key.scopes, ['read'])
      assert.equal(key.expires_at, null)
      assert.equal(key.last_used_at, null)
      assert.equal(key.created_at, new Date(clock.now()).toISOString())
      // Stored only as its hash (HMAC with SECRET_KEY, like session tokens): neither the key nor its plain SHA-256.
      const rows = await t.tdb.db.query<{ key_hash: string }>('select key_hash from api_keys where id = $1', [
        key.id,
      ])
      assert.equal(rows.length, 1)
      assert.notEqual(rows[0]?.key_hash, key.key)
      assert.notEqual(rows[0]?.key_hash, createHash('sha256').update(key.key).digest('hex'))
      const list = json<{ api_keys: KeyBody[] }>(
        await t.app.inject({ method: 'GET', url: '/api/auth/api-keys', headers: bearerHeader(token) }),
      )
      assert.deepEqual(
        list.api_keys.map((k) => k.id),
        [key.id],
      )
      assert.equal('key' in (list.api_keys[0] as object), false)
      assert.doesNotMatch(JSON.stringify(list), new RegExp(key.key.slice(12)))
    })

    it('asks for the password: a wrong one is 422 invalid_current_password and creates nothing', async () => {
      const { token } = await newUser(t.app)
      const res = await create(token, { password: 'not-my-password-at-all', name: 'x' })
      assert.equal(res.statusCode, 422)
      assert.equal(json(res).code, 'invalid_current_password')
      const missing = await create(token, { name: 'x' })
      assert.equal(missing.statusCode, 422)
      assert.equal(json(missing).code, 'validation_error')
      const list = await t.app.inject({
        method: 'GET',
        url: '/api/auth/api-keys',
        headers: bearerHeader(token),
      })
      assert.deepEqual(json(list).api_keys, [])
    })

    it('validates name, scopes and expires_in_days', async () => {
      const { token } = await newUser(t.app)
      for (const body of [
        { name: '' },
        { name: '   ' },
        { name: 'n'.repeat(101) },
        { name: 'x', scopes: ['write'] },
        { name: 'x', scopes: ['admin'] },
        { name: 'x', scopes: [] },
        { name: 'x', expires_in_days: 0 },
        { name: 'x', expires_in_days: 366 },
        { name: 'x', expires_in_days: '30' },
      ]) {
        const res = await create(token, { password: PASSWORD, ...body })
        assert.equal(res.statusCode, 422, JSON.stringify(body))
        assert.equal(json(res).code, 'validation_error')
      }
      const rw = await newKey(token, { scopes: ['write', 'read'], expires_in_days: 30 })
      assert.deepEqual(rw.scopes, ['read', 'write'])
      assert.equal(rw.expires_at, new Date(clock.now() + 30 * DAY).toISOString())
    })

    it('GET /api/auth/me with a key: session null, api_key named, never the admin role', async () => {
      const admin = await newUser(t.app)
      await t.tdb.db.orm.update(users).set({ role: 'admin' }).where(eq(users.id, admin.userId))
      const key = await newKey(admin.token, { name: 'admin script', scopes: ['read', 'write'] })
      const me = await withKey(key.key, 'GET', '/api/auth/me')
      assert.equal(me.statusCode, 200)
      const body = json<{ user: { role: string; id: string }; session: null; api_key: unknown }>(me)
      assert.equal(body.user.id, admin.userId)
      assert.equal(body.user.role, 'user')
      assert.equal(body.session, null)
      assert.deepEqual(body.api_key, { id: key.id, name: 'admin script', scopes: ['read', 'write'] })
      // Admin routes: 403 with the key, although the account is an admin.
      assert.equal((await withKey(key.key, 'GET', '/api/admin/feedback')).statusCode, 403)
      const viaSession = await t.app.inject({
        method: 'GET',
        url: '/api/admin/feedback',
        headers: bearerHeader(admin.token),
      })
      assert.equal(viaSession.statusCode, 200)
    })

    it('keys never open account routes (403), and cannot make or list keys', async () => {
      const { token } = await newUser(t.app)
      const key = (await newKey(token, { scopes: ['read', 'write'] })).key
      const refused: Array<[string, string, unknown?]> = [
        ['GET', '/api/auth/sessions'],
        ['GET', '/api/auth/api-keys'],
        ['POST', '/api/auth/api-keys', { password: PASSWORD, name: 'more' }],
        ['POST', '/api/auth/sign-out-all'],
        [
          'POST',
          '/api/auth/change-password',
          { current_password: PASSWORD, new_password: 'another-long-passphrase-9' },
        ],
        ['DELETE', '/api/auth/sessions/00000000-0000-4000-8000-000000000000'],
        ['POST', '/api/auth/sign-out'],
      ]
      for (const [method, url, payload] of refused) {
        const res = await withKey(key, method as 'GET', url, payload)
        assert.equal(res.statusCode, 403, `${method} ${url}`)
        assert.equal(json(res).code, 'forbidden')
      }
      // Respelled paths reach the same routes, so they are refused the same way.
      for (const url of ['/%61pi/auth/sessions', '/api/auth/sessions/', '/api/auth/%73essions']) {
        const res = await withKey(key, 'GET', url)
        assert.equal(res.statusCode, 403, url)
      }
      // The session still works: the key changed nothing.
      assert.equal(
        (await t.app.inject({ method: 'GET', url: '/api/auth/sessions', headers: bearerHeader(token) }))
          .statusCode,
        200,
      )
    })

    it('read keys read and ask; write keys also change documents and conversations', async () => {
      const { token } = await newUser(t.app)
      const read = (await newKey(token)).key
      const write = (await newKey(token, { scopes: ['read', 'write'] })).key
      for (const url of ['/api/documents', '/api/search?q=docker', '/api/chat/conversations']) {
        assert.equal((await withKey(read, 'GET', url)).statusCode, 200, url)
      }
      // Asking is reading: allowed with `read`.
      const asked = await withKey(read, 'POST', '/api/chat/message', { message: 'What port is used?' })
      assert.equal(asked.statusCode, 200, asked.body)
      const conversationId = json<{ conversation_id: string }>(asked).conversation_id
      const rename = { title: 'renamed' }
      const r1 = await withKey(read, 'PATCH', `/api/chat/conversations/${conversationId}`, rename)
      assert.equal(r1.statusCode, 403)
      assert.match(json(r1).detail as string, /write scope/)
      // Decided on the route the router matched: no spelling of the path lets a read key write.
      for (const url of [
        `/%61pi/chat/conversations/${conversationId}`,
        `/api/%63hat/conversations/${conversationId}`,
        `/api/chat/%63onversations/${conversationId}`,
        `//api/chat/conversations/${conversationId}`,
        `/api/chat/conversations/${conversationId}/`,
        `/api/chat/conversations/${conversationId.toUpperCase()}`,
      ]) {
        const res = await withKey(read, 'PATCH', url, rename)
        assert.ok([403, 404].includes(res.statusCode), `${url}: ${res.statusCode} ${res.body}`)
      }
      assert.equal(
        (await withKey(write, 'PATCH', `/api/chat/conversations/${conversationId}`, rename)).statusCode,
        200,
      )
      const missingDoc = '/api/documents/00000000-0000-4000-8000-000000000000'
      assert.equal((await withKey(read, 'DELETE', missingDoc)).statusCode, 403)
      // With `write` the route runs (and its own rules apply: deleting needs the admin role, 403 here).
      assert.notEqual((await withKey(write, 'DELETE', missingDoc)).statusCode, 401)
      assert.equal(
        (await withKey(read, 'DELETE', `/api/chat/conversations/${conversationId}`)).statusCode,
        403,
      )
      assert.equal(
        (await withKey(write, 'DELETE', `/api/chat/conversations/${conversationId}`)).statusCode,
        204,
      )
      // An unknown /api path with a valid key is 404, as with a session.
      assert.equal((await withKey(read, 'GET', '/api/nothing-here')).statusCode, 404)
    })

    it('a key is taken only from Authorization: Bearer, never from the session cookie', async () => {
      const { token } = await newUser(t.app)
      const key = (await newKey(token)).key
      const res = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: cookieHeader(key) })
      assert.equal(res.statusCode, 401)
      assert.equal(json(res).code, 'invalid_session')
    })

    it("revocation takes effect on the next request; another user's key id is 404", async () => {
      const alice = await newUser(t.app)
      const bob = await newUser(t.app)
      const key = await newKey(alice.token)
      assert.equal((await withKey(key.key, 'GET', '/api/auth/me')).statusCode, 200)
      const del = (token: string, id: string) =>
        t.app.inject({ method: 'DELETE', url: `/api/auth/api-keys/${id}`, headers: bearerHeader(token) })
      const foreign = await del(bob.token, key.id)
      assert.equal(foreign.statusCode, 404)
      assert.equal(json(foreign).code, 'not_found')
      assert.equal((await del(bob.token, key.id.toUpperCase())).statusCode, 404)
      assert.equal((await del(alice.token, 'not-a-uuid')).statusCode, 404)
      // The uuid format admits a `urn:uuid:` prefix; Postgres does not: still no such key.
      const urn = await del(alice.token, `urn:uuid:${key.id}`)
      assert.equal(urn.statusCode, 404, urn.body)
      assert.equal(json(urn).code, 'not_found')
      assert.equal((await withKey(key.key, 'GET', '/api/auth/me')).statusCode, 200, 'bob could not revoke it')
      // A key cannot revoke itself (account route), only its owner's session can.
      assert.equal((await del(key.key, key.id)).statusCode, 403)
      assert.equal((await del(alice.token, key.id)).statusCode, 204)
      const after = await withKey(key.key, 'GET', '/api/auth/me')
      assert.equal(after.statusCode, 401)
      assert.equal(json(after).code, 'invalid_session')
      assert.equal(after.headers['www-authenticate'], 'Bearer')
      assert.equal((await del(alice.token, key.id)).statusCode, 404)
    })

    it('expiry takes effect at the expiry instant (fake clock)', async () => {
      const { token } = await newUser(t.app)
      const key = await newKey(token, { expires_in_days: 1 })
      clock.advance(DAY - 1)
      assert.equal((await withKey(key.key, 'GET', '/api/auth/me')).statusCode, 200)
      clock.advance(1)
      const res = await withKey(key.key, 'GET', '/api/auth/me')
      assert.equal(res.statusCode, 401)
      assert.equal(json(res).code, 'invalid_session')
      // Still listed (so its owner sees it expired and may delete it).
      const list = json<{ api_keys: KeyBody[] }>(
        await t.app.inject({ method: 'GET', url: '/api/auth/api-keys', headers: bearerHeader(token) }),
      )
      assert.equal(list.api_keys[0]?.id, key.id)
    })

    it("a deleted user's keys stop working", async () => {
      const u = await newUser(t.app)
      const key = await newKey(u.token)
      await t.tdb.db.orm.delete(users).where(eq(users.id, u.userId))
      assert.equal((await withKey(key.key, 'GET', '/api/auth/me')).statusCode, 401)
    })

    it('last_used_at is written at most once a minute', async () => {
      const { token } = await newUser(t.app)
      const key = await newKey(token)
      const lastUsed = async () =>
        json<{ api_keys: KeyBody[] }>(
          await t.app.inject({ method: 'GET', url: '/api/auth/api-keys', headers: bearerHeader(token) }),
        ).api_keys[0]?.last_used_at
      const first = new Date(clock.now()).toISOString()
      await withKey(key.key, 'GET', '/api/auth/me')
      assert.equal(await lastUsed(), first)
      clock.advance(MINUTE - 1)
      await withKey(key.key, 'GET', '/api/auth/me')
      assert.equal(await lastUsed(), first, 'not rewritten within the minute')
      clock.advance(1)
      await withKey(key.key, 'GET', '/api/auth/me')
      assert.equal(await lastUsed(), new Date(clock.now()).toISOString())
    })

    it('malformed and unknown keys are 401 invalid_session', async () => {
      for (const key of ['rak_', 'rak_short', `rak_${'A'.repeat(43)}`, `rak_${'A'.repeat(42)}!`]) {
        const res = await withKey(key, 'GET', '/api/documents')
        assert.equal(res.statusCode, 401, key)
        assert.equal(json(res).code, 'invalid_session')
      }
    })

    it('changing SECRET_KEY invalidates keys, as it does sessions', async () => {
      const { token } = await newUser(t.app)
      const key = await newKey(token)
      const rotated = await buildApp({
        config: testConfig({ SECRET_KEY: 'r'.repeat(40) }),
        db: t.tdb.db,
        clock,
      })
      try {
        const res = await rotated.inject({
          method: 'GET',
          url: '/api/auth/me',
          headers: bearerHeader(key.key),
        })
        assert.equal(res.statusCode, 401)
      } finally {
        await rotated.close()
      }
    })
  })
}
