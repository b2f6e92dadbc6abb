// A raw-SQL transaction over either driver. PGlite's own `transaction()` holds its connection
// mutex, so no other request's statement can interleave with ours (a bare `begin` on the shared
// PGlite connection would let them in); on Postgres `sql.begin` pins one pooled connection.
import type { PGlite, Transaction } from '@electric-sql/pglite'
import type postgres from 'postgres'
import type { Database, Executor } from '../db/client.js'

function pgliteExecutor(tx: Transaction): Executor {
  return {
    query: async <T>(text: string, params: unknown[] = []) => (await tx.query<T>(text, params)).rows,
    exec: async (text: string) => {
      await tx.exec(text)
    },
  }
}

function postgresExecutor(t: postgres.TransactionSql): Executor {
  return {
    query: async <T>(text: string, params: unknown[] = []) =>
      (await t.unsafe(text, params as postgres.ParameterOrJSON<never>[])) as unknown as T[],
    exec: async (text: string) => {
      await t.unsafe(text).simple()
    },
  }
}

/** Runs fn in one transaction: committed when fn resolves, rolled back when it throws. */
export async function withTransaction<T>(db: Database, fn: (tx: Executor) => Promise<T>): Promise<T> {
  const client = (db.orm as unknown as { $client: unknown }).$client
  if (db.kind === 'pglite') {
    return (client as PGlite).transaction((tx) => fn(pgliteExecutor(tx)))
  }
  return (client as postgres.Sql).begin((t) => fn(postgresExecutor(t))) as Promise<T>
}
