// The BM25 model (Lucene's idf, k1 0.9, b 0.4 — Anserini's BEIR settings) and the bookkeeping that
// keeps it exact enough as documents come and go, per space. A chunk's stored weight is the
// tf-normalised part, which depends on its space's avgdl; a space's weights are recomputed when
// its avgdl drifts more than AVGDL_DRIFT from the value they were computed with (rare once a
// space has some size). df and N are summed over the searched spaces at query time.
import type { Executor } from '../db/client.js'
import {
  type Bm25Params,
  deletePostingsOf,
  type IndexedChunk,
  insertIndexedChunks,
  readSpaceStats,
  removeDocumentStats,
  reweightSpace,
  type SpaceStats,
  setWeightsAvgdl,
} from '../db/queries/bm25.js'
import {
  type Bm25Result,
  bm25SearchPass,
  isExact,
  noHits,
  type PruneBudget,
} from '../db/queries/bm25-search.js'
import { cachedBm25Search } from './posting-cache.js'

// Heading terms get no extra weight: every chunk is indexed with its title and heading path in
// front (a contextual header), which already ties a section's chunks to what it is about.
export const BM25: Bm25Params = { k1: 0.9, b: 0.4 }
export const AVGDL_DRIFT = 0.1
/**
 * The search's pruning budgets, tried in turn until the top k is provably exact (see
 * db/queries/bm25-search.ts): the first serves nearly every question over 100k chunks; the later
 * ones read more of the common terms when their bound still lets an unseen chunk into the top k.
 * The last pass is taken as it is: a question whose rare terms alone exceed it is rare and slow.
 */
export const PRUNE_BUDGETS: readonly PruneBudget[] = [
  { wholePostings: 20_000, perTerm: 500, rescoreAll: true },
  { wholePostings: 80_000, perTerm: 4_000, rescoreAll: true },
]

/** What BM25 indexes as the heading of a chunk: its heading path, led by the document title. */
export function indexHeading(title: string, heading: string | null): string {
  if (!heading) return title
  return heading.toLowerCase().startsWith(title.toLowerCase()) ? heading : `${title} > ${heading}`
}

/** Inserts one space's chunks with their postings, updates its statistics, re-weights on drift. */
export async function insertChunks(tx: Executor, spaceId: string, rows: IndexedChunk[]): Promise<void> {
  if (rows.length === 0) return
  await rebalance(tx, spaceId, false, await insertIndexedChunks(tx, spaceId, rows, BM25))
}

/**
 * Removes these documents' chunks from their spaces' statistics and their postings; call before
 * deleting the chunks. Returns the spaces touched (to rebalance once the chunks are gone).
 */
export async function unindexDocuments(tx: Executor, documentIds: string[]): Promise<string[]> {
  const spaces = await removeDocumentStats(tx, documentIds)
  await deletePostingsOf(tx, documentIds)
  return spaces
}

/** Recomputes a space's weights when its avgdl drifted (or always with `force`). */
export async function rebalance(
  tx: Executor,
  spaceId: string,
  force: boolean,
  known?: SpaceStats,
): Promise<void> {
  const s = known ?? (await readSpaceStats(tx, spaceId))
  if (s.chunkCount <= 0) {
    if (s.weightsAvgdl !== 0) await setWeightsAvgdl(tx, spaceId, 0)
    return
  }
  const avgdl = s.totalTerms / s.chunkCount
  if (avgdl <= 0) return
  if (s.weightsAvgdl === 0 && !force) {
    // The space was empty: insertIndexedChunks weighted this first batch with exactly this avgdl.
    await setWeightsAvgdl(tx, spaceId, avgdl)
    return
  }
  const drift = Math.abs(avgdl - s.weightsAvgdl) / s.weightsAvgdl
  if (force || drift > AVGDL_DRIFT) await reweightSpace(tx, spaceId, BM25, avgdl)
}

/**
 * BM25 top k over the searched spaces. From the server's remembered posting lists when they (or
 * few enough lists to read now) cover the query: exact, `passes` 0 (rag/posting-cache.ts).
 * Otherwise the SQL plan (bm25PlanSearch).
 */
export async function bm25Search(
  ex: Executor,
  query: string,
  spaceIds: readonly string[],
  k: number,
): Promise<Bm25Result & { exact: boolean; passes: number }> {
  if (spaceIds.length > 0) {
    const remembered = await cachedBm25Search(ex, query, spaceIds, k)
    if (remembered) return { ...remembered, exact: true, passes: 0 }
  }
  return bm25PlanSearch(ex, query, spaceIds, k)
}

/**
 * The SQL plan (db/queries/bm25-search.ts), pass after pass of `budgets`: exact whenever one of
 * them proves it (a chunk no list read cannot reach the k-th score), else the last pass's ranking.
 */
export async function bm25PlanSearch(
  ex: Executor,
  query: string,
  spaceIds: readonly string[],
  k: number,
  budgets: readonly PruneBudget[] = PRUNE_BUDGETS,
): Promise<Bm25Result & { exact: boolean; passes: number }> {
  let passes = 0
  for (const budget of budgets) {
    passes++
    const r = await bm25SearchPass(ex, query, spaceIds, k, budget)
    if (isExact(r, k) || passes === budgets.length) return { ...r, exact: isExact(r, k), passes }
  }
  return { ...noHits(), exact: true, passes }
}

export { idf } from '../db/queries/bm25-search.js'
