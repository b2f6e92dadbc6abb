// Documents: named queries over raw SQL (callers own transactions; `ex` is the db or a transaction).
import { type Executor, toDate } from '../client.js'

export interface DocumentSummary {
  id: string
  space_id: string
  title: string
  source: string | null
  chunks: number
  created_at: Date
}

export interface NewDocument {
  id: string
  spaceId: string
  title: string
  source: string | null
  format: string
  contentHash: string
  chunkCount: number
  createdBy: string | null
}

const SUMMARY = 'id, space_id, title, source, chunk_count as chunks, created_at'

function summary(row: Record<string, unknown>): DocumentSummary {
  return {
    id: String(row.id),
    space_id: String(row.space_id),
    title: String(row.title),
    source: (row.source as string | null) ?? null,
    chunks: Number(row.chunks),
    created_at: toDate(row.created_at),
  }
}

export async function findDocumentByHash(
  ex: Executor,
  spaceId: string,
  hash: string,
): Promise<DocumentSummary | null> {
  const rows = await ex.query(`select ${SUMMARY} from documents where space_id = $1 and content_hash = $2`, [
    spaceId,
    hash,
  ])
  return rows[0] ? summary(rows[0]) : null
}

/**
 * One round trip for ingestion into a space: the document there with this content, and the
 * latest there at this source.
 */
export async function findByHashOrSource(
  ex: Executor,
  spaceId: string,
  hash: string,
  source: string | null,
): Promise<{ same: DocumentSummary | null; previous: DocumentSummary | null }> {
  const rows = await ex.query<Record<string, unknown>>(
    `(select ${SUMMARY}, true as same from documents where space_id = $3 and content_hash = $1)
     union all
     (select ${SUMMARY}, false as same from documents
      where $2::text is not null and space_id = $3 and source = $2::text
      order by created_at desc, id desc limit 1)`,
    [hash, source, spaceId],
  )
  const same = rows.find((r) => r.same === true)
  const previous = rows.find((r) => r.same !== true)
  return { same: same ? summary(same) : null, previous: previous ? summary(previous) : null }
}

/** Which of these hashes exist already in the space (bulk ingestion). */
export async function existingHashes(ex: Executor, spaceId: string, hashes: string[]): Promise<Set<string>> {
  const rows = await ex.query<{ content_hash: string }>(
    `select content_hash from documents
     where space_id = $2 and content_hash in (select jsonb_array_elements_text($1::text::jsonb))`,
    [JSON.stringify(hashes), spaceId],
  )
  return new Set(rows.map((r) => r.content_hash))
}

export async function insertDocuments(ex: Executor, docs: NewDocument[], now: Date): Promise<void> {
  const rows = docs.map((d) => ({
    id: d.id,
    space_id: d.spaceId,
    title: d.title,
    source: d.source,
    format: d.format,
    content_hash: d.contentHash,
    chunk_count: d.chunkCount,
    created_by: d.createdBy,
  }))
  await ex.query(
    `insert into documents (id, space_id, title, source, format, content_hash, chunk_count, created_by, created_at, updated_at)
     select r.id, r.space_id, r.title, r.source, r.format, r.content_hash, r.chunk_count, r.created_by, $2, $2
     from jsonb_to_recordset($1::text::jsonb) as r(id uuid, space_id uuid, title text, source text, format text,
       content_hash text, chunk_count int, created_by uuid)`,
    [JSON.stringify(rows), now.toISOString()],
  )
}

/** A changed file at the same source keeps its id; title, hash and chunks are replaced. */
export async function updateDocumentContent(
  ex: Executor,
  id: string,
  doc: Omit<NewDocument, 'id' | 'spaceId' | 'source' | 'createdBy'>,
  now: Date,
): Promise<void> {
  await ex.query(
    `update documents set title = $2, format = $3, content_hash = $4, chunk_count = $5, updated_at = $6
     where id = $1`,
    [id, doc.title, doc.format, doc.contentHash, doc.chunkCount, now.toISOString()],
  )
}

/** Every document, or those of these spaces, newest first. */
export async function listDocuments(ex: Executor, spaceIds?: readonly string[]): Promise<DocumentSummary[]> {
  const rows = spaceIds
    ? await ex.query(
        `select ${SUMMARY} from documents
         where space_id in (select (jsonb_array_elements_text($1::text::jsonb))::uuid)
         order by created_at desc, id desc`,
        [JSON.stringify(spaceIds)],
      )
    : await ex.query(`select ${SUMMARY} from documents order by created_at desc, id desc`)
  return rows.map(summary)
}

export async function countDocuments(ex: Executor): Promise<number> {
  const rows = await ex.query<{ n: number | string }>('select count(*) as n from documents')
  return Number(rows[0]?.n ?? 0)
}

/** Every document's id and source (the evaluation maps hits back to its corpus ids). */
export async function documentSources(ex: Executor): Promise<{ id: string; source: string | null }[]> {
  const rows = await ex.query<{ id: string; source: string | null }>('select id, source from documents')
  return rows.map((r) => ({ id: String(r.id), source: r.source ?? null }))
}

export async function getDocument(ex: Executor, id: string): Promise<DocumentSummary | null> {
  const rows = await ex.query(`select ${SUMMARY} from documents where id = $1`, [id])
  return rows[0] ? summary(rows[0]) : null
}

export async function deleteDocumentRow(ex: Executor, id: string): Promise<boolean> {
  const rows = await ex.query('delete from documents where id = $1 returning id', [id])
  return rows.length > 0
}
