// Optional dense retrieval. The `embedding vector(N)` column and its HNSW index are created by a
// start-up "ensure" step (N comes from EMBEDDING_DIMENSIONS, so no static migration can do it),
// which also records the model and size in kb_meta. A database embedded with another model or
// size stays lexical-only until `npm run reembed`. Without pgvector (e.g. plain Postgres 15) the
// server says so once and stays lexical.
import type { Config } from '../config.js'
import type { Conn, Database } from '../db/client.js'
import { LOCK_MIGRATE } from '../db/migrate.js'
import {
  createVectorColumn,
  embeddingColumnDimensions,
  hasPgvector,
  recordedModel,
  recordModel,
} from '../db/queries/vector.js'
import { createEmbedder } from './embeddings.js'
import type { Embedder, RagLogger } from './types.js'

export type VectorStatus =
  | { state: 'off'; reason: 'not_configured' | 'no_pgvector' | 'no_column' | 'error' }
  | { state: 'mismatch'; recorded: { model: string; dimensions: number } | null }
  | { state: 'ready'; embedder: Embedder }

const statuses = new WeakMap<Database, Promise<VectorStatus>>()
const settled = new WeakMap<Database, VectorStatus>()

function remember(db: Database, p: Promise<VectorStatus>): Promise<VectorStatus> {
  statuses.set(db, p)
  p.then(
    (s) => settled.set(db, s),
    () => statuses.delete(db),
  )
  return p
}

/** The last known status without waiting (null before the first check finished). */
export function knownVectorStatus(db: Database): VectorStatus | null {
  return settled.get(db) ?? null
}

async function inspect(ex: Conn, config: Config, embedder: Embedder | null): Promise<VectorStatus> {
  const cfg = config.embedding
  if (!cfg || !embedder) return { state: 'off', reason: 'not_configured' }
  const dims = await embeddingColumnDimensions(ex)
  if (dims === null) return { state: 'off', reason: 'no_column' }
  const recorded = await recordedModel(ex)
  const matches = recorded && recorded.model === cfg.model && recorded.dimensions === cfg.dimensions
  return matches && dims === cfg.dimensions ? { state: 'ready', embedder } : { state: 'mismatch', recorded }
}

/** Start-up step: creates the column/index when needed and reports (and caches) the status. */
export function ensureVectorSupport(
  db: Database,
  config: Config,
  log: RagLogger,
  embedder: Embedder | null = config.embedding ? createEmbedder(config.embedding) : null,
): Promise<VectorStatus> {
  const cfg = config.embedding
  const run = async (): Promise<VectorStatus> => {
    if (!cfg || !embedder) return { state: 'off', reason: 'not_configured' }
    if (!(await hasPgvector(db))) {
      log.warn('EMBEDDING_* is set but this database has no pgvector extension: retrieval stays lexical-only')
      return { state: 'off', reason: 'no_pgvector' }
    }
    const status = await db.withAdvisoryLock(LOCK_MIGRATE, async (conn) => {
      if ((await embeddingColumnDimensions(conn)) === null) {
        await createVectorColumn(conn, cfg.dimensions)
        await recordModel(conn, cfg.model, cfg.dimensions)
      }
      return inspect(conn, config, embedder)
    })
    if (status.state === 'mismatch') {
      const was = status.recorded
        ? `${status.recorded.model} (${status.recorded.dimensions} dimensions)`
        : 'an unknown model'
      log.warn(
        `stored embeddings were made with ${was}, not ${cfg.model} (${cfg.dimensions}): retrieval stays lexical-only; run \`npm run reembed\` to re-embed every chunk with the configured model`,
      )
    } else if (status.state === 'ready') {
      log.info(`dense retrieval on: ${cfg.model} (${cfg.dimensions} dimensions), fused with BM25`)
    }
    return status
  }
  const safe = run().catch((err: unknown): VectorStatus => {
    log.warn(`could not set up vector search (${(err as Error).message}): retrieval stays lexical-only`)
    return { state: 'off', reason: 'error' }
  })
  return remember(db, safe)
}

/** Read-only check used lazily by retrieval/ingestion when the start-up step has not run here. */
export function vectorStatus(db: Database, config: Config): Promise<VectorStatus> {
  const known = statuses.get(db)
  if (known) return known
  if (!config.embedding) return Promise.resolve({ state: 'off', reason: 'not_configured' })
  const embedder = createEmbedder(config.embedding)
  return remember(
    db,
    (async () =>
      (await hasPgvector(db)) ? inspect(db, config, embedder) : { state: 'off', reason: 'no_pgvector' })(),
  )
}

/** Forget a cached status (after re-embedding). */
export function forgetVectorStatus(db: Database): void {
  statuses.delete(db)
  settled.delete(db)
}
