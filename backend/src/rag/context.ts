// The RagContext handed to ingestion and retrieval. Built synchronously (route plugins are
// registered before migrations run), it learns whether dense retrieval is usable from the start-up
// ensure step — or, where that step did not run (CLIs, tests), from a read-only check on first use.
import type { Config } from '../config.js'
import type { Database } from '../db/client.js'
import type { Embedder, RagContext, RagLogger } from './types.js'
import { knownVectorStatus, vectorStatus } from './vector.js'

const LIVE = Symbol('rag-context')

interface LiveContext extends RagContext {
  [LIVE]: true
}

export function createRagContext(db: Database, config: Config, log?: RagLogger): RagContext {
  const ctx: LiveContext = {
    [LIVE]: true,
    db,
    config,
    ...(log ? { log } : {}),
    get embedder(): Embedder | null {
      const s = knownVectorStatus(db)
      return s?.state === 'ready' ? s.embedder : null
    },
  }
  return ctx
}

/** The embedder to use now: a plain context's own field, or the live status of the database. */
export async function resolveEmbedder(ctx: RagContext): Promise<Embedder | null> {
  if (!(LIVE in ctx)) return ctx.embedder
  const s = await vectorStatus(ctx.db, ctx.config)
  return s.state === 'ready' ? s.embedder : null
}
