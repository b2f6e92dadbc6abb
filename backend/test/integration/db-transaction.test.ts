// withTransaction hands out one connection scope: raw SQL and the query builder inside it see each
// other's uncommitted writes, commit together, and roll back together. withAdvisoryLock likewise.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { eq, sql } from 'drizzle-orm'
import { withTransaction } from '../../src/db/client.js'
import { recordedModel, recordModel } from '../../src/db/queries/vector.js'
import { kbMeta, users } from '../../src/db/schema/index.js'
import { createTestDatabase, dbKinds, type TestDatabase } from '../helpers/db.js'

async function emailsLike(tdb: TestDatabase, pattern: string): Promise<string[]> {
  const rows = await tdb.db.query<{ email: string }>(
    'select email from users where email like $1 order by email',
    [pattern],
  )
  return rows.map((r) => r.email)
}

for (const kind of dbKinds()) {
  describe(`withTransaction [${kind}]`, () => {
    let tdb: TestDatabase

    before(async () => {
      tdb = await createTestDatabase(kind)
    })
    after(async () => {
      await tdb.cleanup()
    })

    it('commits raw SQL and query-builder writes together, each seeing the other', async () => {
      const builderId = randomUUID()
      const seen = await withTransaction(tdb.db, async (tx) => {
        await tx.orm
          .insert(users)
          .values({ id: builderId, email: 'commit-builder@example.com', passwordHash: 'x' })
        await tx.query(`insert into users (id, email, password_hash) values ($1, $2, 'x')`, [
          randomUUID(),
          'commit-raw@example.com',
        ])
        const raw = await tx.query<{ email: string }>('select email from users where id = $1', [builderId])
        const built = await tx.orm
          .select({ email: users.email })
          .from(users)
          .where(eq(users.email, 'commit-raw@example.com'))
        return { raw: raw[0]?.email, built: built[0]?.email }
      })
      assert.deepEqual(seen, { raw: 'commit-builder@example.com', built: 'commit-raw@example.com' })
      assert.deepEqual(await emailsLike(tdb, 'commit-%'), [
        'commit-builder@example.com',
        'commit-raw@example.com',
      ])
    })

    it('rolls back both kinds of write when fn throws, and rethrows its error', async () => {
      const boom = new Error('boom')
      await assert.rejects(
        withTransaction(tdb.db, async (tx) => {
          await tx.orm
            .insert(users)
            .values({ id: randomUUID(), email: 'rollback-builder@example.com', passwordHash: 'x' })
          await tx.exec(
            `insert into users (id, email, password_hash) values ('${randomUUID()}', 'rollback-raw@example.com', 'x')`,
          )
          throw boom
        }),
        (err) => err === boom,
      )
      assert.deepEqual(await emailsLike(tdb, 'rollback-%'), [])
    })

    it('rolls back a nested query-builder transaction to its savepoint only', async () => {
      await withTransaction(tdb.db, async (tx) => {
        await tx.query(
          `insert into users (id, email, password_hash) values ($1, 'nested-outer@example.com', 'x')`,
          [randomUUID()],
        )
        await assert.rejects(
          tx.orm.transaction(async (inner) => {
            await inner
              .insert(users)
              .values({ id: randomUUID(), email: 'nested-inner@example.com', passwordHash: 'x' })
            throw new Error('inner')
          }),
          /inner/,
        )
      })
      assert.deepEqual(await emailsLike(tdb, 'nested-%'), ['nested-outer@example.com'])
    })

    it('keeps uncommitted writes from other connections (Postgres)', {
      skip: kind !== 'postgres',
    }, async () => {
      let release!: () => void
      const held = new Promise<void>((resolve) => {
        release = resolve
      })
      let inserted!: () => void
      const wrote = new Promise<void>((resolve) => {
        inserted = resolve
      })
      const done = withTransaction(tdb.db, async (tx) => {
        await tx.orm
          .insert(users)
          .values({ id: randomUUID(), email: 'hidden-builder@example.com', passwordHash: 'x' })
        await tx.query(
          `insert into users (id, email, password_hash) values ($1, 'hidden-raw@example.com', 'x')`,
          [randomUUID()],
        )
        inserted()
        await held
      })
      await wrote
      assert.deepEqual(await emailsLike(tdb, 'hidden-%'), [], 'the pool does not see the open transaction')
      release()
      await done
      assert.deepEqual(await emailsLike(tdb, 'hidden-%'), [
        'hidden-builder@example.com',
        'hidden-raw@example.com',
      ])
    })

    it('withAdvisoryLock hands out raw SQL and the query builder on the locked connection', async () => {
      await tdb.db.withAdvisoryLock(72_600_999, async (conn) => {
        // A session setting is visible only on the connection that set it.
        await conn.query("select set_config('app.probe', 'locked-conn', false)")
        await recordModel(conn, 'probe-model', 3)
        assert.deepEqual(await recordedModel(conn), { model: 'probe-model', dimensions: 3 })
        const rows = await conn.orm
          .select({ probe: sql<string>`current_setting('app.probe', true)` })
          .from(kbMeta)
          .where(eq(kbMeta.key, 'embedding_model'))
        assert.deepEqual(rows, [{ probe: 'locked-conn' }])
        await conn.query("select set_config('app.probe', '', false)")
      })
    })

    it('returns timestamps as Dates from raw SQL and the builder alike', async () => {
      const out = await withTransaction(tdb.db, async (tx) => {
        const id = randomUUID()
        await tx.orm.insert(users).values({ id, email: 'dates@example.com', passwordHash: 'x' })
        const [raw] = await tx.query<{ created_at: unknown }>('select created_at from users where id = $1', [
          id,
        ])
        const [built] = await tx.orm
          .select({ createdAt: users.createdAt })
          .from(users)
          .where(eq(users.id, id))
        return { raw: raw?.created_at, built: built?.createdAt }
      })
      assert.ok(out.raw instanceof Date, 'raw SQL gives a Date')
      assert.ok(out.built instanceof Date, 'the builder gives a Date')
      assert.equal(out.raw.getTime(), out.built.getTime())
    })
  })
}
