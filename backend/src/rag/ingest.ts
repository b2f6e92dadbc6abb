// Ingestion, one code path for the API, the CLI, the demo corpus and the evaluation:
// parse → chunk → (embed) → one transaction: document + chunks + BM25 postings + stats (+ vectors).
// Idempotent by content hash; a changed document at the same `source` keeps its id and has its
// chunks replaced. Nothing is written when any step fails.
import { createHash } from 'node:crypto'
import { basename } from 'node:path'
import type { IndexedChunk } from '../db/queries/bm25.js'
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
import { indexHeading, insertChunks, lockKnowledgeBase, rebalance, unindexDocuments } from './bm25.js'
import type { Chunk } from './chunk.js'
import { resolveEmbedder } from './context.js'
import { embedAll } from './embeddings.js'
import { scheduleVacuum } from './maintenance.js'
import { parseDocument, unusable } from './parse.js'
import { snippetSentences } from './snippet.js'
import { withTransaction } from './tx.js'
import type { DocumentFormat, Embedder, IngestInput, IngestResult, RagContext } from './types.js'

export interface PreparedDocument {
  /** The space it goes to; absent: the shared library. */
  spaceId?: string
  title: string
  source: string | null
  format: DocumentFormat
  hash: string
  chunks: Chunk[]
  createdBy: string | null
}

export const MAX_TITLE_LENGTH = 300

export function contentHash(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('hex')
}

function titleFrom(source: string | null): string | null {
  if (!source) return null
  const name = basename(source).replace(/\.[a-z0-9]+$/i, '')
  return name.replace(/[-_]+/g, ' ').trim() || null
}

/** Parse + chunk + hash: everything that needs no database. */
export async function prepareDocument(input: IngestInput): Promise<PreparedDocument> {
  const parsed = await parseDocument(input.content, input.format)
  const source = input.source?.trim() || null
  const title = (input.title?.trim() || parsed.title || titleFrom(source) || 'Untitled').slice(
    0,
    MAX_TITLE_LENGTH,
  )
  // Loaded on the first document, not at start: a server that only answers never needs the
  // chunker's tokenizer (~40 MiB of memory).
  const { chunkDocument } = await import('./chunk.js')
  const chunks = chunkDocument(parsed.body, parsed.structured)
  if (chunks.length === 0) throw unusable('The document contains no text')
  return {
    ...(input.spaceId ? { spaceId: input.spaceId } : {}),
    title,
    source,
    format: input.format,
    hash: contentHash(parsed.body),
    chunks,
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
    sentences: snippetSentences(c.content),
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

async function writeDocument(
  ctx: RagContext,
  spaceId: string,
  doc: PreparedDocument,
  embeddings: number[][] | null,
): Promise<IngestResult> {
  return withTransaction(ctx.db, async (tx) => {
    await lockKnowledgeBase(tx)
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
    await insertChunks(tx, spaceId, rows)
    if (embeddings) {
      await setEmbeddings(
        tx,
        rows.map((r, i) => ({ id: r.id, embedding: embeddings[i] as number[] })),
      )
    }
    return {
      id,
      space_id: spaceId,
      title: doc.title,
      source: doc.source,
      chunks: rows.length,
      created_at: previous?.created_at ?? now,
      created: !previous,
      status: previous ? 'updated' : 'created',
    } as IngestResult
  })
}

/** Deletes a document, its chunks and postings, keeping the BM25 statistics exact. */
export async function deleteDocument(ctx: RagContext, id: string): Promise<boolean> {
  const deleted = await withTransaction(ctx.db, async (tx) => {
    await lockKnowledgeBase(tx)
    const spaces = await unindexDocuments(tx, [id])
    const gone = await deleteDocumentRow(tx, id)
    for (const spaceId of spaces) await rebalance(tx, spaceId, false)
    return gone
  })
  if (deleted) scheduleVacuum(ctx)
  return deleted
}
