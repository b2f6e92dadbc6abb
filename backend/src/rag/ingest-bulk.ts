// Bulk ingestion for large fresh loads (the evaluation): many documents per transaction, the
// same SQL as ingestDocument, the search index built once when the database is private.
import { withTransaction } from '../db/client.js'
import { createSearchIndex, dropSearchIndex, lockKnowledgeBase, vacuumIndex } from '../db/queries/bm25.js'
import { setEmbeddings } from '../db/queries/chunks.js'
import { existingHashes, insertDocuments } from '../db/queries/documents.js'
import { sharedLibraryId } from '../db/queries/spaces.js'
import { uuidv7 } from '../lib/ids.js'
import { insertChunks, rebalance } from './bm25.js'
import { resolveEmbedder } from './context.js'
import { embedAll } from './embeddings.js'
import { chunkRows, embeddingText, type PreparedDocument } from './ingest.js'
import type { RagContext } from './types.js'

export interface BulkOptions {
  /** The space every document goes to (default: the shared library). */
  spaceId?: string
  batchSize?: number
  onBatch?: (done: number) => void
  /** Recompute every BM25 weight with the final avgdl at the end. */
  exact?: boolean
  /** Nobody else uses this database (evaluation): build the search index once, at the end. */
  privateDatabase?: boolean
}

export interface BulkResult {
  created: number
  unchanged: number
  chunks: number
}

/**
 * Bulk path for large fresh loads (the evaluation): many documents per transaction. Weights follow
 * the usual drift rule; `exact` recomputes them all at the end. Identical content is skipped;
 * `source` replacement is not done here.
 */
export async function ingestBulk(
  ctx: RagContext,
  docs: PreparedDocument[],
  opts: BulkOptions = {},
): Promise<BulkResult> {
  if (opts.privateDatabase) await dropSearchIndex(ctx.db)
  let result: BulkResult
  try {
    result = await bulkBatches(ctx, docs, opts)
  } finally {
    if (opts.privateDatabase) await createSearchIndex(ctx.db)
  }
  await vacuumIndex(ctx.db)
  return result
}

async function bulkBatches(
  ctx: RagContext,
  docs: PreparedDocument[],
  opts: BulkOptions,
): Promise<BulkResult> {
  const size = opts.batchSize ?? 250
  const spaceId = opts.spaceId ?? (await sharedLibraryId(ctx.db))
  const seen = new Set<string>()
  const out: BulkResult = { created: 0, unchanged: 0, chunks: 0 }
  const embedder = await resolveEmbedder(ctx)
  for (let i = 0; i < docs.length; i += size) {
    const batch = docs.slice(i, i + size)
    await withTransaction(ctx.db, async (tx) => {
      await lockKnowledgeBase(tx)
      const existing = await existingHashes(
        tx,
        spaceId,
        batch.map((d) => d.hash),
      )
      const fresh = batch.filter((d) => !existing.has(d.hash) && !seen.has(d.hash) && seen.add(d.hash))
      out.unchanged += batch.length - fresh.length
      if (fresh.length === 0) return
      const now = new Date()
      const ids = fresh.map(() => uuidv7(now.getTime()))
      await insertDocuments(
        tx,
        fresh.map((d, j) => ({
          id: ids[j] as string,
          spaceId,
          title: d.title,
          source: d.source,
          format: d.format,
          contentHash: d.hash,
          chunkCount: d.chunks.length,
          createdBy: d.createdBy,
        })),
        now,
      )
      const rows = fresh.flatMap((d, j) => chunkRows(ids[j] as string, d))
      await insertChunks(tx, spaceId, rows)
      if (embedder) {
        const vectors = await embedAll(
          embedder,
          fresh.flatMap((d) => d.chunks.map((c) => embeddingText(d.title, c))),
        )
        await setEmbeddings(
          tx,
          rows.map((r, j) => ({ id: r.id, embedding: vectors[j] as number[] })),
        )
      }
      out.created += fresh.length
      out.chunks += rows.length
    })
    opts.onBatch?.(Math.min(docs.length, i + size))
  }
  if (opts.exact) {
    await withTransaction(ctx.db, async (tx) => {
      await lockKnowledgeBase(tx)
      await rebalance(tx, spaceId, true)
    })
  }
  return out
}
