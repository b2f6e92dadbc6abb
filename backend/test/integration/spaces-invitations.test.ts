// Invitations (contract §10): adding someone who is not a member invites them — 202 whether or not
// the email has an account — and the space reaches them only once they accept. Expiry after 14
// days runs on a fake clock; owners see and withdraw pending invitations.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { testConfig } from '../../src/config.js'
import { setMemberRole } from '../../src/db/queries/space-members.js'
import { defaultSpaceIds, lockSpace } from '../../src/db/queries/spaces.js'
import { FakeClock } from '../../src/lib/clock.js'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { newUser, uniqueEmail } from '../helpers/auth.js'
import { createTestDatabase, dbKinds, type TestDatabase } from '../helpers/db.js'
import {
  addMember,
  as,
  createSpace,
  expectStatus,
  listSpaces,
  type MemberBody,
  type SpaceBody,
  whileWriteWaits,
} from '../helpers/spaces.js'
import { createUserWithSession } from '../helpers/users.js'

const DAY_MS = 86_400_000
// Sessions outlive the 14 days of an invitation on the fake clock.
const ENV = {
  RATE_LIMIT_AUTH: '10000/minute',
  RATE_LIMIT_GLOBAL: '100000/minute',
  SESSION_TTL_DAYS: '60',
  SESSION_ABSOLUTE_DAYS: '60',
}

interface Invitation {
  space_id: string
  space_name: string
  role: string
  invited_by: string | null
  created_at: string
}

for (const kind of dbKinds()) {
  describe(`space invitations [${kind}]`, () => {
    const clock = new FakeClock(Date.parse('2026-03-01T09:00:00.000Z'))
    let tdb: TestDatabase
    let t: TestApp
    let owner: { email: string; token: string; userId: string }

    const invitationsOf = async (token: string) =>
      expectStatus<{ invitations: Invitation[] }>(
        await as(t.app, token)('GET', '/api/spaces/invitations'),
        200,
      ).invitations
    const membersOf = async (spaceId: string) =>
      expectStatus<{ members: MemberBody[] }>(
        await as(t.app, owner.token)('GET', `/api/spaces/${spaceId}/members`),
        200,
      ).members
    const invite = (spaceId: string, email: string, role = 'viewer') =>
      as(t.app, owner.token)('PUT', `/api/spaces/${spaceId}/members`, { email, role })

    before(async () => {
      tdb = await createTestDatabase(kind)
      t = await buildTestApp(kind, ENV, { tdb, clock })
      owner = await newUser(t.app, uniqueEmail('owner'))
    })
    after(async () => {
      await t.close()
      await tdb.cleanup()
    })

    it('answers 202 alike for an email with an account and one without, and lists both as invited', async () => {
      const space = await createSpace(t.app, owner.token, { name: 'Cider' })
      const existing = await newUser(t.app, uniqueEmail('has-account'))
      const a = await invite(space.id, existing.email, 'editor')
      const b = await invite(space.id, 'No-Account-Yet@Example.com ', 'viewer')
      assert.equal(a.statusCode, 202)
      assert.equal(b.statusCode, 202)
      assert.equal(a.body, b.body)
      assert.deepEqual(JSON.parse(a.body), { status: 'invited' })
      const invited = (await membersOf(space.id)).filter((m) => m.status === 'invited')
      assert.deepEqual(
        invited.map((m) => [m.email, m.role, m.user_id, m.name]),
        [
          [existing.email, 'editor', null, null],
          ['no-account-yet@example.com', 'viewer', null, null],
        ],
      )
      assert.ok(invited.every((m) => m.added_at === new Date(clock.now()).toISOString()))
      // Invited is not a member: the space is neither readable nor searched by default.
      assert.equal((await as(t.app, existing.token)('GET', `/api/spaces/${space.id}`)).statusCode, 404)
      assert.ok(!(await defaultSpaceIds(tdb.db, existing.userId)).includes(space.id))
      assert.ok(!(await listSpaces(t.app, existing.token)).some((s) => s.id === space.id))
    })

    it('shows a later sign-up the invitation of its email, and accepting makes them a member', async () => {
      const space = await createSpace(t.app, owner.token, { name: 'Perry' })
      const email = uniqueEmail('later')
      expectStatus(await invite(space.id, email.toUpperCase(), 'editor'), 202)
      const later = await newUser(t.app, email)
      const [inv, ...rest] = await invitationsOf(later.token)
      assert.equal(rest.length, 0)
      assert.deepEqual(inv, {
        space_id: space.id,
        space_name: 'Perry',
        role: 'editor',
        invited_by: owner.email,
        created_at: new Date(clock.now()).toISOString(),
      })
      // Someone else cannot accept or decline it.
      const stranger = await newUser(t.app, uniqueEmail('stranger'))
      assert.equal(
        (await as(t.app, stranger.token)('POST', `/api/spaces/${space.id}/accept`)).statusCode,
        404,
      )
      assert.equal(
        (await as(t.app, stranger.token)('POST', `/api/spaces/${space.id}/decline`)).statusCode,
        404,
      )
      const accepted = expectStatus<SpaceBody>(
        await as(t.app, later.token)('POST', `/api/spaces/${space.id}/accept`),
        200,
      )
      assert.equal(accepted.id, space.id)
      assert.equal(accepted.role, 'editor')
      assert.ok((await defaultSpaceIds(tdb.db, later.userId)).includes(space.id))
      assert.equal((await listSpaces(t.app, later.token)).find((s) => s.id === space.id)?.role, 'editor')
      assert.deepEqual(await invitationsOf(later.token), [])
      const members = await membersOf(space.id)
      assert.deepEqual(
        members.map((m) => [m.email, m.role, m.status]),
        [
          [owner.email, 'owner', 'member'],
          [email, 'editor', 'member'],
        ],
      )
      assert.equal(members[1]?.user_id, later.userId)
      // Used up: a second accept is 404.
      assert.equal((await as(t.app, later.token)('POST', `/api/spaces/${space.id}/accept`)).statusCode, 404)
      // A PUT for a member now changes the role (200), it does not invite.
      const changed = expectStatus<MemberBody>(await invite(space.id, email, 'viewer'), 200)
      assert.deepEqual([changed.user_id, changed.role, changed.status], [later.userId, 'viewer', 'member'])
      assert.deepEqual(await invitationsOf(later.token), [])
    })

    it('declines: the invitation goes and the space stays unreadable', async () => {
      const space = await createSpace(t.app, owner.token)
      const p = await newUser(t.app, uniqueEmail('decliner'))
      expectStatus(await invite(space.id, p.email), 202)
      expectStatus(await as(t.app, p.token)('POST', `/api/spaces/${space.id}/decline`), 204)
      assert.deepEqual(await invitationsOf(p.token), [])
      assert.equal((await as(t.app, p.token)('POST', `/api/spaces/${space.id}/accept`)).statusCode, 404)
      assert.equal((await as(t.app, p.token)('GET', `/api/spaces/${space.id}`)).statusCode, 404)
      assert.equal((await membersOf(space.id)).filter((m) => m.status === 'invited').length, 0)
    })

    it('expires an invitation after 14 days; a new one starts the 14 days again', async () => {
      const space = await createSpace(t.app, owner.token)
      const p = await newUser(t.app, uniqueEmail('slow'))
      expectStatus(await invite(space.id, p.email), 202)
      clock.advance(14 * DAY_MS - 60_000)
      assert.equal((await invitationsOf(p.token)).length, 1)
      clock.advance(60_000)
      assert.deepEqual(await invitationsOf(p.token), [])
      assert.equal((await membersOf(space.id)).filter((m) => m.status === 'invited').length, 0)
      assert.equal((await as(t.app, p.token)('POST', `/api/spaces/${space.id}/accept`)).statusCode, 404)
      assert.equal((await as(t.app, p.token)('GET', `/api/spaces/${space.id}`)).statusCode, 404)
      expectStatus(await invite(space.id, p.email, 'editor'), 202)
      clock.advance(13 * DAY_MS)
      const [renewed] = await invitationsOf(p.token)
      assert.equal(renewed?.role, 'editor')
      assert.equal(
        expectStatus<SpaceBody>(await as(t.app, p.token)('POST', `/api/spaces/${space.id}/accept`), 200).role,
        'editor',
      )
    })

    it('lets the owner withdraw a pending invitation', async () => {
      const space = await createSpace(t.app, owner.token)
      const p = await newUser(t.app, uniqueEmail('withdrawn'))
      expectStatus(await invite(space.id, p.email), 202)
      const url = `/api/spaces/${space.id}/invitations?email=${encodeURIComponent(p.email.toUpperCase())}`
      assert.equal((await as(t.app, p.token)('DELETE', url)).statusCode, 404)
      expectStatus(await as(t.app, owner.token)('DELETE', url), 204)
      assert.equal((await as(t.app, owner.token)('DELETE', url)).statusCode, 404)
      assert.deepEqual(await invitationsOf(p.token), [])
      assert.equal((await as(t.app, p.token)('POST', `/api/spaces/${space.id}/accept`)).statusCode, 404)
      const bad = await as(t.app, owner.token)(
        'DELETE',
        `/api/spaces/${space.id}/invitations?email=not-an-email`,
      )
      assert.equal(bad.statusCode, 422)
      assert.equal(
        (await as(t.app, owner.token)('DELETE', `/api/spaces/${space.id}/invitations`)).statusCode,
        422,
      )
    })

    it('refuses a withdrawal by an owner demoted while it waits for the space (403, the invitation stays)', {
      skip: kind === 'postgres' ? false : 'PGlite runs one transaction at a time: the wait cannot be staged',
    }, async () => {
      const space = await createSpace(t.app, owner.token)
      const co = await newUser(t.app, uniqueEmail('co-owner'))
      await addMember(t.app, owner.token, space.id, co, 'owner')
      const p = await newUser(t.app, uniqueEmail('kept'))
      expectStatus(await invite(space.id, p.email), 202)
      // The demotion holds the space's row (as PUT members does) until it commits; the
      // withdrawal must decide on the role as it is once it may write.
      const res = await whileWriteWaits(
        tdb.db,
        async (tx) => {
          await lockSpace(tx, space.id)
          await setMemberRole(tx, space.id, co.userId, 'viewer')
        },
        () =>
          as(t.app, co.token)(
            'DELETE',
            `/api/spaces/${space.id}/invitations?email=${encodeURIComponent(p.email)}`,
          ),
      )
      expectStatus(res, 403)
      assert.deepEqual(
        (await invitationsOf(p.token)).map((i) => i.space_id),
        [space.id],
      )
    })

    it('refuses an invalid email with 422, and accepting never lowers a role held already', async () => {
      const space = await createSpace(t.app, owner.token)
      for (const email of ['', 'nobody', 'a@b', 'x'.repeat(321)]) {
        const res = await invite(space.id, email)
        assert.equal(res.statusCode, 422, email)
        assert.equal(JSON.parse(res.body).code, 'validation_error')
      }
      assert.equal((await invite(space.id, 'ok@example.com', 'admin')).statusCode, 422)
      // An admin (owner through admin rights, not a member) invites themselves; accepting as a
      // viewer makes them a member without taking the admin's rights away.
      const a = await createUserWithSession(tdb.db, testConfig(), {
        email: uniqueEmail('admin'),
        role: 'admin',
        clock,
      })
      expectStatus(
        await as(t.app, a.token)('PUT', `/api/spaces/${space.id}/members`, {
          email: a.user.email,
          role: 'viewer',
        }),
        202,
      )
      const accepted = expectStatus<SpaceBody>(
        await as(t.app, a.token)('POST', `/api/spaces/${space.id}/accept`),
        200,
      )
      assert.equal(accepted.role, 'owner')
      const member = (await membersOf(space.id)).find((m) => m.user_id === a.user.id)
      assert.equal(member?.role, 'viewer')
    })

    it('drops invitations with their space', async () => {
      const space = await createSpace(t.app, owner.token)
      const p = await newUser(t.app, uniqueEmail('orphan'))
      expectStatus(await invite(space.id, p.email), 202)
      expectStatus(await as(t.app, owner.token)('DELETE', `/api/spaces/${space.id}`), 204)
      assert.deepEqual(await invitationsOf(p.token), [])
      assert.equal((await as(t.app, p.token)('POST', `/api/spaces/${space.id}/accept`)).statusCode, 404)
    })
  })
}
