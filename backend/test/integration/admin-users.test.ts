// User administration (docs/api.md §14): admins only; search and cursor pages; role changes,
// disable/enable (sessions stop on the next request, sign-in refused like a wrong password),
// sign out, verify, delete; nobody acts on themself, ADMIN_EMAILS roles stay, the last admin
// and a team space's only owner stay; every action is audited with its actor.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { testConfig } from '../../src/config.js'
import { updateUserAdmin } from '../../src/db/queries/admin-users.js'
import { setEmailVerified } from '../../src/db/queries/users.js'
import { FakeClock } from '../../src/lib/clock.js'
import { buildTestApp, json, type TestApp } from '../helpers/app.js'
import { bearerHeader, newUser, PASSWORD, signIn } from '../helpers/auth.js'
import { dbKinds } from '../helpers/db.js'
import { as, createSpace, expectStatus } from '../helpers/spaces.js'
import { createUserWithSession } from '../helpers/users.js'

interface AdminUser {
  id: string
  email: string
  name: string | null
  role: 'user' | 'admin'
  email_verified: boolean
  mfa_enabled: boolean
  disabled: boolean
  created_at: string
  last_sign_in_at: string | null
}
interface Event {
  type: string
  actor_id: string | null
  actor_email: string | null
  subject_id: string | null
  details: Record<string, unknown>
}

const UNKNOWN = '0190a8f0-0000-7000-8000-00000000abcd'

for (const kind of dbKinds()) {
  describe(`admin users [${kind}]`, () => {
    const clock = new FakeClock(Date.parse('2026-06-01T00:00:00.000Z'))
    const envAdminEmail = `env-admin-${kind}@example.com`
    const env = {
      RATE_LIMIT_AUTH: '1000/minute',
      RATE_LIMIT_GLOBAL: '10000/minute',
      ADMIN_EMAILS: envAdminEmail,
    }
    let t: TestApp
    let admin: { token: string; id: string; email: string }
    let userToken: string

    before(async () => {
      t = await buildTestApp(kind, env, { clock })
      const config = testConfig(env)
      const a = await createUserWithSession(t.tdb.db, config, {
        email: `adm-${kind}@example.com`,
        role: 'admin',
        clock,
      })
      admin = { token: a.token, id: a.user.id, email: a.user.email }
      userToken = (
        await createUserWithSession(t.tdb.db, config, { email: `plain-${kind}@example.com`, clock })
      ).token
    })
    after(() => t.close())

    // Events of one millisecond have no order among them: each request happens a moment later.
    const req = (
      method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
      url: string,
      payload?: unknown,
      token = admin.token,
    ) => {
      clock.advance(1)
      return as(t.app, token)(method, url, payload)
    }
    const lastEvent = async (subjectId: string): Promise<Event> => {
      const p = expectStatus<{ events: Event[] }>(
        await req('GET', `/api/admin/audit?user_id=${subjectId}&limit=1`),
        200,
      )
      return p.events[0] as Event
    }

    it('every /api/admin/users route: 401 without a session, 403 for a non-admin', async () => {
      const routes: Array<['GET' | 'POST' | 'PATCH' | 'DELETE', string, unknown?]> = [
        ['GET', '/api/admin/users'],
        ['PATCH', `/api/admin/users/${UNKNOWN}`, { disabled: true }],
        ['POST', `/api/admin/users/${UNKNOWN}/sign-out`],
        ['POST', `/api/admin/users/${UNKNOWN}/verify`],
        ['DELETE', `/api/admin/users/${UNKNOWN}`],
      ]
      for (const [method, url, payload] of routes) {
        const anon = await t.app.inject({ method, url, ...(payload ? { payload: payload as object } : {}) })
        assert.equal(anon.statusCode, 401, `${method} ${url}`)
        const user = await req(method, url, payload, userToken)
        assert.equal(user.statusCode, 403, `${method} ${url}`)
        assert.equal(json(user).code, 'forbidden')
      }
    })

    it('lists users with the contract fields, searches, and pages with a cursor', async () => {
      const carol = await newUser(t.app, `carol-search-${kind}@example.com`)
      await signIn(t.app, carol.email, PASSWORD)
      const signedInAt = new Date(clock.now()).toISOString()
      const found = expectStatus<{ users: AdminUser[]; next_cursor: string | null }>(
        await req('GET', '/api/admin/users?query=CAROL-search'),
        200,
      )
      assert.equal(found.users.length, 1)
      const c = found.users[0] as AdminUser
      assert.deepEqual(Object.keys(c).sort(), [
        'created_at',
        'disabled',
        'email',
        'email_verified',
        'id',
        'last_sign_in_at',
        'mfa_enabled',
        'name',
        'role',
      ])
      assert.equal(c.email, carol.email)
      assert.equal(c.disabled, false)
      assert.equal(c.last_sign_in_at, signedInAt)
      // LIKE wildcards match only themselves.
      const none = expectStatus<{ users: AdminUser[] }>(
        await req('GET', '/api/admin/users?query=%25_%25'),
        200,
      )
      assert.equal(none.users.length, 0)

      const all = expectStatus<{ users: AdminUser[] }>(
        await req('GET', '/api/admin/users?limit=100'),
        200,
      ).users
      assert.ok(all.length >= 3)
      const seen: string[] = []
      let cursor: string | null = null
      do {
        const p: { users: AdminUser[]; next_cursor: string | null } = expectStatus(
          await req('GET', `/api/admin/users?limit=1${cursor ? `&cursor=${cursor}` : ''}`),
          200,
        )
        seen.push(...p.users.map((u) => u.id))
        cursor = p.next_cursor
      } while (cursor)
      assert.deepEqual(
        seen,
        all.map((u) => u.id),
      )
      for (const bad of ['%%', Buffer.from('no-at-sign').toString('base64url')]) {
        const res = await req('GET', `/api/admin/users?cursor=${bad}`)
        assert.equal(res.statusCode, 422)
        assert.equal(json(res).code, 'validation_error')
      }
    })

    it('changes a role, audited with actor and subject; an admin cannot change themself', async () => {
      const dave = await newUser(t.app, `dave-${kind}@example.com`)
      const up = expectStatus<AdminUser>(
        await req('PATCH', `/api/admin/users/${dave.userId}`, { role: 'admin' }),
        200,
      )
      assert.equal(up.role, 'admin')
      const me = expectStatus<{ user: { role: string } }>(
        await as(t.app, dave.token)('GET', '/api/auth/me'),
        200,
      )
      assert.equal(me.user.role, 'admin')
      const e = await lastEvent(dave.userId)
      assert.equal(e.type, 'user_role_changed')
      assert.equal(e.actor_id, admin.id)
      assert.equal(e.actor_email, admin.email)
      assert.deepEqual(e.details, { from: 'user', to: 'admin' })
      const down = expectStatus<AdminUser>(
        await req('PATCH', `/api/admin/users/${dave.userId}`, { role: 'user' }),
        200,
      )
      assert.equal(down.role, 'user')

      for (const payload of [{ role: 'user' }, { disabled: true }]) {
        const self = await req('PATCH', `/api/admin/users/${admin.id}`, payload)
        assert.equal(self.statusCode, 422)
        assert.equal(json(self).code, 'cannot_change_self')
      }
      const selfDelete = await req('DELETE', `/api/admin/users/${admin.id}`)
      assert.equal(json(selfDelete).code, 'cannot_change_self')
      // Nor hand themself a reset link or turn their own second factor off here: a stolen admin
      // session would set a new password without the current one, and turn MFA off without the
      // password and a code that POST /api/auth/mfa/disable asks for (§13), and so keep the account.
      // Respelled too: the id in capitals, the path percent-encoded.
      for (const action of ['reset-link', 'mfa/disable'])
        for (const path of [
          `/api/admin/users/${admin.id}/${action}`,
          `/api/admin/users/${admin.id.toUpperCase()}/${action}`,
          `/%61pi/admin/users/${admin.id}/${action}`,
        ]) {
          const self = await req('POST', path)
          assert.equal(self.statusCode, 422, `${path}: ${self.body}`)
          assert.equal(json(self).code, 'cannot_change_self')
        }
      assert.equal((await req('PATCH', `/api/admin/users/${UNKNOWN}`, { role: 'user' })).statusCode, 404)
      assert.equal((await req('PATCH', `/api/admin/users/${dave.userId}`, { role: 'root' })).statusCode, 422)
    })

    it('refuses to change the role of an ADMIN_EMAILS account', async () => {
      const env = await newUser(t.app, envAdminEmail)
      await setEmailVerified(t.tdb.db, envAdminEmail, new Date(clock.now()))
      const res = await req('PATCH', `/api/admin/users/${env.userId}`, { role: 'user' })
      assert.equal(res.statusCode, 422)
      assert.equal(json(res).code, 'cannot_change_env_admin')
      const me = expectStatus<{ user: { role: string } }>(
        await as(t.app, env.token)('GET', '/api/auth/me'),
        200,
      )
      assert.equal(me.user.role, 'admin')
    })

    it('disabling ends sessions and API keys at once and refuses sign-in like a wrong password; enabling restores', async () => {
      const erin = await newUser(t.app, `erin-${kind}@example.com`)
      const second = json<{ session: { token: string } }>(await signIn(t.app, erin.email, PASSWORD))
      const created = await t.app.inject({
        method: 'POST',
        url: '/api/auth/api-keys',
        headers: bearerHeader(erin.token),
        payload: { password: PASSWORD, name: 'erin key' },
      })
      assert.equal(created.statusCode, 201, created.body)
      const apiKey = json<{ key: string }>(created).key
      const keyBefore = await t.app.inject({ url: '/api/auth/me', headers: bearerHeader(apiKey) })
      assert.equal(keyBefore.statusCode, 200, keyBefore.body)
      const off = expectStatus<AdminUser>(
        await req('PATCH', `/api/admin/users/${erin.userId}`, { disabled: true }),
        200,
      )
      assert.equal(off.disabled, true)
      // Sessions and API keys alike stop at once.
      for (const token of [erin.token, second.session.token, apiKey]) {
        const me = await t.app.inject({ url: '/api/auth/me', headers: bearerHeader(token) })
        assert.equal(me.statusCode, 401)
        assert.equal(json(me).code, 'invalid_session')
      }
      const right = await signIn(t.app, erin.email, PASSWORD)
      clock.advance(1)
      const wrong = await signIn(t.app, erin.email, 'definitely-wrong-password')
      assert.equal(right.statusCode, 401)
      assert.deepEqual(json(right), json(wrong))
      const e = await lastEvent(erin.userId)
      assert.equal(e.type, 'sign_in_failed')
      const disabledEvents = expectStatus<{ events: Event[] }>(
        await req('GET', `/api/admin/audit?type=user_disabled&user_id=${erin.userId}`),
        200,
      ).events
      assert.equal(disabledEvents.length, 1)
      assert.equal(disabledEvents[0]?.actor_id, admin.id)
      assert.equal(disabledEvents[0]?.details.sessions_revoked, 2)

      const on = expectStatus<AdminUser>(
        await req('PATCH', `/api/admin/users/${erin.userId}`, { disabled: false }),
        200,
      )
      assert.equal(on.disabled, false)
      assert.equal((await lastEvent(erin.userId)).type, 'user_enabled')
      assert.equal((await signIn(t.app, erin.email, PASSWORD)).statusCode, 200)
      // A suspension, not a revocation: the key never revoked works again; the sessions stay ended.
      assert.equal(
        (await t.app.inject({ url: '/api/auth/me', headers: bearerHeader(apiKey) })).statusCode,
        200,
      )
      assert.equal(
        (await t.app.inject({ url: '/api/auth/me', headers: bearerHeader(erin.token) })).statusCode,
        401,
      )
    })

    it('a session of a disabled user is refused even when it outlived the disabling', async () => {
      // A sign-in racing the disabling can commit its session after the sessions were deleted;
      // the user row alone must stop it.
      const gil = await newUser(t.app, `gil-${kind}@example.com`)
      assert.equal(
        (await t.app.inject({ url: '/api/auth/me', headers: bearerHeader(gil.token) })).statusCode,
        200,
      )
      await updateUserAdmin(
        t.tdb.db,
        gil.userId,
        { disabledAt: new Date(clock.now()) },
        new Date(clock.now()),
      )
      const me = await t.app.inject({ url: '/api/auth/me', headers: bearerHeader(gil.token) })
      assert.equal(me.statusCode, 401)
      assert.equal(json(me).code, 'invalid_session')
    })

    it('signs a user out everywhere and verifies an email, audited', async () => {
      const fay = await newUser(t.app, `fay-${kind}@example.com`)
      expectStatus(await req('POST', `/api/admin/users/${fay.userId}/sign-out`), 204)
      assert.equal(
        (await t.app.inject({ url: '/api/auth/me', headers: bearerHeader(fay.token) })).statusCode,
        401,
      )
      const out = await lastEvent(fay.userId)
      assert.equal(out.type, 'sign_out_all')
      assert.equal(out.actor_id, admin.id)

      expectStatus(await req('POST', `/api/admin/users/${fay.userId}/verify`), 204)
      const listed = expectStatus<{ users: AdminUser[] }>(
        await req('GET', `/api/admin/users?query=fay-${kind}`),
        200,
      )
      assert.equal(listed.users[0]?.email_verified, true)
      assert.equal((await lastEvent(fay.userId)).type, 'email_verified')
      assert.equal((await req('POST', `/api/admin/users/${UNKNOWN}/sign-out`)).statusCode, 404)
      assert.equal((await req('POST', `/api/admin/users/${UNKNOWN}/verify`)).statusCode, 404)
    })

    it("deletes a user and what they own, but not a team space's only owner; the event outlives them", async () => {
      const gus = await newUser(t.app, `gus-${kind}@example.com`)
      const space = await createSpace(t.app, gus.token)
      const refused = await req('DELETE', `/api/admin/users/${gus.userId}`)
      assert.equal(refused.statusCode, 422)
      assert.equal(json(refused).code, 'last_owner')
      expectStatus(await as(t.app, gus.token)('DELETE', `/api/spaces/${space.id}`), 204)
      const doc = expectStatus<{ space_id: string }>(
        await as(t.app, gus.token)('POST', '/api/documents', {
          title: 'Gus notes',
          content: 'The quillwort ledger belongs to Gus.',
          format: 'text',
        }),
        201,
      )
      const postings = async () => {
        let n = 0
        for (const table of ['chunk_terms', 'space_terms', 'space_stats']) {
          const rows = await t.tdb.db.query(`select 1 from ${table} where space_id = $1`, [doc.space_id])
          n += rows.length
        }
        return n
      }
      assert.ok((await postings()) > 0)

      expectStatus(await req('DELETE', `/api/admin/users/${gus.userId}`), 204)
      // The personal space's search index goes with it.
      assert.equal(await postings(), 0)
      assert.equal(
        (await t.app.inject({ url: '/api/auth/me', headers: bearerHeader(gus.token) })).statusCode,
        401,
      )
      const left = await t.tdb.db.query<{ n: number }>(
        "select count(*)::int as n from spaces where owner_id = $1 and kind = 'personal'",
        [gus.userId],
      )
      assert.equal(left[0]?.n, 0)
      const e = await lastEvent(gus.userId)
      assert.equal(e.type, 'account_deleted')
      assert.equal(e.actor_email, admin.email)
      assert.equal((await req('DELETE', `/api/admin/users/${gus.userId}`)).statusCode, 404)
    })

    it('two admins demoting each other at once leave one admin', async () => {
      const config = testConfig(env)
      const x = await createUserWithSession(t.tdb.db, config, {
        email: `race-x-${kind}@example.com`,
        role: 'admin',
        clock,
      })
      const y = await createUserWithSession(t.tdb.db, config, {
        email: `race-y-${kind}@example.com`,
        role: 'admin',
        clock,
      })
      // Only these two are admins: the others step down first (the env admin's address is taken off
      // the list by using a config without it for this check's count).
      await t.tdb.db.query("update users set role = 'user' where id not in ($1, $2)", [x.user.id, y.user.id])
      await t.tdb.db.query('update users set email_verified = false where email = $1', [envAdminEmail])
      const [a, b] = await Promise.all([
        req('PATCH', `/api/admin/users/${y.user.id}`, { role: 'user' }, x.token),
        req('PATCH', `/api/admin/users/${x.user.id}`, { role: 'user' }, y.token),
      ])
      const statuses = [a.statusCode, b.statusCode].sort()
      assert.ok(statuses[0] === 200 && (statuses[1] === 403 || statuses[1] === 422), statuses.join())
      const admins = await t.tdb.db.query<{ n: number }>(
        "select count(*)::int as n from users where role = 'admin'",
      )
      assert.equal(admins[0]?.n, 1)
      // The survivor cannot go either: the last enabled admin stays.
      const survivor = a.statusCode === 200 ? x : y
      const other = survivor === x ? y : x
      expectStatus(
        await req('PATCH', `/api/admin/users/${other.user.id}`, { role: 'admin' }, survivor.token),
        200,
      )
    })
  })
}
