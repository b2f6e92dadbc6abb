// How spaces come and go (contract §10): deleting a team space takes its documents, chunks,
// postings and BM25 statistics in one transaction, at once, and leaves other spaces' statistics
// and scores as they were; migration 0008 gives every existing account My documents; every path
// that creates an account (sign-up, the CLI's `user create`, ADMIN_PASSWORD) creates its personal
// space with it.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import pino from 'pino'
import { bootstrapAdmins } from '../../src/auth/admin-bootstrap.js'
import { testConfig } from '../../src/config.js'
import type { Database } from '../../src/db/client.js'
import { migrate } from '../../src/db/migrate.js'
import { SHARED_LIBRARY_ID } from '../../src/db/queries/spaces.js'
import { createRagContext } from '../../src/rag/context.js'
import { ingestDocument } from '../../src/rag/ingest.js'
import { retrieve, search } from '../../src/rag/retrieve.js'
import type { RagContext } from '../../src/rag/types.js'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { newUser, uniqueEmail } from '../helpers/auth.js'
import { createTestDatabase, dbKinds, type TestDatabase } from '../helpers/db.js'
import { as, createSpace, expectStatus, listSpaces } from '../helpers/spaces.js'

const ENV = { RATE_LIMIT_AUTH: '10000/minute', RATE_LIMIT_GLOBAL: '100000/minute' }

async function count(db: Database, sql: string, params: unknown[]): Promise<number> {
  const rows = await db.query<{ n: number | string }>(sql, params)
  return Number(rows[0]?.n ?? 0)
}

/** Every row a space holds, table by table. */
async function holdings(db: Database, spaceId: string) {
  const out: Record<string, number> = {}
  for (const table of ['documents', 'chunks', 'chunk_terms', 'space_terms', 'space_stats', 'space_members']) {
    out[table] = await count(db, `select count(*) as n from ${table} where space_id = $1`, [spaceId])
  }
  return out
}

/** A space's BM25 statistics as stored, for comparing before and after. */
async function statistics(db: Database, spaceId: string) {
  const terms = await db.query('select lexeme, df from space_terms where space_id = $1 order by lexeme', [
    spaceId,
  ])
  const stats = await db.query(
    'select chunk_count, total_terms, weights_avgdl from space_stats where space_id = $1',
    [spaceId],
  )
  return { terms, stats }
}

for (const kind of dbKinds()) {
  describe(`deleting a space [${kind}]`, () => {
    let tdb: TestDatabase
    let t: TestApp
    let ctx: RagContext
    let owner: { email: string; token: string; userId: string }

    before(async () => {
      tdb = await createTestDatabase(kind)
      t = await buildTestApp(kind, ENV, { tdb })
      ctx = createRagContext(tdb.db, testConfig())
      owner = await newUser(t.app, uniqueEmail('deleter'))
    })
    after(async () => {
      await t.close()
      await tdb.cleanup()
    })

    it('removes documents, chunks, postings and statistics at once, and nothing of other spaces', async () => {
      const doomed = await createSpace(t.app, owner.token, { name: 'Doomed' })
      const kept = await createSpace(t.app, owner.token, { name: 'Kept' })
      const ingest = (spaceId: string, title: string, content: string) =>
        ingestDocument(ctx, { title, content, format: 'text', spaceId })
      const gone = await ingest(doomed.id, 'Quince', 'Quince trees need frost. Quince jelly sets well.')
      await ingest(doomed.id, 'Medlar', 'Medlars are eaten bletted, after frost, like a quince.')
      await ingest(kept.id, 'Quince care', 'Prune a quince tree lightly in winter; quince fruit ripens late.')
      await ingest(SHARED_LIBRARY_ID, 'Orchard frost', 'Frost protects some fruit trees and harms others.')

      const listed = (await listSpaces(t.app, owner.token)).find((s) => s.id === doomed.id)
      assert.equal(listed?.documents, 2)
      const before = await holdings(tdb.db, doomed.id)
      for (const [table, n] of Object.entries(before)) assert.ok(n > 0, `${table} holds rows before`)
      const otherStats = [await statistics(tdb.db, kept.id), await statistics(tdb.db, SHARED_LIBRARY_ID)]
      const otherScores = await search(ctx, 'quince frost', { k: 10 }, [kept.id, SHARED_LIBRARY_ID])
      assert.ok(otherScores.length > 0)
      assert.ok((await search(ctx, 'quince frost', { k: 10 }, [doomed.id])).length > 0)

      expectStatus(await as(t.app, owner.token)('DELETE', `/api/spaces/${doomed.id}`), 204)

      assert.deepEqual(await holdings(tdb.db, doomed.id), {
        documents: 0,
        chunks: 0,
        chunk_terms: 0,
        space_terms: 0,
        space_stats: 0,
        space_members: 0,
      })
      assert.deepEqual(await search(ctx, 'quince frost', { k: 10 }, [doomed.id]), [])
      assert.deepEqual(await retrieve(ctx, 'How do quince trees like frost?', { k: 10 }, [doomed.id]), [])
      assert.equal((await as(t.app, owner.token)('GET', `/api/documents/${gone.id}`)).statusCode, 404)
      assert.deepEqual(
        [await statistics(tdb.db, kept.id), await statistics(tdb.db, SHARED_LIBRARY_ID)],
        otherStats,
      )
      assert.deepEqual(
        await search(ctx, 'quince frost', { k: 10 }, [kept.id, SHARED_LIBRARY_ID]),
        otherScores,
      )
      assert.equal((await listSpaces(t.app, owner.token)).find((s) => s.id === kept.id)?.documents, 1)
    })
  })

  describe(`personal spaces for every account [${kind}]`, () => {
    let tdb: TestDatabase
    before(async () => {
      tdb = await createTestDatabase(kind)
    })
    after(() => tdb.cleanup())

    // Plain objects: postgres-js hands back its own Result array.
    const personalOf = async (email: string) =>
      (
        await tdb.db.query<{ name: string; created_by: string | null; owner_id: string }>(
          `select s.name, s.created_by, s.owner_id from spaces s join users u on u.id = s.owner_id
         where s.kind = 'personal' and u.email = $1`,
          [email],
        )
      ).map((r) => ({ name: r.name, created_by: r.created_by, owner_id: r.owner_id }))

    it('migration 0008 gives My documents to every account that has none', async () => {
      // Accounts from before 0008: rewind it, add two users (one already has a personal space).
      await tdb.db.exec(`delete from schema_migrations where tag = '0008_space-invitations';
        drop table space_invitations; delete from spaces where kind = 'personal'`)
      const ids = ['0190a8f0-0000-7000-8000-0000000000a1', '0190a8f0-0000-7000-8000-0000000000a2']
      for (const [i, id] of ids.entries()) {
        await tdb.db.query(`insert into users (id, email, password_hash) values ($1, $2, 'x')`, [
          id,
          `pre-${i}@example.com`,
        ])
      }
      await tdb.db.query(
        `insert into spaces (id, name, kind, owner_id) values ('0190a8f0-0000-7000-8000-0000000000b1', 'Kept', 'personal', $1)`,
        [ids[1]],
      )
      assert.deepEqual(await migrate(tdb.db), ['0008_space-invitations'])
      const first = await personalOf('pre-0@example.com')
      assert.deepEqual(first, [{ name: 'My documents', created_by: ids[0], owner_id: ids[0] }])
      assert.deepEqual(
        (await personalOf('pre-1@example.com')).map((r) => r.name),
        ['Kept'],
      )
      assert.deepEqual(await migrate(tdb.db), [])
    })

    it('ADMIN_PASSWORD creates the admin account with its personal space', async () => {
      const config = testConfig({
        ADMIN_EMAILS: 'boot@example.com',
        ADMIN_PASSWORD: 'violet-harbor-lantern-42',
      })
      await bootstrapAdmins(tdb.db, config, pino({ level: 'silent' }))
      const rows = await personalOf('boot@example.com')
      assert.equal(rows.length, 1)
      assert.equal(rows[0]?.name, 'My documents')
    })

    it('sign-up creates the account and its personal space together', async () => {
      const t = await buildTestApp(kind, ENV, { tdb })
      try {
        const p = await newUser(t.app, uniqueEmail('signup'))
        const rows = await personalOf(p.email)
        assert.deepEqual(rows, [{ name: 'My documents', created_by: p.userId, owner_id: p.userId }])
        const spaces = await listSpaces(t.app, p.token)
        assert.equal(spaces.filter((s) => s.kind === 'personal').length, 1)
      } finally {
        await t.close()
      }
    })
  })
}
