// One Database type over the two drivers: PGlite (embedded, default) and Postgres (DATABASE_URL).
// Each driver is imported when a database of its kind is opened, so an instance loads only the
// one it uses (PGlite and its pgvector build are ~8 MiB of memory a Postgres instance never needs).
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { PGlite, Transaction as PgliteTransactionClient } from '@electric-sql/pglite'
import {
  createTableRelationsHelpers,
  extractTablesRelationalConfig,
  type RelationalSchemaConfig,
  type TablesRelationalConfig,
} from 'drizzle-orm'
import { PgDatabase, PgDialect, type PgQueryResultHKT } from 'drizzle-orm/pg-core'
import type postgres from 'postgres'
import * as schema from './schema/index.js'

export type Schema = typeof schema
export type Orm = PgDatabase<PgQueryResultHKT, Schema>

/** Raw SQL on one connection (the pool, a transaction, or a reserved connection). */
export interface Executor {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>
  /** Several statements, no parameters. */
  exec(text: string): Promise<void>
}

/**
 * Where statements go: the pool (a Database) or one transaction (inside withTransaction).
 * Raw SQL through the Executor methods, the query builder through `orm`; both use the same
 * connection, so inside a transaction they see each other's writes.
 */
export interface Conn extends Executor {
  readonly orm: Orm
}

/**
 * The driver's own handle, kept on the Database that opened it so that transactions and
 * reserved connections need nothing from drizzle's internals. `conn` wraps a transaction
 * client of this driver the same way the pool is wrapped (one executor per driver).
 */
export type Driver =
  | { kind: 'pglite'; client: PGlite; conn(tx: PgliteTransactionClient): Conn }
  | { kind: 'postgres'; client: postgres.Sql; conn(tx: postgres.TransactionSql): Conn }

/** One SQL statement with its parameters. */
export interface Statement {
  text: string
  params?: unknown[]
}

export interface Database extends Conn {
  kind: 'pglite' | 'postgres'
  driver: Driver
  /**
   * The statements in order in one transaction, sent together: one round trip on Postgres
   * (begin, the statements and commit are pipelined on one connection) instead of one each.
   * Every statement takes its own snapshot (READ COMMITTED), so one sees what an earlier one
   * waited for (a row lock). The rows of each statement; the first error rolls everything back.
   */
  batch(statements: Statement[]): Promise<Record<string, unknown>[][]>
  /** Runs fn on one connection while holding a session-level advisory lock. */
  withAdvisoryLock<T>(key: number, fn: (conn: Conn) => Promise<T>): Promise<T>
  ping(timeoutMs: number): Promise<boolean>
  close(): Promise<void>
}

export interface OpenOptions {
  databaseUrl: string | null
  /** PGlite directory; null = in memory (tests). */
  pgliteDir: string | null
  /** Postgres pool size. */
  max?: number
  /** PGlite: a dump (from dumpDataDir) to start from, which skips initdb — used by tests. */
  pgliteSeed?: Blob
}

// Drizzle's transaction handle over a transaction client we hold, built the way drizzle's own
// transaction() builds it; the dialect and the relational schema depend on no driver.
const dialect = new PgDialect()
let relational: RelationalSchemaConfig<TablesRelationalConfig> | undefined
function relationalSchema(): RelationalSchemaConfig<TablesRelationalConfig> {
  if (!relational) {
    const { tables, tableNamesMap } = extractTablesRelationalConfig(schema, createTableRelationsHelpers)
    relational = { fullSchema: schema, schema: tables, tableNamesMap }
  }
  return relational
}

/** A Conn whose query builder is made on first use: most transactions only send raw SQL. */
function connOf(ex: Executor, makeOrm: () => Orm): Conn {
  let orm: Orm | undefined
  return {
    ...ex,
    get orm() {
      orm ??= makeOrm()
      return orm
    },
  }
}

/**
 * Statements built once per query builder (one per connection scope) and kept for it: `build`
 * makes them with placeholders and `.prepare(name)`, so a request only binds values (building a
 * statement again on every request costs more than sending it). Returns the lookup.
 */
export function preparedPer<T>(build: (orm: Orm) => T): (ex: Conn) => T {
  const built = new WeakMap<Orm, T>()
  return (ex) => {
    let s = built.get(ex.orm)
    if (s === undefined) {
      s = build(ex.orm)
      built.set(ex.orm, s)
    }
    return s
  }
}

/** Runs fn in one transaction: committed when fn resolves, rolled back when it throws. */
export async function withTransaction<T>(db: Database, fn: (tx: Conn) => Promise<T>): Promise<T> {
  const d = db.driver
  // PGlite's transaction() holds its connection mutex, so no other request's statement can
  // interleave with ours (a bare `begin` on the shared PGlite connection would let them in);
  // on Postgres `begin` pins one pooled connection.
  if (d.kind === 'pglite') return d.client.transaction((t) => fn(d.conn(t)))
  return d.client.begin((t) => fn(d.conn(t))) as Promise<T>
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined
  const t = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms)
  })
  return Promise.race([p, t]).finally(() => clearTimeout(timer))
}

async function openPostgres(url: string, max: number): Promise<Database> {
  const [{ default: connect }, { drizzle: drizzlePostgres, PostgresJsSession, PostgresJsTransaction }] =
    await Promise.all([import('postgres'), import('drizzle-orm/postgres-js')])
  const sql = connect(url, {
    max,
    connect_timeout: 5,
    idle_timeout: 60,
    max_lifetime: 60 * 30,
    // The driver's default reconnect backoff grows to 20 s after a few failures (shared by the
    // pool), so after an outage queued queries hung up to 20 s past the database's return.
    // Retry quickly instead: during an outage queries fail within ~1 s (→ 503), and recover as fast.
    backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1),
    onnotice: () => {},
    // Dates and numbers as the drivers' defaults; bigint counts come back as strings.
  })
  // drizzle() swaps postgres-js' timestamp parsers for identity functions (it maps them itself);
  // put the Date parsers back so raw queries return Dates on Postgres, as they do on PGlite.
  // Likewise its timestamptz serializer, so a Date parameter in a raw query is sent as ISO text
  // (drizzle itself hands the driver ISO strings, which the original serializer accepts too).
  const parsers = { ...sql.options.parsers }
  const serializers = { ...sql.options.serializers }
  const orm = drizzlePostgres(sql, { schema }) as unknown as Orm
  for (const oid of [1114, 1184]) {
    const original = parsers[oid]
    if (original) sql.options.parsers[oid] = original
  }
  if (serializers[1184]) sql.options.serializers[1184] = serializers[1184]
  // Named (prepared) statements: postgres-js sends an unprepared query with parameters as
  // Parse/Describe, waits, then Bind/Execute — two round trips each time. Prepared, it is one
  // Bind/Execute after the first use per connection (bench: 2–3× the session lookup's req/s).
  // Every raw SQL text in db/queries is constant, so the set of statements stays bounded.
  const executorOf = (s: postgres.Sql | postgres.ReservedSql | postgres.TransactionSql): Executor => ({
    query: async <T>(text: string, params: unknown[] = []) =>
      (await s.unsafe(text, params as postgres.ParameterOrJSON<never>[], {
        prepare: true,
      })) as unknown as T[],
    exec: async (text: string) => {
      await s.unsafe(text).simple()
    },
  })
  const rel = relationalSchema()
  return {
    kind: 'postgres',
    driver: {
      kind: 'postgres',
      client: sql,
      conn: (t) =>
        connOf(executorOf(t), () => {
          // drizzle declares its session over Sql but a transaction's session over TransactionSql;
          // its own transaction() hands the session a TransactionSql, as here.
          const session = new PostgresJsSession(t as unknown as postgres.Sql, dialect, rel)
          return new PostgresJsTransaction(dialect, session as never, rel) as unknown as Orm
        }),
    },
    orm,
    ...executorOf(sql),
    async batch(statements) {
      const conn = await sql.reserve()
      try {
        // Queries issued in one tick share one write (postgres-js coalesces them).
        const settled = await Promise.allSettled([
          conn.unsafe('begin'),
          ...statements.map((s) =>
            conn.unsafe(s.text, (s.params ?? []) as postgres.ParameterOrJSON<never>[], { prepare: true }),
          ),
          conn.unsafe('commit'),
        ])
        // After a failed statement the rest fail too and `commit` rolls back; report the cause.
        const failed = settled.find((r) => r.status === 'rejected')
        if (failed) {
          await conn.unsafe('rollback').catch(() => {})
          throw failed.reason
        }
        return settled.slice(1, -1).map((r) => (r as PromiseFulfilledResult<Record<string, unknown>[]>).value)
      } finally {
        conn.release()
      }
    },
    async withAdvisoryLock(key, fn) {
      const conn = await sql.reserve()
      try {
        await conn.unsafe('select pg_advisory_lock($1)', [key])
        try {
          return await fn(
            connOf(executorOf(conn), () => {
              const session = new PostgresJsSession(conn, dialect, rel)
              return new PgDatabase(dialect, session, rel) as unknown as Orm
            }),
          )
        } finally {
          await conn.unsafe('select pg_advisory_unlock($1)', [key])
        }
      } finally {
        conn.release()
      }
    },
    async ping(timeoutMs) {
      const r = await withTimeout(
        sql`select 1 as ok`.then(() => true).catch(() => false),
        timeoutMs,
      )
      return r === true
    },
    async close() {
      await sql.end({ timeout: 5 })
    },
  }
}

async function openPglite(dir: string | null, seed?: Blob): Promise<Database> {
  if (dir) mkdirSync(dir, { recursive: true })
  const [{ PGlite }, { vector }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite-pgvector'),
  ])
  // A data directory that ever loaded `vector` must always be opened with it, so always load it.
  const pg = await PGlite.create(dir ?? undefined, {
    extensions: { vector },
    ...(seed ? { loadDataDir: seed } : {}),
  })
  return databaseOnPglite(pg)
}

/** A Database over a PGlite instance the caller created (tests build their seed dump with it). */
export async function databaseOnPglite(pg: PGlite): Promise<Database> {
  const { drizzle: drizzlePglite, PgliteSession, PgliteTransaction } = await import('drizzle-orm/pglite')
  const orm = drizzlePglite(pg, { schema }) as unknown as Orm
  const executorOf = (c: PGlite | PgliteTransactionClient): Executor => ({
    query: async <T>(text: string, params: unknown[] = []) => (await c.query<T>(text, params)).rows,
    exec: async (text: string) => {
      await c.exec(text)
    },
  })
  const executor = executorOf(pg)
  const rel = relationalSchema()
  return {
    kind: 'pglite',
    driver: {
      kind: 'pglite',
      client: pg,
      conn: (t) =>
        connOf(executorOf(t), () => {
          const session = new PgliteSession(t, dialect, rel)
          return new PgliteTransaction(dialect, session, rel) as unknown as Orm
        }),
    },
    orm,
    ...executor,
    // transaction() holds PGlite's connection mutex: no other statement interleaves.
    batch: (statements) =>
      pg.transaction(async (tx) => {
        const out: Record<string, unknown>[][] = []
        for (const s of statements)
          out.push((await tx.query<Record<string, unknown>>(s.text, s.params ?? [])).rows)
        return out
      }),
    // One process owns a PGlite directory (see lock-file.ts), so the lock is only for symmetry.
    withAdvisoryLock: async (_key, fn) => fn({ ...executor, orm }),
    async ping(timeoutMs) {
      const r = await withTimeout(
        pg.query('select 1').then(
          () => true,
          () => false,
        ),
        timeoutMs,
      )
      return r === true
    },
    async close() {
      if (!pg.closed) await pg.close()
    },
  }
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, opts.max ?? 10)
  return openPglite(opts.pgliteDir, opts.pgliteSeed)
}

/**
 * A new, empty database on the Postgres server at serverUrl, for a test file or an evaluation run
 * that must not share one; drop() closes it and removes it.
 */
export async function openScratchPostgres(
  serverUrl: string,
  name: string,
  max: number,
): Promise<{ db: Database; url: string; drop(): Promise<void> }> {
  // The name goes into DDL, which takes no parameters.
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`)
  const { default: connect } = await import('postgres')
  const admin = connect(serverUrl, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database ${name}`)
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  const db = await openPostgres(url.toString(), max)
  return {
    db,
    url: url.toString(),
    async drop() {
      await db.close()
      await admin.unsafe(`drop database if exists ${name} with (force)`)
      await admin.end()
    },
  }
}

export function pgliteDirOf(dataDir: string): string {
  return join(dataDir, 'pglite')
}

/**
 * A json column of a raw-SQL row, parsed (postgres-js parses json, PGlite may hand back text);
 * `empty` for SQL null.
 */
export function jsonColumn<T>(v: unknown, empty: T): T {
  return typeof v === 'string' ? (JSON.parse(v) as T) : ((v as T | null | undefined) ?? empty)
}

/** A timestamp column of a raw-SQL row as a Date (postgres-js may hand back text, PGlite a Date). */
export function toDate(v: unknown): Date {
  return v instanceof Date ? v : new Date(String(v))
}
