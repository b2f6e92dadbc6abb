// Documents: named queries (callers own transactions; `ex` is the db or a transaction). The reads
// of every upload and every opened document are prepared statements (one round trip on Postgres).
import { and, count, desc, eq, inArray, sql } from 'drizzle-orm'
import type { DocumentFormat } from '../../rag/formats.js'
import type { Conn } from '../client.js'
import { documents } from '../schema/rag.js'
import { inIds } from './id-list.js'

export interface DocumentSummary {
  id: string
  space_id: string
  title: string
  source: string | null
  /** How it was read: text and PDF are plain paragraphs, never Markdown. */
  format: DocumentFormat
  chunks: number
  created_at: Date
}

export interface NewDocument {
  id: string
  spaceId: string
  title: string
  source: string | null
  format: DocumentFormat
  contentHash: string
  chunkCount: number
  createdBy: string | null
}

const SUMMARY = {
  id: documents.id,
  space_id: documents.spaceId,
  title: documents.title,
  source: documents.source,
  format: documents.format,
  chunks: documents.chunkCount,
  created_at: documents.createdAt,
}

const newestFirst = [desc(documents.createdAt), desc(documents.id)]

export async function findDocumentByHash(
  ex: Conn,
  spaceId: string,
  hash: string,
): Promise<DocumentSummary | null> {
  const [row] = await ex.orm
    .select(SUMMARY)
    .from(documents)
    .where(and(eq(documents.spaceId, spaceId), eq(documents.contentHash, hash)))
    .prepare('document_by_hash')
    .execute()
  return row ?? null
}

/**
 * One round trip for ingestion into a space: the document there with this content, and the
 * latest there at this source.
 */
export async function findByHashOrSource(
  ex: Conn,
  spaceId: string,
  hash: string,
  source: string | null,
): Promise<{ same: DocumentSummary | null; previous: DocumentSummary | null }> {
  const bySource = ex.orm
    .select({ ...SUMMARY, same: sql<boolean>`false` })
    .from(documents)
    .where(
      and(
        sql`${source}::text is not null`,
        eq(documents.spaceId, spaceId),
        sql`${documents.source} = ${source}::text`,
      ),
    )
    .orderBy(...newestFirst)
    .limit(1)
  const rows = await ex.orm
    .select({ ...SUMMARY, same: sql<boolean>`true` })
    .from(documents)
    .where(and(eq(documents.spaceId, spaceId), eq(documents.contentHash, hash)))
    .unionAll(bySource)
    .prepare('document_by_hash_or_source')
    .execute()
  const strip = (r: (typeof rows)[number] | undefined): DocumentSummary | null => {
    if (!r) return null
    const { same: _same, ...summary } = r
    return summary
  }
  return { same: strip(rows.find((r) => r.same)), previous: strip(rows.find((r) => !r.same)) }
}

/** Which of these hashes exist already in the space (bulk ingestion). */
export async function existingHashes(ex: Conn, spaceId: string, hashes: string[]): Promise<Set<string>> {
  if (hashes.length === 0) return new Set()
  const rows = await ex.orm
    .select({ hash: documents.contentHash })
    .from(documents)
    .where(and(eq(documents.spaceId, spaceId), inArray(documents.contentHash, hashes)))
  return new Set(rows.map((r) => r.hash))
}

export async function insertDocuments(ex: Conn, docs: NewDocument[], now: Date): Promise<void> {
  if (docs.length === 0) return
  await ex.orm.insert(documents).values(docs.map((d) => ({ ...d, createdAt: now, updatedAt: now })))
}

/** A changed file at the same source keeps its id; title, hash and chunks are replaced. */
export async function updateDocumentContent(
  ex: Conn,
  id: string,
  doc: Omit<NewDocument, 'id' | 'spaceId' | 'source' | 'createdBy'>,
  now: Date,
): Promise<void> {
  await ex.orm
    .update(documents)
    .set({ ...doc, updatedAt: now })
    .where(eq(documents.id, id))
}

/** Every document, or those of these spaces, newest first. */
export async function listDocuments(ex: Conn, spaceIds?: readonly string[]): Promise<DocumentSummary[]> {
  return ex.orm
    .select(SUMMARY)
    .from(documents)
    .where(spaceIds ? inIds(documents.spaceId, spaceIds) : undefined)
    .orderBy(...newestFirst)
}

export async function countDocuments(ex: Conn): Promise<number> {
  const [row] = await ex.orm.select({ n: count() }).from(documents)
  return row?.n ?? 0
}

/** Every document's id and source (the evaluation maps hits back to its corpus ids). */
export async function documentSources(ex: Conn): Promise<{ id: string; source: string | null }[]> {
  return ex.orm.select({ id: documents.id, source: documents.source }).from(documents)
}

export async function getDocument(ex: Conn, id: string): Promise<DocumentSummary | null> {
  const [row] = await ex.orm
    .select(SUMMARY)
    .from(documents)
    .where(eq(documents.id, id))
    .prepare('document_by_id')
    .execute()
  return row ?? null
}

export async function deleteDocumentRow(ex: Conn, id: string): Promise<boolean> {
  const rows = await ex.orm.delete(documents).where(eq(documents.id, id)).returning({ id: documents.id })
  return rows.length > 0
}
