// Applies the committed drizzle-kit SQL migrations in order, once each, under an advisory lock,
// so several instances starting together on one empty Postgres do not race.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Database, Executor } from './client.js'

const MIGRATIONS_DIR = fileURLToPath(new URL('../../drizzle/', import.meta.url))
/** Advisory lock keys (arbitrary, stable). */
export const LOCK_MIGRATE = 72_600_001
export const LOCK_DEMO_CORPUS = 72_600_002

interface Journal {
  entries: { idx: number; tag: string }[]
}

export function listMigrations(dir = MIGRATIONS_DIR): { tag: string; statements: string[] }[] {
  const journal = JSON.parse(readFileSync(`${dir}meta/_journal.json`, 'utf8')) as Journal
  return journal.entries
    .sort((a, b) => a.idx - b.idx)
    .map(({ tag }) => ({
      tag,
      statements: readFileSync(`${dir}${tag}.sql`, 'utf8')
        .split('--> statement-breakpoint')
        .map((s) => s.trim())
        .filter(Boolean),
    }))
}

/** The tags applied to this database, in order (the table exists once migrate() has run). */
export async function appliedMigrations(ex: Executor): Promise<string[]> {
  return (await ex.query<{ tag: string }>('select tag from schema_migrations order by tag')).map((r) => r.tag)
}

/** Returns the tags applied by this call. */
export async function migrate(db: Database, dir = MIGRATIONS_DIR): Promise<string[]> {
  const migrations = listMigrations(dir)
  return db.withAdvisoryLock(LOCK_MIGRATE, async (conn) => {
    await conn.exec(
      'create table if not exists schema_migrations (tag text primary key, applied_at timestamptz not null default now())',
    )
    const done = new Set(await appliedMigrations(conn))
    const applied: string[] = []
    for (const m of migrations) {
      if (done.has(m.tag)) continue
      await conn.exec('begin')
      try {
        for (const statement of m.statements) await conn.exec(statement)
        await conn.query('insert into schema_migrations (tag) values ($1)', [m.tag])
        await conn.exec('commit')
      } catch (err) {
        await conn.exec('rollback')
        throw err
      }
      applied.push(m.tag)
    }
    return applied
  })
}
