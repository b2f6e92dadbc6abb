// BM25 in SQL (see rag/bm25.ts for the model). Postings live in chunk_terms with the
// tf-normalised weight precomputed; idf comes from term_stats at query time, so an ingest only
// has to touch its own postings unless the average chunk length drifts (then all are refreshed).
import type { Executor } from '../client.js'

/** JSON list of ids → a set usable in `in (...)`. */
const IDS = (n: number) => `(select (jsonb_array_elements_text($${n}::text::jsonb))::uuid)`

export interface Bm25Params {
  k1: number
  b: number
}

export interface CorpusStats {
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

export async function readCorpusStats(ex: Executor): Promise<CorpusStats> {
  const rows = await ex.query<Record<string, unknown>>(
    'select chunk_count, total_terms, weights_avgdl from corpus_stats where id = 1',
  )
  return statsOf(rows[0])
}

function statsOf(r: Record<string, unknown> = {}): CorpusStats {
  return {
    chunkCount: Number(r.chunk_count ?? 0),
    totalTerms: Number(r.total_terms ?? 0),
    weightsAvgdl: Number(r.weights_avgdl ?? 0),
  }
}

/**
 * Inserts chunks with their BM25 postings and statistics in ONE statement (the lexemes are
 * computed once and feed the postings, each chunk's length, df and the corpus totals; Postgres
 * runs every data-modifying CTE to completion whether or not the main query reads it):
 * tf = positions of a lexeme in to_tsvector('english', index_heading + content); weights use
 * corpus_stats.weights_avgdl (0 = the corpus is empty: this batch's own). Each chunk also keeps
 * the lexemes of its snippet sentences, in sentence order, as lexemesOf would return them.
 * Returns the new stats.
 */
export async function insertIndexedChunks(
  ex: Executor,
  rows: IndexedChunk[],
  p: Bm25Params,
): Promise<CorpusStats> {
  const out = await ex.query<Record<string, unknown>>(
    `with r as (
       select * from jsonb_to_recordset($1::text::jsonb) as r(id uuid, document_id uuid, ordinal int,
         heading text, content text, token_count int, index_heading text, sentences jsonb)
     ), t as (
       select r.id as chunk_id, x.lexeme, coalesce(array_length(x.positions, 1), 1)::real as tf
       from r, unnest(to_tsvector('english', coalesce(r.index_heading, '') || E'\n' || r.content)) x
     ), dl as (
       select chunk_id, sum(tf)::float8 as dl from t group by chunk_id
     ), a as (
       select coalesce(nullif(cs.weights_avgdl, 0), (select avg(dl) from dl)) as avgdl
       from corpus_stats cs where cs.id = 1
     ), c as (
       insert into chunks (id, document_id, ordinal, heading, content, token_count, term_count, sentence_lexemes)
       select r.id, r.document_id, r.ordinal, r.heading, r.content, r.token_count, coalesce(dl.dl, 0),
         (select coalesce(jsonb_agg(to_jsonb(array(select lexeme from unnest(to_tsvector('english', s.v))))
                                    order by s.i), '[]'::jsonb)
          from jsonb_array_elements_text(r.sentences) with ordinality as s(v, i))
       from r left join dl on dl.chunk_id = r.id
       returning 1
     ), ins as (
       insert into chunk_terms (chunk_id, lexeme, tf, weight)
       select t.chunk_id, t.lexeme, t.tf,
         t.tf * ($2::float8 + 1) / (t.tf + $2::float8 * (1 - $3::float8 + $3::float8 * dl.dl / a.avgdl))
       from t join dl on dl.chunk_id = t.chunk_id cross join a
       returning 1
     ), df as (
       insert into term_stats (lexeme, df)
       select lexeme, count(*) from t group by lexeme order by lexeme
       on conflict (lexeme) do update set df = term_stats.df + excluded.df
       returning 1
     )
     update corpus_stats set
       chunk_count = chunk_count + (select count(*) from c),
       total_terms = total_terms + (select coalesce(sum(dl), 0) from dl)
     where id = 1
     returning chunk_count, total_terms, weights_avgdl`,
    [JSON.stringify(rows), p.k1, p.b],
  )
  return statsOf(out[0])
}

/** Removes these documents' chunks from df, N and total length (before deleting them). */
export async function removeDocumentStats(ex: Executor, documentIds: string[]) {
  if (documentIds.length === 0) return
  const ids = JSON.stringify(documentIds)
  await ex.query(
    `update term_stats ts set df = ts.df - s.n
     from (
       select ct.lexeme, count(*) as n
       from chunk_terms ct join chunks c on c.id = ct.chunk_id
       where c.document_id in ${IDS(1)}
       group by ct.lexeme
     ) s
     where ts.lexeme = s.lexeme`,
    [ids],
  )
  await ex.query('delete from term_stats where df <= 0')
  await ex.query(
    `update corpus_stats set chunk_count = chunk_count - s.n, total_terms = total_terms - s.t
     from (select count(*) as n, coalesce(sum(term_count), 0) as t from chunks where document_id in ${IDS(1)}) s
     where id = 1`,
    [ids],
  )
}

/**
 * The search index of chunk_terms (same name and definition as migration 0002). A bulk load into
 * a private, fresh database drops it and builds it once at the end: a sorted build is far cheaper
 * than maintaining it posting by posting.
 */
export async function dropSearchIndex(ex: Executor): Promise<void> {
  await ex.exec('drop index if exists chunk_terms_lexeme_weight_idx')
}

export async function createSearchIndex(ex: Executor): Promise<void> {
  await ex.exec(
    'create index if not exists chunk_terms_lexeme_weight_idx on chunk_terms using btree (lexeme, weight desc nulls last, chunk_id)',
  )
}

/** Deletes these documents' postings (chunk_terms has no foreign key to cascade from). */
export async function deletePostingsOf(ex: Executor, documentIds: string[]) {
  if (documentIds.length === 0) return
  await ex.query(
    `delete from chunk_terms where chunk_id in (select id from chunks where document_id in ${IDS(1)})`,
    [JSON.stringify(documentIds)],
  )
}

/** Recomputes every stored weight with a new avgdl (after the corpus grew or shrank a lot). */
export async function reweightAll(ex: Executor, p: Bm25Params, avgdl: number): Promise<void> {
  await ex.query(
    `update chunk_terms ct
     set weight = ct.tf * ($1::float8 + 1) / (ct.tf + $1::float8 * (1 - $2::float8 + $2::float8 * c.term_count / $3::float8))
     from chunks c where c.id = ct.chunk_id`,
    [p.k1, p.b, avgdl],
  )
  await ex.query('update corpus_stats set weights_avgdl = $1 where id = 1', [avgdl])
}

export async function setWeightsAvgdl(ex: Executor, avgdl: number): Promise<void> {
  await ex.query('update corpus_stats set weights_avgdl = $1 where id = 1', [avgdl])
}

/** Query lexemes scanned at most (the highest-idf ones); the rest still count in total_idf. */
export const MAX_QUERY_TERMS = 64

export interface Bm25Hit {
  chunk_id: string
  score: number
  /** Sum of idf of the query lexemes this chunk matched / of all query lexemes. */
  matched_idf: number
  total_idf: number
  /** How many distinct query lexemes this chunk matched. */
  matched_terms: number
}

export interface Bm25Result {
  hits: Bm25Hit[]
  /** The query's english lexemes (empty when nothing matched). */
  queryLexemes: string[]
}

/**
 * OR semantics over the query's lexemes; per lexeme only its `perTerm` best postings (by the
 * index on (lexeme, weight desc nulls last) — the ORDER BY must say `nulls last` too, or the
 * planner reads and sorts every posting of the lexeme instead of stopping at `perTerm`); scores
 * summed per chunk. Unknown lexemes count in total_idf
 * with the idf of a term no chunk has.
 *
 * The postings are sorted by chunk before they are summed, so the planner groups the sorted rows
 * (GroupAggregate) instead of hashing them: its generic plan expects ~70 groups, so a hash table
 * started that small and was regrown five or six times for the ~3,000 chunks a question over 100k
 * chunks touches. Sorting first took 15 % off the statement's Postgres CPU (2.75 → 2.35 ms at
 * 8 connections, 100k chunks, 3 interleaved rounds each).
 */
export async function bm25Search(
  ex: Executor,
  query: string,
  k: number,
  perTerm: number,
): Promise<Bm25Result> {
  const rows = await ex.query<Record<string, unknown>>(
    `with q as (
       select distinct lexeme from unnest(to_tsvector('english', $1))
     ), qt as (
       select q.lexeme, ts.df,
         ln(1 + (greatest(cs.chunk_count, coalesce(ts.df, 0))::float8 - coalesce(ts.df, 0) + 0.5)
                / (coalesce(ts.df, 0) + 0.5)) as idf
       from q cross join corpus_stats cs left join term_stats ts on ts.lexeme = q.lexeme
       where cs.id = 1
     ), scan as (
       -- A very long query (a follow-up expanded with history) reads only its rarest terms.
       select * from qt where df is not null order by idf desc, lexeme limit $4
     ), hits as (
       select p.chunk_id, scan.idf * p.weight as w, scan.idf
       from scan cross join lateral (
         select ct.chunk_id, ct.weight from chunk_terms ct
         where ct.lexeme = scan.lexeme order by ct.weight desc nulls last limit $2
       ) p
     )
     select h.chunk_id, sum(h.w) as score, sum(h.idf) as matched_idf, count(*) as matched_terms,
       (select sum(idf) from qt) as total_idf, (select string_agg(lexeme, ' ') from q) as query_lexemes
     from (select * from hits order by chunk_id) h
     group by h.chunk_id order by score desc, h.chunk_id limit $3`,
    [query, perTerm, k, MAX_QUERY_TERMS],
  )
  const hits = rows.map((r) => ({
    chunk_id: String(r.chunk_id),
    score: Number(r.score),
    matched_idf: Number(r.matched_idf),
    total_idf: Number(r.total_idf),
    matched_terms: Number(r.matched_terms),
  }))
  // The same on every row; lexemes hold no spaces.
  const lexemes = rows[0]?.query_lexemes
  return { hits, queryLexemes: lexemes ? String(lexemes).split(' ') : [] }
}

/** The english lexemes of each text (for choosing snippet sentences), in one round trip. */
export async function lexemesOf(ex: Executor, texts: string[]): Promise<string[][]> {
  if (texts.length === 0) return []
  const rows = await ex.query<{ i: number | string; lexemes: string[] | null }>(
    `select t.i, array(select lexeme from unnest(to_tsvector('english', t.s))) as lexemes
     from jsonb_array_elements_text($1::text::jsonb) with ordinality as t(s, i)`,
    [JSON.stringify(texts)],
  )
  const out: string[][] = texts.map(() => [])
  for (const r of rows) out[Number(r.i) - 1] = r.lexemes ?? []
  return out
}
