// Each test file gets its own database: a fresh Postgres database (TEST_DATABASE_URL) or an
// in-memory PGlite started from a cached, already-migrated dump (~1 s instead of ~5 s).
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { vector } from '@electric-sql/pglite-pgvector'
import { type Database, databaseOnPglite, openDatabase, openScratchPostgres } from '../../src/db/client.js'
import { listMigrations, migrate } from '../../src/db/migrate.js'

export type DbKind = 'pglite' | 'postgres'

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || null
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL || null
const IN_CI = process.env.CI === 'true'

/** The database variants this run covers; under CI a missing service is an error, not a skip. */
export function dbKinds(): DbKind[] {
  if (TEST_DATABASE_URL) return ['pglite', 'postgres']
  if (IN_CI) throw new Error('CI=true but TEST_DATABASE_URL is not set: the Postgres variants cannot run')
  return ['pglite']
}

/** For node:test `skip`: a reason string when Redis tests cannot run, else false. */
export function redisSkipReason(): string | false {
  if (TEST_REDIS_URL) return false
  if (IN_CI) throw new Error('CI=true but TEST_REDIS_URL is not set: the Redis tests cannot run')
  return 'TEST_REDIS_URL not set'
}

function migrationsHash(): string {
  const h = createHash('sha256')
  for (const m of listMigrations()) h.update(m.tag).update(m.statements.join('\n'))
  return h.digest('hex').slice(0, 16)
}

async function pgliteSeed(): Promise<Blob> {
  const path = join(tmpdir(), `rag-auth-pglite-seed-${migrationsHash()}.tar.gz`)
  if (existsSync(path)) return new Blob([readFileSync(path)])
  const seeded = await PGlite.create({ extensions: { vector } })
  await migrate(await databaseOnPglite(seeded))
  const dump = await seeded.dumpDataDir('gzip')
  await seeded.close()
  const tmp = `${path}.${process.pid}.tmp`
  writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()))
  renameSync(tmp, path)
  return dump
}

export interface TestDatabase {
  db: Database
  kind: DbKind
  /** Postgres only: the URL of this file's own database (for child processes). */
  url: string | null
  cleanup(): Promise<void>
}

export async function createTestDatabase(kind: DbKind): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const db = await openDatabase({ databaseUrl: null, pgliteDir: null, pgliteSeed: await pgliteSeed() })
    await migrate(db)
    return { db, kind, url: null, cleanup: () => db.close() }
  }
  if (!TEST_DATABASE_URL) throw new Error('TEST_DATABASE_URL is not set')
  const name = `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`
  const { db, url, drop } = await openScratchPostgres(TEST_DATABASE_URL, name, 5)
  await migrate(db)
  return { db, kind, url, cleanup: drop }
}

/**
 * Postgres only: how many connections of this database wait for a lock now — for tests that order
 * two requests by holding a row lock until the other one queues behind it.
 */
export async function lockWaiters(db: Database): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `select count(*)::int as n from pg_stat_activity
       where datname = current_database() and wait_event_type = 'Lock'`,
  )
  return Number(rows[0]?.n)
}
