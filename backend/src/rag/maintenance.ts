// VACUUM (ANALYZE) after writes to the index (why: db/queries/bm25.ts, vacuumIndex). Postgres has
// autovacuum to catch up within minutes; PGlite has none, so there we vacuum a few seconds after
// the last write.
import type { Database } from '../db/client.js'
import { vacuumIndex } from '../db/queries/bm25.js'
import type { RagContext } from './types.js'

export const VACUUM_DELAY_MS = 5000
const timers = new WeakMap<Database, NodeJS.Timeout>()

/** PGlite only: one VACUUM after a burst of writes (debounced), off the request path. */
export function scheduleVacuum(ctx: RagContext, delayMs = VACUUM_DELAY_MS): void {
  if (ctx.db.kind !== 'pglite') return
  clearTimeout(timers.get(ctx.db))
  const timer = setTimeout(() => {
    timers.delete(ctx.db)
    vacuumIndex(ctx.db).catch((err: Error) => {
      // The database may have been closed meanwhile (shutdown, end of a test): nothing to do.
      if (!/closed/i.test(err.message)) ctx.log?.warn(`vacuum after ingestion failed: ${err.message}`)
    })
  }, delayMs)
  timer.unref()
  timers.set(ctx.db, timer)
}
