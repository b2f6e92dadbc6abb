// BM25 top-k over the searched spaces, exact with safe pruning (MaxScore over impact-ordered
// postings). What answers when the server's remembered posting lists (rag/posting-cache.ts) do
// not cover a query and reading them whole now would cost too much. The index on chunk_terms (space_id, lexeme, weight desc, chunk_id) gives each term's
// postings in a space, best first:
// - the rarest query terms, as many as fit a postings budget together, are read WHOLE: every
//   chunk holding one of them is a candidate, so a chunk that holds several query words is found
//   however long each word's list is;
// - the other (common) terms are read only down to their `perTerm` best postings per space; a
//   posting not read weighs at most the last one read (its term's `bound`).
// Candidates whose upper bound (what was read + the bounds of the truncated terms they were not
// seen in) cannot reach the k-th best lower bound are dropped; the 2k likeliest are rescored
// exactly by looking their missing terms up in (chunk_id, lexeme), and their k-th exact score
// drops the rest that cannot reach it before those are looked up too. A chunk seen in no list scores at most the
// sum of the bounds (`unseenBound`): when the k-th score is above it, the top k is exact.
import { type Executor, jsonColumn } from '../client.js'
import { queryIndexText } from './index-text.js'
import type { TermStats } from './term-idf.js'

/** Query lexemes scanned at most (the highest-idf ones). */
export const MAX_QUERY_TERMS = 64

export interface Bm25Hit {
  chunk_id: string
  score: number
  /** How many distinct query lexemes this chunk matched. */
  matched_terms: number
  /**
   * The query lexemes this chunk holds (complete when the result's `lexemesComplete`): what the
   * chat's relevance floor weighs, read here instead of in another round trip.
   */
  lexemes: string[]
}

export interface Bm25Result {
  hits: Bm25Hit[]
  /** The query's english lexemes (empty when nothing matched). */
  queryLexemes: string[]
  /** The most a chunk that no list read could score (0: every list was read whole). */
  unseenBound: number
  /** Candidates that could have reached the top k but were not rescored (rescoreAll false). */
  pending: number
  /**
   * Every hit's `lexemes` lists all the query lexemes it holds: each hit was rescored, and every
   * query lexeme some chunk of the spaces holds was scanned (a very long query scans only its
   * MAX_QUERY_TERMS rarest).
   */
  lexemesComplete: boolean
  /** N and each query lexeme's df over the searched spaces (what queryTermStats reads for them). */
  stats: TermStats
}

export interface PruneBudget {
  /** Postings read whole, summed over the rarest terms (the rarest one is always read whole). */
  wholePostings: number
  /** Postings read per truncated term and space, best first. */
  perTerm: number
  /**
   * Rescore every candidate that could still reach the top k (exact), or only the 2k likeliest
   * (a candidate left unrescored keeps the score of the terms read; the result is then exact
   * only when no such candidate could have reached the top k).
   */
  rescoreAll: boolean
}

/**
 * One pass of the plan above. idf uses N and df summed over `spaceIds` only, and the stored
 * weights use their own space's avgdl, so nothing outside the searched spaces moves a score.
 */
export async function bm25SearchPass(
  ex: Executor,
  query: string,
  spaceIds: readonly string[],
  k: number,
  budget: PruneBudget,
): Promise<Bm25Result> {
  if (spaceIds.length === 0) return noHits()
  const rows = await ex.query<Record<string, unknown>>(SEARCH_SQL, [
    queryIndexText(query),
    JSON.stringify(spaceIds),
    k,
    MAX_QUERY_TERMS,
    budget.wholePostings,
    budget.perTerm,
    budget.rescoreAll,
  ])
  const hits = rows
    .filter((r) => r.chunk_id !== null)
    .map((r) => ({
      chunk_id: String(r.chunk_id),
      score: Number(r.score),
      matched_terms: Number(r.matched_terms),
      lexemes: lexemesOf(r.lexemes),
    }))
  // The same on every row; lexemes hold no spaces.
  const lexemes = rows[0]?.query_lexemes
  return {
    hits,
    queryLexemes: lexemes ? String(lexemes).split(' ') : [],
    unseenBound: Number(rows[0]?.unseen_bound ?? 0),
    pending: Number(rows[0]?.pending ?? 0),
    lexemesComplete: budget.rescoreAll && rows[0]?.truncated_query !== true,
    stats: { chunks: Number(rows[0]?.space_chunks ?? 0), terms: termsOf(rows[0]?.term_df) },
  }
}

/** [[lexeme, df], …] as json. */
function termsOf(v: unknown): TermStats['terms'] {
  return jsonColumn<[string, number][]>(v, []).map(([lexeme, df]) => ({
    lexeme: String(lexeme),
    df: Number(df),
  }))
}

/** Lucene/BM25 idf, as SEARCH_SQL computes it for n ≥ df (also for tests and the chat's floor). */
export function idf(n: number, df: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5))
}

/** A text[] column: an array from postgres-js, PGlite; '{a,b}' text should a driver hand one back. */
function lexemesOf(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String)
  if (typeof v === 'string' && v.length > 2) return v.slice(1, -1).split(',')
  return []
}

/** The result of searching no space, or a query with no lexeme: nothing, and provably so. */
export function noHits(): Bm25Result {
  return {
    hits: [],
    queryLexemes: [],
    unseenBound: 0,
    pending: 0,
    lexemesComplete: true,
    stats: { chunks: 0, terms: [] },
  }
}

/** Scores are compared on a grid of 1 / SCORE_GRID (SEARCH_SQL's `top`, onScoreGrid). */
const SCORE_GRID = 1e9

/**
 * A score rounded to the 1e-9 grid SEARCH_SQL rounds to: BM25 sums of the same terms taken in
 * another order differ by an ulp, and chunks that tie must then be ordered by id, in every plan.
 */
export function onScoreGrid(score: number): number {
  return Math.round(score * SCORE_GRID) / SCORE_GRID
}

/** True when no chunk outside the lists read can belong in the top k. */
export function isExact(r: Bm25Result, k: number): boolean {
  if (r.pending > 0) return false
  if (r.unseenBound <= 0) return true
  const kth = r.hits[k - 1]
  return kth !== undefined && kth.score > r.unseenBound
}

/**
 * Exact scores of the candidates in CTE `from`: each truncated term a candidate was not seen in is
 * looked up with a scalar subquery, one (chunk_id, lexeme) index probe per missing term (as a
 * join, the planner read every posting of the chunk and filtered).
 */
const rescored = (
  from: 'first' | 'rest',
) => `  select x.chunk_id, x.lb + coalesce(sum(x.idf * x.weight), 0) as score,
    x.mterms + count(x.weight) as matched_terms,
    x.held | coalesce(bit_or(x.bit) filter (where x.weight is not null), 0) as held
  from (
    select cd.chunk_id, cd.lb, cd.mterms, cd.held, c.idf, c.bit,
      (select ct.weight from chunk_terms ct where ct.chunk_id = cd.chunk_id and ct.lexeme = c.lexeme) as weight
    from ${from} cd
    left join cut c on c.bound > 0 and cd.seen & c.bit = 0
    offset 0
  ) x
  group by x.chunk_id, x.lb, x.mterms, x.held`

// $1 query, $2 space ids (JSON), $3 k, $4 max query terms, $5 whole-read budget, $6 per-term cap,
// $7 rescore every candidate.
// The final LEFT JOIN keeps one row (chunk_id null) when nothing matched, so that the query's
// lexemes and bound still come back.
export const SEARCH_SQL = `
with sp as (
  select distinct (jsonb_array_elements_text($2::text::jsonb))::uuid as space_id
), st as (
  select coalesce(sum(s.chunk_count), 0)::float8 as n
  from space_stats s where s.space_id in (select space_id from sp)
), q as (
  select distinct lexeme from unnest(to_tsvector('english', $1))
), qt as (
  select q.lexeme, coalesce(d.df, 0)::float8 as df,
    ln(1 + (greatest(st.n, coalesce(d.df, 0)) - coalesce(d.df, 0) + 0.5) / (coalesce(d.df, 0) + 0.5)) as idf
  from q cross join st
  left join lateral (
    select sum(t.df) as df from space_terms t
    where t.space_id in (select space_id from sp) and t.lexeme = q.lexeme
  ) d on true
), scan as (
  -- A very long query (a follow-up expanded with history) reads only its rarest terms.
  -- Each scanned term gets one bit of an int8 ($4 ≤ 64): a chunk's terms are a bit_or, not an
  -- array_agg of text per posting (the aggregation of the postings is most of a search's cost).
  select s.lexeme, s.idf, sum(s.df) over (order by s.df, s.lexeme) as cum,
    (1::int8 << (row_number() over (order by s.idf desc, s.lexeme) - 1)::int) as bit
  from (select * from qt where df > 0 order by idf desc, lexeme limit $4) s
), plan as (
  select lexeme, idf, bit, (cum <= $5 or cum = (select min(cum) from scan)) as whole from scan
), p as (
  select pl.lexeme, pl.idf, pl.bit, pl.whole, sp.space_id, x.chunk_id, x.weight
  from plan pl cross join sp cross join lateral (
    select ct.chunk_id, ct.weight from chunk_terms ct
    where ct.space_id = sp.space_id and ct.lexeme = pl.lexeme
    order by ct.weight desc nulls last
    limit case when pl.whole then null else $6::int end
  ) x
), cut as (
  -- A truncated term's bound: the last weight read (the $6-th best) in a space whose list was
  -- cut, one index probe per term and space; so p is read once, by agg, and never materialised.
  select pl.lexeme, pl.idf, pl.bit, coalesce(max(y.weight), 0) * pl.idf as bound
  from plan pl cross join sp cross join lateral (
    select ct.weight from chunk_terms ct
    where ct.space_id = sp.space_id and ct.lexeme = pl.lexeme
    order by ct.weight desc nulls last
    offset $6::int - 1 limit 1
  ) y
  where not pl.whole
  group by pl.lexeme, pl.idf, pl.bit
), hb as (
  select coalesce(sum(bound), 0) as total from cut
), agg as (
  -- Sorted first so that the planner groups (GroupAggregate) instead of hashing: its estimate
  -- of the groups is far too low and a small hash table spills or regrows.
  -- held: the query terms found so far; seen: those of them whose lists were truncated.
  select h.chunk_id, sum(h.w) as lb, count(*) as mterms, bit_or(h.bit) as held,
    coalesce(bit_or(h.bit) filter (where not h.whole), 0) as seen
  from (select chunk_id, idf * weight as w, bit, whole from p order by chunk_id) h
  group by h.chunk_id
), theta as (
  select coalesce((select lb from agg order by lb desc limit 1 offset $3 - 1), 0) as t
), cand as (
  -- ub: what was read + the bounds of the truncated terms the chunk was not seen in.
  select a.*, a.lb + hb.total - case when a.seen = 0 then 0
    else (select coalesce(sum(c.bound), 0) from cut c where a.seen & c.bit <> 0) end as ub
  from agg a, theta, hb where a.lb + hb.total >= theta.t
), first as (
  -- The likeliest top k first: their exact scores raise the threshold for the rest.
  select * from cand order by ub desc, chunk_id limit 2 * $3
), exact1 as (
${rescored('first')}
), theta2 as (
  select greatest((select t from theta),
    coalesce((select score from exact1 order by score desc limit 1 offset $3 - 1), 0)) as t
), open as (
  select cd.* from cand cd, theta2
  where cd.ub >= theta2.t and cd.chunk_id not in (select chunk_id from first)
), rest as (
  select * from open where $7::boolean
), exact as (
  select * from exact1
  union all
  -- Not rescored (rescoreAll false): the score of the terms read, a lower bound.
  select chunk_id, lb, mterms, held from open where not $7::boolean
  union all
${rescored('rest')}
), top as (
  -- Scores on a 1e-9 grid (onScoreGrid): the same sum taken in another order (pruned or not,
  -- SQL or the posting cache) differs in its last bits, and ties must fall to chunk_id.
  select chunk_id, round(score * ${SCORE_GRID}) / ${SCORE_GRID} as score, matched_terms, held from exact
  order by 2 desc, chunk_id limit $3
)
select t.chunk_id, t.score, t.matched_terms,
  array(select pl.lexeme from plan pl where t.held & pl.bit <> 0) as lexemes, (select string_agg(lexeme, ' ') from q) as query_lexemes,
  (select count(*) > $4 from qt where df > 0) as truncated_query, (select n from st) as space_chunks,
  (select json_agg(json_build_array(lexeme, df) order by lexeme) from qt) as term_df,
  (select total from hb) as unseen_bound,
  (select count(*) from open where not $7::boolean) as pending
from (select 1) one left join top t on true
order by t.score desc, t.chunk_id`
