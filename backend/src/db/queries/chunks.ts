// Chunks: list, fetch for retrieval, embeddings. What touches the `embedding vector(N)` column is
// raw SQL: the column exists only when pgvector is available, so it is not in the Drizzle schema.
import { count, eq } from 'drizzle-orm'
import { Lru } from '../../lib/lru.js'
import { isPlainFormat, type RetrievedChunk } from '../../rag/types.js'
import type { Conn, Executor } from '../client.js'
import { chunks } from '../schema/rag.js'
import { anyOfJson } from './id-list.js'

export interface ChunkView {
  id: string
  ordinal: number
  heading: string | null
  content: string
}

/** A retrieved chunk before scoring and snippeting. */
export type ChunkWithDocument = Omit<RetrievedChunk, 'snippet' | 'score'>

/**
 * The first `n` chunks of a document, in document order, if it lives in one of `spaceIds` (the
 * caller's readable spaces, checked here too): its opening, for "What is <its title>?".
 */
export async function openingChunkIds(
  ex: Executor,
  documentId: string,
  spaceIds: readonly string[],
  n: number,
): Promise<string[]> {
  const rows = await ex.query<{ id: string }>(
    `select c.id from chunks c
     where c.document_id = $1 and c.space_id = ${anyOfJson(2)}
     order by c.ordinal limit $3`,
    [documentId, JSON.stringify(spaceIds), n],
  )
  return rows.map((r) => r.id)
}

/** What chunksByIds returns: the chunk and its stored snippet-sentence lexemes (NULL before 0004). */
export interface FetchedChunk {
  chunk: ChunkWithDocument
  sentenceLexemes: unknown
}

/** Deletes a document's chunks (their postings go by cascade; stats are the caller's job). */
export async function deleteChunksOf(ex: Conn, documentId: string): Promise<void> {
  await ex.orm.delete(chunks).where(eq(chunks.documentId, documentId))
}

export async function countChunks(ex: Conn): Promise<number> {
  const [row] = await ex.orm.select({ n: count() }).from(chunks)
  return row?.n ?? 0
}

export async function listChunks(ex: Conn, documentId: string): Promise<ChunkView[]> {
  return ex.orm
    .select({ id: chunks.id, ordinal: chunks.ordinal, heading: chunks.heading, content: chunks.content })
    .from(chunks)
    .where(eq(chunks.documentId, documentId))
    .orderBy(chunks.ordinal)
}

/** What a chunk holds that never changes once written (a new version of a document is new chunks). */
interface ChunkText {
  heading: string | null
  content: string
  sentenceLexemes: unknown
}

/**
 * The text of the chunks searches and answers read most recently. A chunk id's text never changes
 * (only `embedding` and `space_id`, neither kept here, are ever updated), so a chunk read again is
 * fetched without its text: on a member search, shipping and parsing the stored sentence lexemes
 * was 11 % of the server's time. Whether the chunk still exists, its space and its document's title
 * are read every time. With the sentence split and the lexeme index snippets keep beside it,
 * ~13 KB a chunk: 26 MB of heap when full (measured on the bench corpus).
 */
const TEXT_CACHE_MAX = 2048
const texts = new Lru<string, ChunkText>(TEXT_CACHE_MAX)

function deepFreeze<T>(v: T): T {
  if (Array.isArray(v)) for (const x of v) deepFreeze(x)
  return Object.freeze(v)
}

/**
 * The chunks with their documents' title and source, by id (any order). Raw SQL: the statement is
 * prepared once per connection, where the query builder rebuilt it for every search. The text of a
 * chunk read recently comes from `texts`.
 */
export async function chunksByIds(ex: Executor, ids: string[]): Promise<Map<string, FetchedChunk>> {
  const out = new Map<string, FetchedChunk>()
  if (ids.length === 0) return out
  const wanted = [...new Set(ids)]
  // Taken now, so that what the statement was told is known stays at hand whatever is evicted meanwhile.
  const known = new Map<string, ChunkText>()
  for (const id of wanted) {
    const t = texts.get(id)
    if (t) known.set(id, t)
  }
  const rows = await ex.query<
    Omit<ChunkWithDocument, 'heading' | 'content'> & {
      known: boolean
      format: string
      heading: string | null
      content: string | null
      sentence_lexemes: unknown
    }
  >(
    `select c.id as chunk_id, c.document_id, c.space_id, d.title, d.source, d.format, x.known,
       case when x.known then null else c.heading end as heading,
       case when x.known then null else c.content end as content,
       case when x.known then null else c.sentence_lexemes end as sentence_lexemes
     from chunks c join documents d on d.id = c.document_id
     cross join lateral (
       select c.id = ${anyOfJson(2)} as known
     ) x
     where c.id = ${anyOfJson(1)}`,
    [JSON.stringify(wanted), JSON.stringify([...known.keys()])],
  )
  for (const { known: wasKnown, format, heading, content, sentence_lexemes, ...meta } of rows) {
    let text = wasKnown ? known.get(meta.chunk_id) : undefined
    if (!text) {
      // Frozen: one parsed copy is shared by every request that reads the chunk.
      text = Object.freeze({
        heading,
        content: content ?? '',
        sentenceLexemes: deepFreeze(sentence_lexemes ?? null),
      })
      texts.set(meta.chunk_id, text)
    }
    out.set(meta.chunk_id, {
      chunk: { ...meta, plain: isPlainFormat(format), heading: text.heading, content: text.content },
      sentenceLexemes: text.sentenceLexemes,
    })
  }
  return out
}

/** pgvector's text form: '[0.1,0.2,…]'. */
export function vectorLiteral(v: number[]): string {
  return `[${v.map((x) => (Number.isFinite(x) ? x : 0)).join(',')}]`
}

export async function setEmbeddings(
  ex: Executor,
  rows: { id: string; embedding: number[] }[],
): Promise<void> {
  if (rows.length === 0) return
  await ex.query(
    `update chunks c set embedding = r.e::vector
     from jsonb_to_recordset($1::text::jsonb) as r(id uuid, e text) where c.id = r.id`,
    [JSON.stringify(rows.map((r) => ({ id: r.id, e: vectorLiteral(r.embedding) })))],
  )
}

export interface DenseHit {
  chunk_id: string
  similarity: number
}

/** Up to this many chunks in the searched spaces, dense retrieval is exact (docs/api.md §7). */
export const EXACT_DENSE_MAX_CHUNKS = 50_000

/**
 * Nearest chunks of the searched spaces by cosine distance, the filter inside the statement.
 * `exact`: every chunk of those spaces is compared (through chunks_space_idx; `+ 0` keeps the
 * planner off the HNSW index, which after a selective filter returns fewer than `limit` rows and
 * whose approximation would depend on the whole table). Otherwise the HNSW index, filtered.
 */
export async function denseSearch(
  ex: Executor,
  embedding: number[],
  limit: number,
  spaceIds: readonly string[],
  exact: boolean,
): Promise<DenseHit[]> {
  if (spaceIds.length === 0) return []
  // The HNSW index serves only a bare `order by embedding <=> $1`.
  const order = exact ? '(embedding <=> $1::text::vector) + 0, id' : 'embedding <=> $1::text::vector'
  const rows = await ex.query<Record<string, unknown>>(
    `select id as chunk_id, 1 - (embedding <=> $1::text::vector) as similarity
     from chunks
     where space_id in (select (jsonb_array_elements_text($3::text::jsonb))::uuid) and embedding is not null
     order by ${order} limit $2`,
    [vectorLiteral(embedding), limit, JSON.stringify(spaceIds)],
  )
  return rows.map((r) => ({ chunk_id: String(r.chunk_id), similarity: Number(r.similarity) }))
}

/** Chunks still lacking an embedding, in a stable order (re-embedding works through them). */
export async function chunksWithoutEmbedding(
  ex: Executor,
  limit: number,
): Promise<{ id: string; heading: string | null; content: string; title: string }[]> {
  return ex.query(
    `select c.id, c.heading, c.content, d.title from chunks c join documents d on d.id = c.document_id
     where c.embedding is null order by c.id limit $1`,
    [limit],
  )
}
