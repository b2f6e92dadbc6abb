// Spaces routes (contract §10): roles × actions, personal spaces and the shared library, the last
// owner, visibility `everyone` for admins only, SPACE_CREATION, and 404 for what the caller cannot
// read (other users' ids, malformed ids) exactly like for what does not exist.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { testConfig } from '../../src/config.js'
import { SHARED_LIBRARY_ID } from '../../src/db/queries/spaces.js'
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
  type Method,
  type SpaceBody,
} from '../helpers/spaces.js'
import { createUserWithSession } from '../helpers/users.js'

const UNKNOWN = '0190a8f0-0000-7000-8000-00000000abcd'
const ENV = { RATE_LIMIT_AUTH: '10000/minute', RATE_LIMIT_GLOBAL: '100000/minute' }

interface Person {
  email: string
  token: string
  userId: string
}

for (const kind of dbKinds()) {
  describe(`spaces [${kind}]`, () => {
    let tdb: TestDatabase
    let t: TestApp
    let owner: Person
    let editor: Person
    let viewer: Person
    let outsider: Person
    let admin: Person
    let team: SpaceBody

    const person = async (): Promise<Person> => newUser(t.app, uniqueEmail('sp'))

    before(async () => {
      tdb = await createTestDatabase(kind)
      t = await buildTestApp(kind, ENV, { tdb })
      ;[owner, editor, viewer, outsider] = [await person(), await person(), await person(), await person()]
      const a = await createUserWithSession(tdb.db, testConfig(), {
        email: uniqueEmail('admin'),
        role: 'admin',
      })
      admin = { email: a.user.email, token: a.token, userId: a.user.id }
      team = await createSpace(t.app, owner.token, { name: 'Orchard team', description: 'apples' })
      await addMember(t.app, owner.token, team.id, editor, 'editor')
      await addMember(t.app, owner.token, team.id, viewer, 'viewer')
    })
    after(async () => {
      await t.close()
      await tdb.cleanup()
    })

    it('needs a session (401) and a same-origin request for cookie-authenticated writes', async () => {
      for (const [method, url] of [
        ['GET', '/api/spaces'],
        ['POST', '/api/spaces'],
        ['GET', `/api/spaces/${team.id}`],
        ['GET', '/api/spaces/invitations'],
        ['DELETE', `/api/spaces/${team.id}`],
      ] as const) {
        const res = await t.app.inject({ method, url })
        assert.equal(res.statusCode, 401, `${method} ${url}`)
        assert.equal(JSON.parse(res.body).code, 'auth_required')
      }
      const foreign = await t.app.inject({
        method: 'DELETE',
        url: `/api/spaces/${team.id}`,
        headers: { cookie: `session_token=${owner.token}`, origin: 'https://evil.example' },
      })
      assert.equal(foreign.statusCode, 403)
      assert.equal(JSON.parse(foreign.body).code, 'csrf_failed')
      expectStatus(await as(t.app, owner.token)('GET', `/api/spaces/${team.id}`), 200)
    })

    it('gives every account My documents from sign-up, listed first, then the shared library', async () => {
      const rows = await tdb.db.query<{ n: number | string }>(
        "select count(*) as n from spaces where kind = 'personal' and owner_id = $1",
        [outsider.userId],
      )
      assert.equal(Number(rows[0]?.n), 1)
      const spaces = await listSpaces(t.app, outsider.token)
      assert.deepEqual(
        spaces.map((s) => [s.kind, s.role, s.visibility]),
        [
          ['personal', 'owner', 'members'],
          ['shared', 'viewer', 'everyone'],
        ],
      )
      assert.equal(spaces[0]?.name, 'My documents')
      assert.equal(spaces[1]?.id, SHARED_LIBRARY_ID)
      // An account made outside the sign-up path gets one on first use, once.
      const bare = await createUserWithSession(tdb.db, testConfig(), { email: uniqueEmail('bare') })
      const first = await listSpaces(t.app, bare.token)
      const second = await listSpaces(t.app, bare.token)
      assert.equal(first.filter((s) => s.kind === 'personal').length, 1)
      assert.deepEqual(first, second)
    })

    it('creates team spaces owned by their creator and shows them to members only', async () => {
      assert.equal(team.kind, 'team')
      assert.equal(team.role, 'owner')
      assert.equal(team.visibility, 'members')
      assert.equal(team.description, 'apples')
      assert.equal(team.documents, 0)
      assert.match(team.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
      const roleOf = async (p: Person) =>
        (await listSpaces(t.app, p.token)).find((s) => s.id === team.id)?.role
      assert.equal(await roleOf(owner), 'owner')
      assert.equal(await roleOf(editor), 'editor')
      assert.equal(await roleOf(viewer), 'viewer')
      assert.equal(await roleOf(outsider), undefined)
      assert.equal(await roleOf(admin), 'owner')
      const trimmed = await createSpace(t.app, outsider.token, { name: '  Padded  ' })
      assert.equal(trimmed.name, 'Padded')
    })

    it('refuses bad bodies with 422 naming the field', async () => {
      for (const payload of [
        {},
        { name: '' },
        { name: '   ' },
        { name: 'x'.repeat(101) },
        { name: 42 },
        { name: 'ok', description: 'd'.repeat(501) },
        { name: 'ok', visibility: 'public' },
      ]) {
        const res = await as(t.app, owner.token)('POST', '/api/spaces', payload)
        assert.equal(res.statusCode, 422, JSON.stringify(payload))
        assert.equal(JSON.parse(res.body).code, 'validation_error')
      }
      const patch = await as(t.app, owner.token)('PATCH', `/api/spaces/${team.id}`, { name: 7 })
      assert.equal(patch.statusCode, 422)
    })

    it('answers each role as §10 says: viewer reads, owner manages, others get 404', async () => {
      const cases: Array<[Method, string, unknown, Record<string, number>]> = [
        [
          'GET',
          `/api/spaces/${team.id}`,
          undefined,
          { owner: 200, editor: 200, viewer: 200, outsider: 404, admin: 200 },
        ],
        [
          'GET',
          `/api/spaces/${team.id}/members`,
          undefined,
          { owner: 200, editor: 403, viewer: 403, outsider: 404, admin: 200 },
        ],
        [
          'PATCH',
          `/api/spaces/${team.id}`,
          { description: 'apples and pears' },
          { owner: 200, editor: 403, viewer: 403, outsider: 404, admin: 200 },
        ],
        [
          'PUT',
          `/api/spaces/${team.id}/members`,
          { email: 'nobody-yet@example.com', role: 'viewer' },
          { owner: 202, editor: 403, viewer: 403, outsider: 404, admin: 202 },
        ],
        [
          'DELETE',
          `/api/spaces/${team.id}/invitations?email=nobody-yet@example.com`,
          undefined,
          { editor: 403, viewer: 403, outsider: 404, owner: 204 },
        ],
        [
          'DELETE',
          `/api/spaces/${team.id}/members/${editor.userId}`,
          undefined,
          { viewer: 403, outsider: 404 },
        ],
        ['DELETE', `/api/spaces/${team.id}`, undefined, { editor: 403, viewer: 403, outsider: 404 }],
      ]
      const people: Record<string, Person> = { owner, editor, viewer, outsider, admin }
      for (const [method, url, payload, expected] of cases) {
        for (const [who, status] of Object.entries(expected)) {
          const res = await as(t.app, (people[who] as Person).token)(method, url, payload)
          assert.equal(res.statusCode, status, `${who} ${method} ${url}: ${res.body}`)
          if (status === 404)
            assert.deepEqual(JSON.parse(res.body), { detail: 'Space not found', code: 'not_found' })
          if (status === 403) assert.equal(JSON.parse(res.body).code, 'forbidden')
        }
      }
      const members = expectStatus<{ members: MemberBody[] }>(
        await as(t.app, owner.token)('GET', `/api/spaces/${team.id}/members`),
        200,
      ).members
      assert.deepEqual(
        members.map((m) => [m.email, m.role, m.status]),
        [
          [owner.email, 'owner', 'member'],
          [editor.email, 'editor', 'member'],
          [viewer.email, 'viewer', 'member'],
        ],
      )
      assert.ok(members.every((m) => m.user_id !== null))
    })

    it('answers 404 for an unknown or malformed id, the same as for a space one cannot read', async () => {
      const unreadable = await as(t.app, outsider.token)('GET', `/api/spaces/${team.id}`)
      for (const url of [
        `/api/spaces/${UNKNOWN}`,
        '/api/spaces/not-a-uuid',
        `/api/spaces/${UNKNOWN}/members`,
      ]) {
        const res = await as(t.app, outsider.token)('GET', url)
        assert.equal(res.statusCode, 404, url)
        assert.equal(JSON.parse(res.body).code, 'not_found')
      }
      assert.equal((await as(t.app, outsider.token)('GET', `/api/spaces/${UNKNOWN}`)).body, unreadable.body)
      // The same id in upper case is the same space.
      expectStatus(await as(t.app, viewer.token)('GET', `/api/spaces/${team.id.toUpperCase()}`), 200)
    })

    it('keeps personal spaces to their owner: admins get 404, and none can be renamed, shared, shown or deleted', async () => {
      const mine = (await listSpaces(t.app, owner.token)).find((s) => s.kind === 'personal') as SpaceBody
      for (const who of [admin, outsider]) {
        for (const [method, url, payload] of [
          ['GET', `/api/spaces/${mine.id}`, undefined],
          ['PATCH', `/api/spaces/${mine.id}`, { description: 'mine now' }],
          ['DELETE', `/api/spaces/${mine.id}`, undefined],
          ['GET', `/api/spaces/${mine.id}/members`, undefined],
          ['PUT', `/api/spaces/${mine.id}/members`, { email: who.email, role: 'viewer' }],
        ] as const) {
          const res = await as(t.app, who.token)(method, url, payload)
          assert.equal(res.statusCode, 404, `${method} ${url} ${res.body}`)
        }
        assert.ok(!(await listSpaces(t.app, who.token)).some((s) => s.id === mine.id))
      }
      const me = as(t.app, owner.token)
      for (const [method, url, payload] of [
        ['PATCH', `/api/spaces/${mine.id}`, { name: 'Renamed' }],
        ['PATCH', `/api/spaces/${mine.id}`, { visibility: 'everyone' }],
        ['DELETE', `/api/spaces/${mine.id}`, undefined],
        ['PUT', `/api/spaces/${mine.id}/members`, { email: outsider.email, role: 'viewer' }],
      ] as const) {
        const res = await me(method, url, payload)
        assert.equal(res.statusCode, 403, `${method} ${url} ${res.body}`)
        assert.equal(JSON.parse(res.body).code, 'forbidden')
      }
      const described = expectStatus<SpaceBody>(
        await me('PATCH', `/api/spaces/${mine.id}`, { description: 'notes' }),
        200,
      )
      assert.equal(described.name, 'My documents')
      assert.equal(described.description, 'notes')
      const members = expectStatus<{ members: MemberBody[] }>(
        await me('GET', `/api/spaces/${mine.id}/members`),
        200,
      )
      assert.deepEqual(
        members.members.map((m) => [m.user_id, m.role, m.status]),
        [[owner.userId, 'owner', 'member']],
      )
    })

    it('never deletes the shared library; admins own it, everyone else reads it', async () => {
      const shared = `/api/spaces/${SHARED_LIBRARY_ID}`
      const res = await as(t.app, admin.token)('DELETE', shared)
      assert.equal(res.statusCode, 403)
      assert.equal(JSON.parse(res.body).code, 'forbidden')
      assert.equal((await as(t.app, owner.token)('DELETE', shared)).statusCode, 403)
      assert.equal((await as(t.app, owner.token)('PATCH', shared, { name: 'Mine' })).statusCode, 403)
      assert.equal((await as(t.app, admin.token)('PATCH', shared, { visibility: 'members' })).statusCode, 403)
      assert.equal(
        (await as(t.app, admin.token)('PUT', `${shared}/members`, { email: owner.email, role: 'editor' }))
          .statusCode,
        403,
      )
      const renamed = expectStatus<SpaceBody>(
        await as(t.app, admin.token)('PATCH', shared, { description: 'Curated' }),
        200,
      )
      assert.equal(renamed.role, 'owner')
      assert.equal(
        expectStatus<SpaceBody>(await as(t.app, owner.token)('GET', shared), 200).description,
        'Curated',
      )
    })

    it('lets only admins make a space visible to everyone, who then read it as viewers', async () => {
      const space = await createSpace(t.app, owner.token)
      const url = `/api/spaces/${space.id}`
      assert.equal((await as(t.app, owner.token)('PATCH', url, { visibility: 'everyone' })).statusCode, 403)
      assert.equal(
        (await as(t.app, owner.token)('POST', '/api/spaces', { name: 'Open', visibility: 'everyone' }))
          .statusCode,
        403,
      )
      assert.equal((await as(t.app, outsider.token)('GET', url)).statusCode, 404)
      const opened = expectStatus<SpaceBody>(
        await as(t.app, admin.token)('PATCH', url, { visibility: 'everyone' }),
        200,
      )
      assert.equal(opened.visibility, 'everyone')
      const seen = expectStatus<SpaceBody>(await as(t.app, outsider.token)('GET', url), 200)
      assert.equal(seen.role, 'viewer')
      assert.ok((await listSpaces(t.app, outsider.token)).some((s) => s.id === space.id))
      assert.equal((await as(t.app, outsider.token)('PATCH', url, { name: 'x' })).statusCode, 403)
      // Its owner may keep it as it is, or close it again.
      expectStatus(
        await as(t.app, owner.token)('PATCH', url, { name: 'Still open', visibility: 'everyone' }),
        200,
      )
      const closed = expectStatus<SpaceBody>(
        await as(t.app, owner.token)('PATCH', url, { visibility: 'members' }),
        200,
      )
      assert.equal(closed.visibility, 'members')
      assert.equal((await as(t.app, outsider.token)('GET', url)).statusCode, 404)
      const adminMade = await createSpace(t.app, admin.token, { visibility: 'everyone' })
      assert.equal(adminMade.visibility, 'everyone')
    })

    it('keeps one owner in a team space (422 last_owner), and lets members leave', async () => {
      const space = await createSpace(t.app, owner.token)
      const url = `/api/spaces/${space.id}`
      const me = as(t.app, owner.token)
      const lastOwner = (res: { statusCode: number; body: string }) => {
        assert.equal(res.statusCode, 422, res.body)
        assert.equal(JSON.parse(res.body).code, 'last_owner')
      }
      lastOwner(await me('PUT', `${url}/members`, { email: owner.email, role: 'editor' }))
      lastOwner(await me('DELETE', `${url}/members/${owner.userId}`))
      lastOwner(await as(t.app, admin.token)('DELETE', `${url}/members/${owner.userId}`))
      lastOwner(
        await as(t.app, admin.token)('PUT', `${url}/members`, {
          email: owner.email.toUpperCase(),
          role: 'viewer',
        }),
      )
      await addMember(t.app, owner.token, space.id, editor, 'owner')
      const demoted = expectStatus<MemberBody>(
        await me('PUT', `${url}/members`, { email: owner.email, role: 'viewer' }),
        200,
      )
      assert.deepEqual([demoted.user_id, demoted.role, demoted.status], [owner.userId, 'viewer', 'member'])
      assert.equal((await me('GET', `${url}/members`)).statusCode, 403)
      lastOwner(await as(t.app, editor.token)('DELETE', `${url}/members/${editor.userId}`))
      // A viewer leaves on their own; removing them twice is 404.
      expectStatus(await me('DELETE', `${url}/members/${owner.userId}`), 204)
      assert.equal((await me('GET', url)).statusCode, 404)
      assert.equal(
        (await as(t.app, editor.token)('DELETE', `${url}/members/${owner.userId}`)).statusCode,
        404,
      )
      assert.equal((await as(t.app, editor.token)('DELETE', `${url}/members/${UNKNOWN}`)).statusCode, 404)
    })

    it('serialises concurrent demotions so that one owner always remains', async () => {
      const space = await createSpace(t.app, owner.token)
      const owners = [owner, editor, viewer, outsider]
      for (const p of owners.slice(1)) await addMember(t.app, owner.token, space.id, p, 'owner')
      const url = `/api/spaces/${space.id}/members`
      // Every owner steps down at once: without the lock each would count the others as owners.
      const results = await Promise.all(
        owners.map((p) => as(t.app, p.token)('PUT', url, { email: p.email, role: 'viewer' })),
      )
      assert.deepEqual(results.map((r) => r.statusCode).sort(), [200, 200, 200, 422])
      const left = await tdb.db.query<{ n: number | string }>(
        "select count(*) as n from space_members where space_id = $1 and role = 'owner'",
        [space.id],
      )
      assert.equal(Number(left[0]?.n), 1)
    })

    it('deletes a team space for its owner (204), then it is gone for everyone', async () => {
      const space = await createSpace(t.app, owner.token)
      await addMember(t.app, owner.token, space.id, viewer, 'viewer')
      expectStatus(
        await as(t.app, owner.token)('PUT', `/api/spaces/${space.id}/members`, {
          email: 'later@example.com',
          role: 'editor',
        }),
        202,
      )
      expectStatus(await as(t.app, owner.token)('DELETE', `/api/spaces/${space.id}`), 204)
      for (const p of [owner, viewer, admin]) {
        assert.equal((await as(t.app, p.token)('GET', `/api/spaces/${space.id}`)).statusCode, 404)
        assert.ok(!(await listSpaces(t.app, p.token)).some((s) => s.id === space.id))
      }
      assert.equal((await as(t.app, owner.token)('DELETE', `/api/spaces/${space.id}`)).statusCode, 404)
      for (const table of ['space_members', 'space_invitations']) {
        const rows = await tdb.db.query(`select 1 from ${table} where space_id = $1`, [space.id])
        assert.equal(rows.length, 0, table)
      }
      // Admins act as owners of team spaces.
      const other = await createSpace(t.app, outsider.token)
      expectStatus(await as(t.app, admin.token)('DELETE', `/api/spaces/${other.id}`), 204)
    })
  })

  describe(`spaces with SPACE_CREATION=admins [${kind}]`, () => {
    let t: TestApp
    before(async () => {
      t = await buildTestApp(kind, { ...ENV, SPACE_CREATION: 'admins' })
    })
    after(() => t.close())

    it('lets only admins create spaces', async () => {
      const user = await newUser(t.app, uniqueEmail('plain'))
      const res = await as(t.app, user.token)('POST', '/api/spaces', { name: 'Mine' })
      assert.equal(res.statusCode, 403)
      assert.equal(JSON.parse(res.body).code, 'forbidden')
      const a = await createUserWithSession(t.tdb.db, testConfig(), {
        email: uniqueEmail('adm'),
        role: 'admin',
      })
      const made = await createSpace(t.app, a.token, { name: 'Admins made this' })
      assert.equal(made.role, 'owner')
      // Members an admin adds still work as in any team space.
      await addMember(t.app, a.token, made.id, user, 'editor')
      assert.equal((await listSpaces(t.app, user.token)).find((s) => s.id === made.id)?.role, 'editor')
    })
  })
}
