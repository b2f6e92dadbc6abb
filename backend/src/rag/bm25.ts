// The BM25 model (Lucene's idf, k1 0.9, b 0.4 — Anserini's BEIR settings) and the bookkeeping that
// keeps it exact enough as documents come and go. A chunk's stored weight is the tf-normalised
// part, which depends on avgdl; all weights are recomputed when avgdl drifts more than
// AVGDL_DRIFT from the value they were computed with (rare once a corpus has some size).
import type { Executor } from '../db/client.js'
import {
  type Bm25Params,
  type CorpusStats,
  deletePostingsOf,
  type IndexedChunk,
  insertIndexedChunks,
  readCorpusStats,
  removeDocumentStats,
  reweightAll,
  setWeightsAvgdl,
} from '../db/queries/bm25.js'

// Heading terms get no extra weight: every chunk is indexed with its title and heading path in
// front (a contextual header), which already ties a section's chunks to what it is about.
export const BM25: Bm25Params = { k1: 0.9, b: 0.4 }
export const AVGDL_DRIFT = 0.1
/** Postings read per query lexeme (the best by weight); bounds latency on large corpora. */
export const POSTINGS_PER_TERM = 1000
/** Advisory transaction lock serialising knowledge-base writers (stats are shared rows). */
export const LOCK_KB_WRITE = 72_600_101

/** What BM25 indexes as the heading of a chunk: its heading path, led by the document title. */
export function indexHeading(title: string, heading: string | null): string {
  if (!heading) return title
  return heading.toLowerCase().startsWith(title.toLowerCase()) ? heading : `${title} > ${heading}`
}

export async function lockKnowledgeBase(tx: Executor): Promise<void> {
  await tx.query('select pg_advisory_xact_lock($1)', [LOCK_KB_WRITE])
}

/** Inserts chunks with their postings, updates the corpus statistics, re-weights on drift. */
export async function insertChunks(tx: Executor, rows: IndexedChunk[]): Promise<void> {
  if (rows.length === 0) return
  await rebalance(tx, false, await insertIndexedChunks(tx, rows, BM25))
}

/** Removes these documents' chunks from the statistics and their postings; call before deleting the chunks. */
export async function unindexDocuments(tx: Executor, documentIds: string[]): Promise<void> {
  await removeDocumentStats(tx, documentIds)
  await deletePostingsOf(tx, documentIds)
}

/** Recomputes all weights when avgdl drifted (or always with `force`). */
export async function rebalance(tx: Executor, force: boolean, known?: CorpusStats): Promise<void> {
  const s = known ?? (await readCorpusStats(tx))
  if (s.chunkCount <= 0) {
    if (s.weightsAvgdl !== 0) await setWeightsAvgdl(tx, 0)
    return
  }
  const avgdl = s.totalTerms / s.chunkCount
  if (avgdl <= 0) return
  if (s.weightsAvgdl === 0 && !force) {
    // The corpus was empty: insertPostings weighted this first batch with exactly this avgdl.
    await setWeightsAvgdl(tx, avgdl)
    return
  }
  const drift = Math.abs(avgdl - s.weightsAvgdl) / s.weightsAvgdl
  if (force || drift > AVGDL_DRIFT) await reweightAll(tx, BM25, avgdl)
}

/** Lucene/BM25 idf, as used in SQL (for tests and the floor). */
export function idf(n: number, df: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5))
}
