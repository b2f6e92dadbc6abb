// Spaces under parallel requests (docs/api.md §7, §10, §13, §14): an invitation is used once
// (two accepts, accept racing a withdraw or the space's deletion); a document posted while its
// space is deleted leaves nothing behind; parallel posts of one source make one document; a space
// keeps an owner when its co-owners leave and delete their accounts at once; two admins deleting
// each other at once leave one.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { testConfig } from '../../src/config.js'
import { withTransaction } from '../../src/db/client.js'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { newUser, PASSWORD, uniqueEmail } from '../helpers/auth.js'
import { createTestDatabase, dbKinds, lockWaiters, type TestDatabase } from '../helpers/db.js'
import { as, createSpace } from '../helpers/spaces.js'
import { createUserWithSession } from '../helpers/users.js'

const ENV = { RATE_LIMIT_AUTH: '100000/minute', RATE_LIMIT_GLOBAL: '100000/minute' }
const ROUNDS = 3

interface Person {
  email: string
  token: string
  userId: string
}

for (const kind of dbKinds()) {
  describe(`space races [${kind}]`, () => {
    let tdb: TestDatabase
    let t: TestApp
    let owner: Person

    const person = (): Promise<Person> => newUser(t.app, uniqueEmail('race-sp'))
    const count = async (sql: string, params: unknown[]) =>
      Number((await tdb.db.query<{ n: number | string }>(sql, params))[0]?.n)
    const invite = async (spaceId: string, email: string, role = 'viewer') => {
      const res = await as(t.app, owner.token)('PUT', `/api/spaces/${spaceId}/members`, { email, role })
      assert.equal(res.statusCode, 202, res.body)
    }
    const invite2 = async (from: Person, spaceId: string, to: Person, role: string) => {
      const res = await as(t.app, from.token)('PUT', `/api/spaces/${spaceId}/members`, {
        email: to.email,
        role,
      })
      assert.equal(res.statusCode, 202, res.body)
      assert.equal((await as(t.app, to.token)('POST', `/api/spaces/${spaceId}/accept`)).statusCode, 200)
    }
    const noServerError = (rs: { statusCode: number; body: string }[]) => {
      for (const r of rs) assert.ok(r.statusCode < 500, `${r.statusCode} ${r.body}`)
    }

    before(async () => {
      tdb = await createTestDatabase(kind)
      t = await buildTestApp(kind, ENV, { tdb })
      owner = await person()
    })
    after(async () => {
      await t.close()
      await tdb.cleanup()
    })

    it('two accepts of one invitation: one 200, one 404, one membership', async () => {
      for (let i = 0; i < ROUNDS; i++) {
        const space = await createSpace(t.app, owner.token)
        const guest = await person()
        await invite(space.id, guest.email)
        const accept = () => as(t.app, guest.token)('POST', `/api/spaces/${space.id}/accept`)
        const rs = await Promise.all([accept(), accept(), accept()])
        assert.deepEqual(rs.map((r) => r.statusCode).sort(), [200, 404, 404])
        const n = await count(
          'select count(*) as n from space_members where space_id = $1 and user_id = $2',
          [space.id, guest.userId],
        )
        assert.equal(n, 1)
      }
    })

    it('an accept racing the withdrawal: exactly one of them wins', async () => {
      for (let i = 0; i < ROUNDS * 2; i++) {
        const space = await createSpace(t.app, owner.token)
        const guest = await person()
        await invite(space.id, guest.email)
        const [accepted, withdrawn] = await Promise.all([
          as(t.app, guest.token)('POST', `/api/spaces/${space.id}/accept`),
          as(t.app, owner.token)(
            'DELETE',
            `/api/spaces/${space.id}/invitations?email=${encodeURIComponent(guest.email)}`,
          ),
        ])
        const member = await count(
          'select count(*) as n from space_members where space_id = $1 and user_id = $2',
          [space.id, guest.userId],
        )
        if (accepted.statusCode === 200) {
          assert.equal(withdrawn.statusCode, 404, withdrawn.body)
          assert.equal(member, 1)
        } else {
          assert.deepEqual([accepted.statusCode, withdrawn.statusCode], [404, 204])
          assert.equal(member, 0)
        }
      }
    })

    it('an accept racing the space deletion: no 500, nothing left of the space', async () => {
      for (let i = 0; i < ROUNDS; i++) {
        const space = await createSpace(t.app, owner.token)
        const guest = await person()
        await invite(space.id, guest.email)
        const accept = () => as(t.app, guest.token)('POST', `/api/spaces/${space.id}/accept`)
        const remove = () => as(t.app, owner.token)('DELETE', `/api/spaces/${space.id}`)
        const rs =
          i % 2
            ? await Promise.all([accept(), remove()])
            : (await Promise.all([remove(), accept()])).reverse()
        noServerError(rs)
        assert.equal(rs[1]?.statusCode, 204)
        assert.ok([200, 404].includes(rs[0]?.statusCode ?? 0))
        for (const table of ['space_members', 'space_invitations']) {
          assert.equal(await count(`select count(*) as n from ${table} where space_id = $1`, [space.id]), 0)
        }
        assert.equal((await as(t.app, guest.token)('GET', `/api/spaces/${space.id}`)).statusCode, 404)
      }
    })

    it('documents posted while their space is deleted: 201 or 404, no orphan rows', async () => {
      for (let i = 0; i < ROUNDS; i++) {
        const space = await createSpace(t.app, owner.token)
        const post = (n: number) =>
          as(t.app, owner.token)('POST', '/api/documents', {
            title: `Race ${n}`,
            content: `# Race ${n}\n\nThe orchard keeps ${n} apple trees near the river bend.`,
            source: `race-${n}.md`,
            space_id: space.id,
          })
        // The deletion starts with the posts, a moment later, or once the first document is in.
        const posts = [1, 2, 3, 4, 5, 6].map(post)
        if (i === 1) await new Promise((r) => setTimeout(r, 20))
        if (i === 2) await posts[0]
        const deleted = await as(t.app, owner.token)('DELETE', `/api/spaces/${space.id}`)
        assert.equal(deleted.statusCode, 204, deleted.body)
        const rs = await Promise.all(posts)
        noServerError(rs)
        for (const r of rs) assert.ok([201, 404].includes(r.statusCode), r.body)
        for (const table of ['documents', 'chunks', 'chunk_terms', 'space_terms', 'space_stats']) {
          assert.equal(
            await count(`select count(*) as n from ${table} where space_id = $1`, [space.id]),
            0,
            table,
          )
        }
      }
    })

    it('parallel posts of one source with different content make one document', async () => {
      const space = await createSpace(t.app, owner.token)
      const post = (n: number) =>
        as(t.app, owner.token)('POST', '/api/documents', {
          title: 'Pruning guide',
          content: `# Pruning\n\nVersion ${n}: prune the pear trees in late winter, round ${n}.`,
          source: 'guides/pruning.md',
          space_id: space.id,
        })
      const rs = await Promise.all([1, 2, 3, 4].map(post))
      noServerError(rs)
      assert.deepEqual(rs.map((r) => r.statusCode).sort(), [200, 200, 200, 201])
      assert.equal(new Set(rs.map((r) => JSON.parse(r.body).id)).size, 1)
      assert.equal(await count('select count(*) as n from documents where space_id = $1', [space.id]), 1)
    })

    it('co-owners leaving and deleting their accounts at once leave the space an owner', async () => {
      for (let i = 0; i < ROUNDS; i++) {
        const a = await person()
        const b = await person()
        const space = await createSpace(t.app, a.token)
        const inviteB = await as(t.app, a.token)('PUT', `/api/spaces/${space.id}/members`, {
          email: b.email,
          role: 'owner',
        })
        assert.equal(inviteB.statusCode, 202)
        assert.equal((await as(t.app, b.token)('POST', `/api/spaces/${space.id}/accept`)).statusCode, 200)
        const rs = await Promise.all([
          t.app.inject({
            method: 'DELETE',
            url: '/api/auth/account',
            headers: { authorization: `Bearer ${a.token}` },
            payload: { password: PASSWORD },
          }),
          as(t.app, b.token)('DELETE', `/api/spaces/${space.id}/members/${b.userId}`),
        ])
        noServerError(rs)
        assert.deepEqual(rs.map((r) => r.statusCode).sort(), [204, 422], rs.map((r) => r.body).join(' '))
        const owners = await count(
          "select count(*) as n from space_members where space_id = $1 and role = 'owner'",
          [space.id],
        )
        assert.equal(owners, 1)
      }
    })

    it('an account deleted while a co-owner promotes it and then leaves keeps the space an owner', {
      skip: kind !== 'postgres' && 'needs a second connection to hold the deletion',
    }, async () => {
      const a = await person()
      const b = await person()
      const space = await createSpace(t.app, b.token)
      await invite2(b, space.id, a, 'editor')
      const [personal] = await tdb.db.query<{ id: string }>(
        "select id from spaces where kind = 'personal' and owner_id = $1",
        [a.userId],
      )
      const until = async (done: () => Promise<boolean>) => {
        for (let i = 0; !(await done()); i++) {
          if (i > 500) throw new Error('timed out')
          await new Promise((r) => setTimeout(r, 10))
        }
      }
      let deletion: Promise<{ statusCode: number; body: string }> | undefined
      let moves: Promise<{ statusCode: number; body: string }[]> | undefined
      await withTransaction(tdb.db, async (tx) => {
        // The deletion of A's account stops at A's personal space (held here), after its checks.
        await tx.query('select id from spaces where id = $1 for update', [personal?.id])
        deletion = t.app.inject({
          method: 'DELETE',
          url: '/api/auth/account',
          headers: { authorization: `Bearer ${a.token}` },
          payload: { password: PASSWORD },
        })
        await until(async () => (await lockWaiters(tdb.db)) >= 1)
        // Meanwhile B makes A an owner and leaves: fine while A stays, not once A is gone.
        let settled = false
        moves = (async () => [
          await as(t.app, b.token)('PUT', `/api/spaces/${space.id}/members`, {
            email: a.email,
            role: 'owner',
          }),
          await as(t.app, b.token)('DELETE', `/api/spaces/${space.id}/members/${b.userId}`),
        ])().finally(() => {
          settled = true
        })
        await until(async () => settled || (await lockWaiters(tdb.db)) >= 2)
      })
      const rs = [await (deletion as Promise<{ statusCode: number; body: string }>), ...((await moves) ?? [])]
      noServerError(rs)
      assert.equal(rs[0]?.statusCode, 204, rs[0]?.body)
      const owners = await count(
        "select count(*) as n from space_members where space_id = $1 and role = 'owner'",
        [space.id],
      )
      assert.equal(owners, 1, rs.map((r) => `${r.statusCode} ${r.body}`).join(' | '))
    })

    it('requests in flight while an admin deletes their user: never a 500', async () => {
      const admin = await createUserWithSession(tdb.db, testConfig(ENV), {
        email: uniqueEmail('race-admin'),
        role: 'admin',
      })
      for (let i = 0; i < ROUNDS * 2; i++) {
        const u = await person()
        const space = await createSpace(t.app, owner.token)
        await invite(space.id, u.email)
        const me = as(t.app, u.token)
        const rs = await Promise.all([
          me('POST', '/api/chat/message', { message: 'How many apple trees does the orchard keep?' }),
          me('POST', `/api/spaces/${space.id}/accept`),
          me('POST', '/api/auth/api-keys', { password: PASSWORD, name: `k${i}` }),
          me('POST', '/api/documents', { title: 'Notes', content: `# Notes\n\nPear trees ${i}.` }),
          as(t.app, admin.token)('DELETE', `/api/admin/users/${u.userId}`),
          me('POST', '/api/chat/message', { message: 'Which trees grow near the river?' }),
        ])
        noServerError(rs)
        assert.equal(rs[4]?.statusCode, 204, rs[4]?.body)
      }
    })

    it('a conversation deleted while its next answer is on its way: 200 or 404, never a 500', async () => {
      const u = await person()
      const me = as(t.app, u.token)
      for (let i = 0; i < ROUNDS * 2; i++) {
        const first = await me('POST', '/api/chat/message', { message: 'Which trees grow near the river?' })
        assert.equal(first.statusCode, 200, first.body)
        const id = JSON.parse(first.body).conversation_id as string
        const ask = () => me('POST', '/api/chat/message', { message: 'And pears?', conversation_id: id })
        const rs = await Promise.all([ask(), me('DELETE', `/api/chat/conversations/${id}`), ask()])
        noServerError(rs)
        assert.equal(rs[1]?.statusCode, 204)
        for (const r of [rs[0], rs[2]]) assert.ok([200, 404].includes(r?.statusCode ?? 0), r?.body)
        assert.equal((await me('GET', `/api/chat/conversations/${id}`)).statusCode, 404)
      }
    })

    it('two admins deleting each other at once leave one admin', async () => {
      await tdb.db.query("update users set role = 'user' where role = 'admin'", [])
      const config = testConfig(ENV)
      const x = await createUserWithSession(tdb.db, config, { email: uniqueEmail('race-x'), role: 'admin' })
      const y = await createUserWithSession(tdb.db, config, { email: uniqueEmail('race-y'), role: 'admin' })
      const rs = await Promise.all([
        as(t.app, x.token)('DELETE', `/api/admin/users/${y.user.id}`),
        as(t.app, y.token)('DELETE', `/api/admin/users/${x.user.id}`),
      ])
      noServerError(rs)
      assert.equal(rs.filter((r) => r.statusCode === 204).length, 1, rs.map((r) => r.body).join(' '))
      assert.equal(await count("select count(*) as n from users where role = 'admin'", []), 1)
    })
  })
}
