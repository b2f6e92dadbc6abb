// BM25 in SQL, per space (see rag/bm25.ts for the model). Postings live in chunk_terms with the
// tf-normalised weight precomputed with their space's avgdl; df and lengths are kept per space
// (space_terms, space_stats) and summed over the searched spaces at query time (bm25-search.ts),
// so an ingest only touches its own space's rows.
import type { Executor } from '../client.js'
import { anyOfJson } from './id-list.js'
import { indexText } from './index-text.js'

/**
 * A (space, lexeme) posting list changes only with its space_terms row (a chunk holding the lexeme
 * came or went) or its space's weights (space_stats): each such statement gives the row a new
 * generation (a fresh row gets one by default), what rag/posting-cache.ts checks before it uses a
 * list it read earlier.
 */
const NEXT_GENERATION = "nextval('space_postings_generation_seq')"

/** `= any(…)` of the chunks of the documents in JSON parameter $1 (an index scan each, see id-list.ts). */
const CHUNKS_OF_DOCUMENTS = `any(array(select id from chunks where document_id = ${anyOfJson(1)}))`

export interface Bm25Params {
  k1: number
  b: number
}

export interface SpaceStats {
  chunkCount: number
  totalTerms: number
  weightsAvgdl: number
}

export interface IndexedChunk {
  id: string
  document_id: string
  ordinal: number
  heading: string | null
  content: string
  token_count: number
  /** Indexed before the content: the heading path, led by the document title. */
  index_heading: string
  /** The content's snippet sentences (rag/snippet.ts): their lexemes are stored with the chunk. */
  sentences: string[]
}

export async function readSpaceStats(ex: Executor, spaceId: string): Promise<SpaceStats> {
  const rows = await ex.query<Record<string, unknown>>(
    'select chunk_count, total_terms, weights_avgdl from space_stats where space_id = $1',
    [spaceId],
  )
  return statsOf(rows[0])
}

function statsOf(r: Record<string, unknown> = {}): SpaceStats {
  return {
    chunkCount: Number(r.chunk_count ?? 0),
    totalTerms: Number(r.total_terms ?? 0),
    weightsAvgdl: Number(r.weights_avgdl ?? 0),
  }
}

/**
 * A chunk as the insert reads it: its heading path and content indexed as index-text.ts reads every
 * text (sent only when that differs from them, the content being most of the parameter).
 */
const indexed = (r: IndexedChunk) => {
  const text = `${r.index_heading}\n${r.content}`
  const index = indexText(text)
  return { ...r, index_text: index === text ? undefined : index, sentences: r.sentences.map(indexText) }
}

/**
 * Inserts one space's chunks with their BM25 postings and statistics in ONE statement (the
 * lexemes are computed once and feed the postings, each chunk's length, the space's df and totals;
 * Postgres runs every data-modifying CTE to completion whether or not the main query reads it):
 * tf = positions of a lexeme in to_tsvector('english', indexText(index_heading + content)); weights use the
 * space's weights_avgdl (0 or no row yet = the space is empty: this batch's own). Each chunk also
 * keeps the lexemes of its snippet sentences, in sentence order, as lexemesOf would return them.
 * Returns the space's new stats.
 */
export async function insertIndexedChunks(
  ex: Executor,
  spaceId: string,
  rows: IndexedChunk[],
  p: Bm25Params,
): Promise<SpaceStats> {
  const out = await ex.query<Record<string, unknown>>(
    `with r as (
       select * from jsonb_to_recordset($1::text::jsonb) as r(id uuid, document_id uuid, ordinal int,
         heading text, content text, token_count int, index_heading text, index_text text, sentences jsonb)
     ), t as (
       select r.id as chunk_id, x.lexeme, coalesce(array_length(x.positions, 1), 1)::real as tf
       from r, unnest(to_tsvector('english', coalesce(r.index_text, r.index_heading || E'\n' || r.content))) x
     ), dl as (
       select chunk_id, sum(tf)::float8 as dl from t group by chunk_id
     ), a as (
       select coalesce(nullif((select ss.weights_avgdl from space_stats ss where ss.space_id = $4), 0),
                       (select avg(dl) from dl)) as avgdl
     ), c as (
       insert into chunks (id, document_id, space_id, ordinal, heading, content, token_count, term_count, sentence_lexemes)
       select r.id, r.document_id, $4, r.ordinal, r.heading, r.content, r.token_count, coalesce(dl.dl, 0),
         (select coalesce(jsonb_agg(to_jsonb(array(select lexeme from unnest(to_tsvector('english', s.v))))
                                    order by s.i), '[]'::jsonb)
          from jsonb_array_elements_text(r.sentences) with ordinality as s(v, i))
       from r left join dl on dl.chunk_id = r.id
       returning 1
     ), ins as (
       insert into chunk_terms (chunk_id, space_id, lexeme, tf, weight)
       select t.chunk_id, $4, t.lexeme, t.tf,
         t.tf * ($2::float8 + 1) / (t.tf + $2::float8 * (1 - $3::float8 + $3::float8 * dl.dl / a.avgdl))
       from t join dl on dl.chunk_id = t.chunk_id cross join a
       returning 1
     ), df as (
       insert into space_terms (space_id, lexeme, df)
       select $4, lexeme, count(*) from t group by lexeme order by lexeme
       on conflict (space_id, lexeme) do update set df = space_terms.df + excluded.df, generation = ${NEXT_GENERATION}
       returning 1
     )
     insert into space_stats (space_id, chunk_count, total_terms, weights_avgdl)
     values ($4, (select count(*) from c), (select coalesce(sum(dl), 0) from dl), 0)
     on conflict (space_id) do update set
       chunk_count = space_stats.chunk_count + excluded.chunk_count,
       total_terms = space_stats.total_terms + excluded.total_terms
     returning chunk_count, total_terms, weights_avgdl`,
    [JSON.stringify(rows.map(indexed)), p.k1, p.b, spaceId],
  )
  return statsOf(out[0])
}

/**
 * Removes these documents' chunks from their spaces' df, N and total length (before deleting
 * them). Returns the spaces touched.
 */
export async function removeDocumentStats(ex: Executor, documentIds: string[]): Promise<string[]> {
  if (documentIds.length === 0) return []
  const ids = JSON.stringify(documentIds)
  const gone = await ex.query<{ space_id: string; lexeme: string }>(
    `with s as (
       select ct.space_id, ct.lexeme, count(*) as n
       from chunk_terms ct
       where ct.chunk_id = ${CHUNKS_OF_DOCUMENTS}
       group by ct.space_id, ct.lexeme
     ), u as (
       update space_terms st set df = st.df - s.n, generation = ${NEXT_GENERATION}
       from s where st.space_id = s.space_id and st.lexeme = s.lexeme
       returning st.space_id, st.lexeme, st.df
     )
     select space_id, lexeme from u where df <= 0`,
    [ids],
  )
  if (gone.length > 0) {
    await ex.query(
      `delete from space_terms st using jsonb_to_recordset($1::text::jsonb) as g(space_id uuid, lexeme text)
       where st.space_id = g.space_id and st.lexeme = g.lexeme and st.df <= 0`,
      [JSON.stringify(gone)],
    )
  }
  const spaces = await ex.query<{ space_id: string }>(
    `update space_stats ss set chunk_count = ss.chunk_count - s.n, total_terms = ss.total_terms - s.t
     from (
       select space_id, count(*) as n, coalesce(sum(term_count), 0) as t
       from chunks where document_id = ${anyOfJson(1)} group by space_id
     ) s
     where ss.space_id = s.space_id
     returning ss.space_id`,
    [ids],
  )
  return spaces.map((r) => String(r.space_id))
}

/** Removes everything a space's documents put in the search index (the space is being deleted). */
export async function purgeSpaceIndex(ex: Executor, spaceId: string): Promise<void> {
  await ex.query('delete from chunk_terms where space_id = $1', [spaceId])
  await ex.query('delete from space_terms where space_id = $1', [spaceId])
  await ex.query('delete from space_stats where space_id = $1', [spaceId])
}

/** Advisory transaction lock serialising knowledge-base writers (stats are shared rows). */
const LOCK_KB_WRITE = 72_600_101

export async function lockKnowledgeBase(tx: Executor): Promise<void> {
  await tx.query('select pg_advisory_xact_lock($1)', [LOCK_KB_WRITE])
}

/**
 * VACUUM (ANALYZE) of the search tables. BM25 search reads chunk_terms index-only, which needs the
 * visibility map that only VACUUM sets: right after a large load a query measured 120–176 ms at
 * 40k chunks, 9 ms after VACUUM (bench/RESULTS.md).
 */
export async function vacuumIndex(ex: Executor): Promise<void> {
  await ex.exec('vacuum (analyze) chunk_terms, space_terms, chunks, documents, space_stats')
}

/**
 * The search index of chunk_terms (same name and definition as migration 0007). A bulk load into
 * a private, fresh database drops it and builds it once at the end: a sorted build is far cheaper
 * than maintaining it posting by posting.
 */
export async function dropSearchIndex(ex: Executor): Promise<void> {
  await ex.exec('drop index if exists chunk_terms_space_lexeme_weight_idx')
}

export async function createSearchIndex(ex: Executor): Promise<void> {
  await ex.exec(
    'create index if not exists chunk_terms_space_lexeme_weight_idx on chunk_terms using btree (space_id, lexeme, weight desc nulls last, chunk_id)',
  )
}

/** Deletes these documents' postings (chunk_terms has no foreign key to cascade from). */
export async function deletePostingsOf(ex: Executor, documentIds: string[]) {
  if (documentIds.length === 0) return
  await ex.query(`delete from chunk_terms where chunk_id = ${CHUNKS_OF_DOCUMENTS}`, [
    JSON.stringify(documentIds),
  ])
}

/** Recomputes a space's stored weights with a new avgdl (after it grew or shrank a lot). */
export async function reweightSpace(ex: Executor, spaceId: string, p: Bm25Params, avgdl: number) {
  await ex.query(
    `update chunk_terms ct
     set weight = ct.tf * ($1::float8 + 1) / (ct.tf + $1::float8 * (1 - $2::float8 + $2::float8 * c.term_count / $3::float8))
     from chunks c where c.id = ct.chunk_id and ct.space_id = $4`,
    [p.k1, p.b, avgdl, spaceId],
  )
  await setWeightsAvgdl(ex, spaceId, avgdl)
}

export async function setWeightsAvgdl(ex: Executor, spaceId: string, avgdl: number): Promise<void> {
  await ex.query(
    `update space_stats set weights_avgdl = $1, weights_generation = ${NEXT_GENERATION} where space_id = $2`,
    [avgdl, spaceId],
  )
}

/** The english lexemes of each text (for choosing snippet sentences), in one round trip. */
export async function lexemesOf(ex: Executor, texts: string[]): Promise<string[][]> {
  if (texts.length === 0) return []
  const rows = await ex.query<{ i: number | string; lexemes: string[] | null }>(
    `select t.i, array(select lexeme from unnest(to_tsvector('english', t.s))) as lexemes
     from jsonb_array_elements_text($1::text::jsonb) with ordinality as t(s, i)`,
    [JSON.stringify(texts.map(indexText))],
  )
  const out: string[][] = texts.map(() => [])
  for (const r of rows) out[Number(r.i) - 1] = r.lexemes ?? []
  return out
}
