// The audit log (docs/api.md §14): events written by the auth routes with actor, subject, IP and
// user agent and never a secret; the admin's filtered, paged view; a person's own activity; the
// retention sweep.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sweepAuditEvents } from '../../src/auth/audit.js'
import { testConfig } from '../../src/config.js'
import { insertAuditEvent } from '../../src/db/queries/audit.js'
import { FakeClock } from '../../src/lib/clock.js'
import { uuidv7 } from '../../src/lib/ids.js'
import { buildTestApp, json, type TestApp } from '../helpers/app.js'
import { bearerHeader, newUser, PASSWORD, signIn } from '../helpers/auth.js'
import { dbKinds } from '../helpers/db.js'
import { addMember, as, createSpace, expectStatus } from '../helpers/spaces.js'
import { createUserWithSession } from '../helpers/users.js'

interface Event {
  id: string
  at: string
  type: string
  actor_id: string | null
  actor_email: string | null
  subject_id: string | null
  ip_address: string | null
  user_agent: string | null
  details: Record<string, unknown>
}
interface Page {
  events: Event[]
  next_cursor: string | null
}

const UA = { 'user-agent': 'AuditTest/1.0' }

for (const kind of dbKinds()) {
  describe(`audit log [${kind}]`, () => {
    const clock = new FakeClock(Date.parse('2026-06-01T00:00:00.000Z'))
    let t: TestApp
    let adminToken: string
    let adminId: string
    let userToken: string
    let alice: { email: string; token: string; userId: string }
    const env = { RATE_LIMIT_AUTH: '1000/minute', RATE_LIMIT_GLOBAL: '10000/minute' }

    before(async () => {
      t = await buildTestApp(kind, env, { clock })
      const config = testConfig(env)
      const admin = await createUserWithSession(t.tdb.db, config, {
        email: `audit-admin-${kind}@example.com`,
        role: 'admin',
        clock,
      })
      adminToken = admin.token
      adminId = admin.user.id
      userToken = (
        await createUserWithSession(t.tdb.db, config, { email: `audit-user-${kind}@example.com`, clock })
      ).token
      alice = await newUser(t.app, `audit-alice-${kind}@example.com`)
    })
    after(() => t.close())

    const audit = async (query = '', token = adminToken) => {
      const res = await t.app.inject({ url: `/api/admin/audit${query}`, headers: bearerHeader(token) })
      assert.equal(res.statusCode, 200, res.body)
      return json<Page>(res)
    }

    it('is for admins only: 401 without a session, 403 for a user', async () => {
      const anon = await t.app.inject({ url: '/api/admin/audit' })
      assert.equal(anon.statusCode, 401)
      assert.equal(json(anon).code, 'auth_required')
      const user = await t.app.inject({ url: '/api/admin/audit', headers: bearerHeader(userToken) })
      assert.equal(user.statusCode, 403)
      assert.equal(json(user).code, 'forbidden')
    })

    it('records a sign-up as user_created by the person, with its first session, in their own activity', async () => {
      clock.advance(1000)
      const bob = await newUser(t.app, `audit-signup-${kind}@example.com`, PASSWORD, UA)
      const [created] = (await audit(`?type=user_created&user_id=${bob.userId}`)).events
      assert.ok(created, 'a user_created event')
      assert.equal(created.actor_id, bob.userId)
      assert.equal(created.subject_id, bob.userId)
      assert.equal(created.actor_email, bob.email)
      assert.equal(created.user_agent, 'AuditTest/1.0')
      assert.equal(created.details.via, 'sign_up')
      assert.equal(typeof created.details.session_id, 'string')
      const own = json<{ events: Array<{ type: string }> }>(
        await t.app.inject({ url: '/api/auth/activity', headers: bearerHeader(bob.token) }),
      ).events
      assert.deepEqual(
        own.map((e) => e.type),
        ['user_created'],
      )
      assert.doesNotMatch(JSON.stringify(created), new RegExp(PASSWORD))
    })

    it('records sign-ins and failures with actor, subject, IP and user agent', async () => {
      clock.advance(1000)
      assert.equal((await signIn(t.app, alice.email, 'not-her-password', UA)).statusCode, 401)
      clock.advance(1000)
      assert.equal((await signIn(t.app, `nobody-${kind}@example.com`, PASSWORD, UA)).statusCode, 401)
      clock.advance(1000)
      assert.equal((await signIn(t.app, alice.email, PASSWORD, UA)).statusCode, 200)

      const [ok, unknown, wrong] = (await audit('?limit=3')).events
      assert.equal(ok?.type, 'sign_in')
      assert.equal(ok?.actor_id, alice.userId)
      assert.equal(ok?.actor_email, alice.email)
      assert.equal(ok?.subject_id, alice.userId)
      assert.equal(ok?.ip_address, '127.0.0.1')
      assert.equal(ok?.user_agent, 'AuditTest/1.0')
      assert.equal(unknown?.type, 'sign_in_failed')
      assert.equal(unknown?.subject_id, null)
      assert.equal(unknown?.actor_id, null)
      assert.deepEqual(unknown?.details, { reason: 'unknown_email' })
      assert.equal(wrong?.type, 'sign_in_failed')
      assert.equal(wrong?.subject_id, alice.userId, 'a failed sign-in names the existing account as subject')
      assert.deepEqual(wrong?.details, { reason: 'wrong_password' })
    })

    it('records session revocation, password change, sign-out everywhere and sign-out', async () => {
      const bob = await newUser(t.app, `audit-bob-${kind}@example.com`)
      clock.advance(1000)
      const other = json<{ session: { token: string } }>(await signIn(t.app, bob.email, PASSWORD))
      const me = json<{ session: { id: string } }>(
        await t.app.inject({ url: '/api/auth/me', headers: bearerHeader(other.session.token) }),
      )
      clock.advance(1000)
      const del = await t.app.inject({
        method: 'DELETE',
        url: `/api/auth/sessions/${me.session.id}`,
        headers: bearerHeader(bob.token),
      })
      assert.equal(del.statusCode, 204)
      clock.advance(1000)
      const wrongCurrent = await t.app.inject({
        method: 'POST',
        url: '/api/auth/change-password',
        headers: bearerHeader(bob.token),
        payload: { current_password: 'not-bobs-password', new_password: 'a-brand-new-passphrase-9' },
      })
      assert.equal(wrongCurrent.statusCode, 422)
      clock.advance(1000)
      const change = await t.app.inject({
        method: 'POST',
        url: '/api/auth/change-password',
        headers: bearerHeader(bob.token),
        payload: { current_password: PASSWORD, new_password: 'a-brand-new-passphrase-9' },
      })
      assert.equal(change.statusCode, 204)
      clock.advance(1000)
      const third = json<{ session: { token: string } }>(
        await signIn(t.app, bob.email, 'a-brand-new-passphrase-9'),
      )
      clock.advance(1000)
      const out = await t.app.inject({
        method: 'POST',
        url: '/api/auth/sign-out',
        headers: bearerHeader(third.session.token),
      })
      assert.equal(out.statusCode, 204)
      clock.advance(1000)
      const all = await t.app.inject({
        method: 'POST',
        url: '/api/auth/sign-out-all',
        headers: bearerHeader(bob.token),
      })
      assert.equal(all.statusCode, 204)

      const events = (await audit(`?user_id=${bob.userId}`)).events
      assert.deepEqual(
        events.map((e) => e.type),
        [
          'sign_out_all',
          'sign_out',
          'sign_in',
          'password_changed',
          'sign_in_failed',
          'session_revoked',
          'sign_in',
          'user_created',
        ],
      )
      assert.deepEqual(events[4]?.details, { reason: 'wrong_password', context: 'change_password' })
      assert.equal(events[5]?.details.session_id, me.session.id)
      assert.equal(events[3]?.details.sessions_revoked, 0)
      for (const e of events) assert.equal(e.subject_id, bob.userId)
    })

    it('never stores a password or a token', async () => {
      const rows = await t.tdb.db.query<{ row: string }>(
        'select row_to_json(a)::text as row from audit_events a',
      )
      assert.ok(rows.length > 5)
      const text = rows.map((r) => r.row).join('\n')
      for (const secret of [
        PASSWORD,
        'not-her-password',
        'a-brand-new-passphrase-9',
        alice.token,
        adminToken,
      ]) {
        assert.ok(!text.includes(secret), 'a secret reached the audit table')
      }
    })

    it('filters by type and by user (actor or subject), newest first, in cursor pages', async () => {
      const failed = (await audit('?type=sign_in_failed')).events
      assert.ok(failed.length >= 2)
      for (const e of failed) assert.equal(e.type, 'sign_in_failed')

      const mine = (await audit(`?user_id=${alice.userId}`)).events
      assert.ok(mine.length >= 2)
      for (const e of mine) assert.ok(e.actor_id === alice.userId || e.subject_id === alice.userId)

      const all = (await audit('?limit=100')).events
      const seen: string[] = []
      let cursor: string | null = null
      do {
        const q: string = `?limit=2${cursor ? `&cursor=${cursor}` : ''}`
        const p = await audit(q)
        assert.ok(p.events.length <= 2)
        seen.push(...p.events.map((e) => e.id))
        cursor = p.next_cursor
      } while (cursor)
      assert.deepEqual(
        seen,
        all.map((e) => e.id),
      )
      const ats = all.map((e) => Date.parse(e.at))
      assert.deepEqual(
        ats,
        [...ats].sort((a, b) => b - a),
        'newest first',
      )
    })

    it('refuses an unknown type, a malformed user id and a forged cursor with 422', async () => {
      for (const q of [
        '?type=nope',
        '?user_id=not-a-uuid',
        '?cursor=%%%',
        `?cursor=${Buffer.from('x|y').toString('base64url')}`,
        '?limit=0',
        '?limit=101',
      ]) {
        const res = await t.app.inject({ url: `/api/admin/audit${q}`, headers: bearerHeader(adminToken) })
        assert.equal(res.statusCode, 422, q)
        assert.equal(json(res).code, 'validation_error', q)
      }
    })

    it('shows each person only their own activity, without actor fields', async () => {
      const res = await t.app.inject({ url: '/api/auth/activity', headers: bearerHeader(alice.token) })
      assert.equal(res.statusCode, 200)
      const events = json<{ events: Array<Record<string, unknown>> }>(res).events
      const types = events.map((e) => e.type)
      assert.ok(types.includes('sign_in') && types.includes('sign_in_failed'), types.join())
      const own = (await audit(`?user_id=${alice.userId}`)).events.filter(
        (e) => e.subject_id === alice.userId,
      )
      assert.deepEqual(
        events.map((e) => e.id),
        own.map((e) => e.id),
      )
      for (const e of events)
        assert.deepEqual(Object.keys(e).sort(), ['at', 'details', 'id', 'ip_address', 'type', 'user_agent'])
      assert.equal((await t.app.inject({ url: '/api/auth/activity' })).statusCode, 401)
      const admins = json<{ events: unknown[] }>(
        await t.app.inject({ url: '/api/auth/activity', headers: bearerHeader(adminToken) }),
      ).events
      assert.equal(admins.length, 0, "other people's events are not the admin's activity")
    })

    it("shows every wrong re-authentication password in the person's own activity, whatever asked for it", async () => {
      const user = await newUser(t.app, `audit-reauth-${kind}@example.com`)
      const wrong = [
        { url: '/api/auth/api-keys', payload: { name: 'k', scopes: ['read'], password: 'not-my-password' } },
        { url: '/api/auth/mfa/totp/setup', payload: { password: 'not-my-password' } },
      ]
      for (const { url, payload } of wrong) {
        const res = await t.app.inject({ method: 'POST', url, payload, headers: bearerHeader(user.token) })
        assert.equal(res.statusCode, 422, url)
        assert.equal(json(res).code, 'invalid_current_password', url)
      }
      const events = json<{ events: Array<{ type: string; details: Record<string, unknown> }> }>(
        await t.app.inject({ url: '/api/auth/activity', headers: bearerHeader(user.token) }),
      ).events.filter((e) => e.type === 'sign_in_failed')
      assert.equal(events.length, 2, JSON.stringify(events))
      for (const e of events) assert.equal(e.details.reason, 'wrong_password')
    })

    it('records team space changes with the space id, never its name', async () => {
      const owner = await newUser(t.app, `audit-owner-${kind}@example.com`)
      const member = await newUser(t.app, `audit-member-${kind}@example.com`)
      const step = () => clock.advance(1000)
      const space = await createSpace(t.app, owner.token, { name: 'Secret Project Name' })
      step()
      await addMember(t.app, owner.token, space.id, member, 'viewer')
      step()
      expectStatus(
        await as(t.app, owner.token)('PUT', `/api/spaces/${space.id}/members`, {
          email: member.email,
          role: 'editor',
        }),
        200,
      )
      step()
      expectStatus(
        await as(t.app, owner.token)('DELETE', `/api/spaces/${space.id}/members/${member.userId}`),
        204,
      )
      step()
      expectStatus(
        await as(t.app, owner.token)('PATCH', `/api/spaces/${space.id}`, { name: 'Renamed Secret' }),
        200,
      )
      step()
      expectStatus(await as(t.app, owner.token)('DELETE', `/api/spaces/${space.id}`), 204)

      const events = (await audit(`?user_id=${owner.userId}`)).events.concat(
        (await audit(`?user_id=${member.userId}`)).events,
      )
      const bySpace = events
        .filter((e) => e.details.space_id === space.id)
        .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
      const unique = [...new Map(bySpace.map((e) => [e.id, e])).values()]
      assert.deepEqual(
        unique.map((e) => e.type),
        [
          'space_created',
          'space_invitation_sent',
          'space_member_added',
          'space_member_role_changed',
          'space_member_removed',
          'space_updated',
          'space_deleted',
        ],
      )
      const added = unique.find((e) => e.type === 'space_member_added')
      assert.equal(added?.subject_id, member.userId)
      assert.equal(unique.find((e) => e.type === 'space_member_removed')?.actor_id, owner.userId)
      assert.ok(!JSON.stringify(unique).includes('Secret'), 'a space name reached the audit log')
    })

    it('records API keys created and revoked, with the key id and never the key', async () => {
      clock.advance(1000)
      const created = await t.app.inject({
        method: 'POST',
        url: '/api/auth/api-keys',
        headers: bearerHeader(alice.token),
        payload: { password: PASSWORD, name: 'audit key' },
      })
      assert.equal(created.statusCode, 201, created.body)
      const key = json<{ id: string; key: string }>(created)
      clock.advance(1000)
      const revoked = await t.app.inject({
        method: 'DELETE',
        url: `/api/auth/api-keys/${key.id}`,
        headers: bearerHeader(alice.token),
      })
      assert.equal(revoked.statusCode, 204, revoked.body)
      const page = await audit(`?user_id=${alice.userId}`)
      const types = page.events.map((e) => e.type)
      assert.ok(types.includes('api_key_created'), types.join(','))
      assert.ok(types.includes('api_key_revoked'), types.join(','))
      for (const e of page.events.filter((x) => x.type.startsWith('api_key_'))) {
        assert.equal(e.details.api_key_id, key.id)
        assert.equal(e.actor_id, alice.userId)
        assert.ok(!JSON.stringify(e).includes(key.key), 'the key itself is never recorded')
      }
    })

    it('the sweep drops events older than AUDIT_RETENTION_DAYS and keeps the rest', async () => {
      const day = 86_400_000
      const config = testConfig({ AUDIT_RETENTION_DAYS: '30' })
      const old = uuidv7(clock.now() - 31 * day)
      const recent = uuidv7(clock.now() - 29 * day)
      for (const [id, ago] of [
        [old, 31],
        [recent, 29],
      ] as const) {
        await insertAuditEvent(t.tdb.db, {
          id,
          at: new Date(clock.now() - ago * day),
          type: 'sign_in',
          actorId: adminId,
          actorEmail: 'x@example.com',
          subjectId: adminId,
          ipAddress: null,
          userAgent: null,
          details: {},
        })
      }
      assert.equal(await sweepAuditEvents(t.tdb.db, config, clock), 1)
      const ids = (await audit('?limit=100')).events.map((e) => e.id)
      assert.ok(!ids.includes(old))
      assert.ok(ids.includes(recent))
    })
  })
}
