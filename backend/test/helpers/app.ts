// Builds a fresh app on a test database; drive it with app.inject().
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { buildApp } from '../../src/app.js'
import { testConfig } from '../../src/config.js'
import { type Clock, systemClock } from '../../src/lib/clock.js'
import type { CounterStore } from '../../src/lib/counter-store.js'
import { createTestDatabase, type DbKind, type TestDatabase } from './db.js'

export interface TestApp {
  app: FastifyInstance
  tdb: TestDatabase
  close(): Promise<void>
}

export async function buildTestApp(
  kind: DbKind,
  env: Record<string, string> = {},
  opts: { clock?: Clock; counters?: CounterStore; tdb?: TestDatabase; requestTimeoutMs?: number } = {},
): Promise<TestApp> {
  const tdb = opts.tdb ?? (await createTestDatabase(kind))
  const app = await buildApp({
    config: testConfig(env),
    db: tdb.db,
    clock: opts.clock ?? systemClock,
    ...(opts.counters ? { counters: opts.counters } : {}),
    ...(opts.requestTimeoutMs ? { requestTimeoutMs: opts.requestTimeoutMs } : {}),
  })
  await app.ready()
  return {
    app,
    tdb,
    async close() {
      await app.close()
      if (!opts.tdb) await tdb.cleanup()
    },
  }
}

export function json<T = Record<string, unknown>>(res: LightMyRequestResponse): T {
  return JSON.parse(res.body) as T
}
