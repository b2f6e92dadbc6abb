// Ingestion, one code path for the API, the CLI, the demo corpus and the evaluation:
// parse → chunk → (embed) → one transaction: document + chunks + BM25 postings + stats (+ vectors).
// Idempotent by content hash; a changed document at the same `source` keeps its id and has its
// chunks replaced. Nothing is written when any step fails.
import { withTransaction } from '../db/client.js'
import { type IndexedChunk, lockKnowledgeBase } from '../db/queries/bm25.js'
import { deleteChunksOf, setEmbeddings } from '../db/queries/chunks.js'
import {
  type DocumentSummary,
  deleteDocumentRow,
  findByHashOrSource,
  findDocumentByHash,
  insertDocuments,
  updateDocumentContent,
} from '../db/queries/documents.js'
import { sharedLibraryId } from '../db/queries/spaces.js'
import { AppError } from '../errors.js'
import { uuidv7 } from '../lib/ids.js'
import { indexHeading, insertChunks, rebalance, unindexDocuments } from './bm25.js'
import type { Chunk } from './chunk.js'
import { resolveEmbedder } from './context.js'
import { embedAll } from './embeddings.js'
import { scheduleVacuum } from './maintenance.js'
import { prepareInWorker } from './parse-pool.js'
import { snippetSentences } from './snippet.js'
import {
  type DeleteHooks,
  type DocumentFormat,
  type Embedder,
  type IngestInput,
  type IngestResult,
  isPlainFormat,
  type RagContext,
} from './types.js'

export interface PreparedDocument {
  /** The space it goes to; absent: the shared library. */
  spaceId?: string
  title: string
  source: string | null
  format: DocumentFormat
  hash: string
  chunks: Chunk[]
  createdBy: string | null
  authorize?: IngestInput['authorize']
  written?: IngestInput['written']
}

export { contentHash } from './parse.js'
export { MAX_TITLE_LENGTH } from './parse-prepare.js'

/**
 * Parse + chunk + hash: everything that needs no database. It runs in a worker thread with
 * limits (parse-pool.ts): a document over one is a 422, and the event loop stays free.
 */
export async function prepareDocument(input: IngestInput): Promise<PreparedDocument> {
  const source = input.source?.trim() || null
  const prepared = await prepareInWorker({
    content: input.content,
    format: input.format,
    title: input.title ?? null,
    source,
  })
  return {
    ...prepared,
    ...(input.spaceId ? { spaceId: input.spaceId } : {}),
    ...(input.authorize ? { authorize: input.authorize } : {}),
    ...(input.written ? { written: input.written } : {}),
    source,
    format: input.format,
    createdBy: input.createdBy ?? null,
  }
}

export function embeddingText(title: string, c: Chunk): string {
  return `${indexHeading(title, c.heading)}\n\n${c.content}`
}

async function embedChunks(embedder: Embedder | null, doc: PreparedDocument): Promise<number[][] | null> {
  if (!embedder) return null
  try {
    return await embedAll(
      embedder,
      doc.chunks.map((c) => embeddingText(doc.title, c)),
    )
  } catch (err) {
    throw new AppError('upstream_error', { detail: 'The embedding provider returned an error', cause: err })
  }
}

export function chunkRows(documentId: string, doc: PreparedDocument): IndexedChunk[] {
  return doc.chunks.map((c, i) => ({
    id: uuidv7(),
    document_id: documentId,
    ordinal: i,
    heading: c.heading,
    content: c.content,
    token_count: c.tokens,
    index_heading: indexHeading(doc.title, c.heading),
    sentences: snippetSentences(c.content, isPlainFormat(doc.format)),
  }))
}

export async function ingestDocument(ctx: RagContext, input: IngestInput): Promise<IngestResult> {
  return ingestPrepared(ctx, await prepareDocument(input))
}

export async function ingestPrepared(ctx: RagContext, doc: PreparedDocument): Promise<IngestResult> {
  const spaceId = doc.spaceId ?? (await sharedLibraryId(ctx.db))
  const embedder = await resolveEmbedder(ctx)
  if (embedder) {
    // Unchanged content costs no embedding calls (checked again under the lock).
    const known = await findDocumentByHash(ctx.db, spaceId, doc.hash)
    if (known) return unchanged(known)
  }
  const embeddings = await embedChunks(embedder, doc)
  const result = await writeDocument(ctx, spaceId, doc, embeddings)
  if (result.status !== 'unchanged') scheduleVacuum(ctx)
  return result
}

function unchanged(d: DocumentSummary): IngestResult {
  return { ...d, created: false, status: 'unchanged' }
}

/** Chunks written per statement (with their postings and statistics) on the embedded database. */
const EMBEDDED_INSERT_BATCH = 64

async function writeDocument(
  ctx: RagContext,
  spaceId: string,
  doc: PreparedDocument,
  embeddings: number[][] | null,
): Promise<IngestResult> {
  return withTransaction(ctx.db, async (tx) => {
    await lockKnowledgeBase(tx)
    await doc.authorize?.(tx)
    const { same, previous } = await findByHashOrSource(tx, spaceId, doc.hash, doc.source)
    if (same) return unchanged(same)
    const now = new Date()
    const id = previous?.id ?? uuidv7(now.getTime())
    const fields = {
      title: doc.title,
      format: doc.format,
      contentHash: doc.hash,
      chunkCount: doc.chunks.length,
    }
    if (previous) {
      await unindexDocuments(tx, [previous.id])
      await deleteChunksOf(tx, previous.id)
      await updateDocumentContent(tx, previous.id, fields, now)
    } else {
      await insertDocuments(
        tx,
        [{ id, spaceId, source: doc.source, createdBy: doc.createdBy, ...fields }],
        now,
      )
    }
    const rows = chunkRows(id, doc)
    // The embedded database runs each statement on this thread: a whole 5 MB file's held the
    // server for seconds. In batches, the server answers what needs no database between them.
    // Postgres runs it elsewhere, and faster in one statement.
    const batch = ctx.db.kind === 'pglite' ? EMBEDDED_INSERT_BATCH : rows.length
    for (let at = 0; at < rows.length; at += batch) {
      if (at > 0) await new Promise((resolve) => setImmediate(resolve))
      await insertChunks(tx, spaceId, rows.slice(at, at + batch))
    }
    if (embeddings) {
      await setEmbeddings(
        tx,
        rows.map((r, i) => ({ id: r.id, embedding: embeddings[i] as number[] })),
      )
    }
    const result: IngestResult = {
      id,
      space_id: spaceId,
      title: doc.title,
      source: doc.source,
      format: doc.format,
      chunks: rows.length,
      created_at: previous?.created_at ?? now,
      created: !previous,
      status: previous ? 'updated' : 'created',
    }
    await doc.written?.(tx, result)
    return result
  })
}

/** Deletes a document, its chunks and postings, keeping the BM25 statistics exact. */
export async function deleteDocument(ctx: RagContext, id: string, hooks: DeleteHooks = {}): Promise<boolean> {
  const deleted = await withTransaction(ctx.db, async (tx) => {
    await lockKnowledgeBase(tx)
    await hooks.authorize?.(tx)
    const spaces = await unindexDocuments(tx, [id])
    const gone = await deleteDocumentRow(tx, id)
    for (const spaceId of spaces) await rebalance(tx, spaceId, false)
    if (gone) await hooks.written?.(tx)
    return gone
  })
  if (deleted) scheduleVacuum(ctx)
  return deleted
}
