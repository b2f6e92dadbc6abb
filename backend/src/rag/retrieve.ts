// Retrieval: BM25 always; when dense retrieval is usable, the top lexical and top dense
// candidates are fused with reciprocal rank fusion.
// - search() ranks and never cuts (GET /api/search and `npm run eval` run exactly this).
// - retrieve() is the chat's: the same ranking past a relevance floor, so that an off-topic
//   question gets [] (and the answer says the documents do not cover it) rather than noise; its
//   chunks carry what the answerer needs to judge coverage (query lexemes with idf, and the
//   stored lexemes of each chunk's sentences).
// Ranking uses the searched spaces' statistics only. The decision to refuse (the floor here and
// the answerer's coverage) weighs the question's words on a reference collection instead (see
// referenceSpaces and referenceTerms): in a space of a few chunks every word it holds is in a
// large share of them and every word it lacks gets the highest idf, so that on its own statistics
// a chunk of it almost never covers enough of a question, however well it answers it.
import {
  chunksByIds,
  type DenseHit,
  denseSearch,
  EXACT_DENSE_MAX_CHUNKS,
  type FetchedChunk,
  openingChunkIds,
} from '../db/queries/chunks.js'
import { singularAcronyms } from '../db/queries/index-text.js'
import { chunkCountOf, sharedLibraryId } from '../db/queries/spaces.js'
import { chunkLexemes, queryTermStats, type TermStats } from '../db/queries/term-idf.js'
import { bm25Search, idf } from './bm25.js'
import { resolveEmbedder } from './context.js'
import { definitionSubject, namesDocument } from './definition.js'
import { reciprocalRankFusion } from './fusion.js'
import { isFrameWord, searchFrames } from './question-terms.js'
import { snippetsWithLexemes } from './snippet.js'
import type { RagContext, RetrievedChunk, RetrieveOptions } from './types.js'

/** Candidates taken from each side before fusion (and before the floor). */
export const CANDIDATES = 50
/**
 * Lexical floor on coverage: the idf mass of the query lexemes a chunk contains over the idf mass
 * of all query lexemes (words the corpus lacks count with the highest idf). A chunk passes with
 * half the mass, or with a smaller share when it holds at least two distinct query words together
 * ("what happens when I hit the rate limit": rate + limit, while "happen" and "hit" are unknown).
 * One stray common word ("capital of Mongolia" matching "capital") does not pass.
 */
export const MIN_COVERAGE = 0.5
export const MIN_COVERAGE_MULTI = 0.3

export function passesLexicalFloor(h: {
  matched_idf: number
  total_idf: number
  matched_terms: number
}): boolean {
  if (h.total_idf <= 0) return false
  const coverage = h.matched_idf / h.total_idf
  return coverage >= MIN_COVERAGE || (h.matched_terms >= 2 && coverage >= MIN_COVERAGE_MULTI)
}
/**
 * A question's words are weighed on a collection of at least this many chunks: below it, the
 * collection is read as if it held as many more chunks with none of the question's words. A word
 * the collection lacks says little about its rarity when the collection is a handful of chunks;
 * padded, a word it holds once weighs about as much as one it lacks (idf 3.1 against 4.2, where a
 * one-chunk space gives 0.29 against 1.39), and a word in most of its chunks still weighs little.
 * A few dozen chunks already tell common words from rare ones: the demo corpus (45 chunks) got one
 * question of its set fewer right when read as 100 chunks (37 of 53 instead of 38).
 */
export const MIN_REFERENCE_CHUNKS = 32

export interface QueryTerm {
  lexeme: string
  idf: number
  /** Chunks of the reference collection holding the lexeme (0: it never uses it). */
  df: number
}

/** Lucene idf of each query lexeme over a collection of at least `minChunks` chunks. */
export function referenceTerms(stats: TermStats, minChunks = MIN_REFERENCE_CHUNKS): QueryTerm[] {
  const n = Math.max(stats.chunks, minChunks)
  return stats.terms.map((t) => ({ lexeme: t.lexeme, df: t.df, idf: idf(Math.max(n, t.df), t.df) }))
}

/** What passesLexicalFloor weighs: the query terms a chunk holds against all of them. */
export function lexicalCoverage(
  terms: readonly QueryTerm[],
  held: ReadonlySet<string>,
): { matched_idf: number; total_idf: number; matched_terms: number } {
  let matched_idf = 0
  let total_idf = 0
  let matched_terms = 0
  for (const t of terms) {
    total_idf += t.idf
    if (!held.has(t.lexeme)) continue
    matched_idf += t.idf
    matched_terms++
  }
  return { matched_idf, total_idf, matched_terms }
}

/**
 * The spaces a question's words are weighed on: the searched ones and the shared library, which
 * every signed-in user reads (§10) and which is usually the largest collection they can read. Never
 * a space the caller cannot read: refusing or answering must not depend on such documents.
 */
export async function referenceSpaces(ctx: RagContext, spaceIds: readonly string[]): Promise<string[]> {
  return [...new Set([...spaceIds, await sharedLibraryId(ctx.db)])].sort()
}

function sameSpaces(a: readonly string[], b: readonly string[]): boolean {
  const x = new Set(a)
  const y = new Set(b)
  return x.size === y.size && [...x].every((id) => y.has(id))
}

/** Dense floor (cosine similarity) for chunks that only the embedding side found. */
export const MIN_SIMILARITY = 0.5
const MAX_QUERY_CHARS = 4000

interface Ranked {
  q: string
  found: (FetchedChunk & { score: number; lexical?: number })[]
  queryLexemes: string[] | undefined
  /** The floor's weights of the query terms (with a floor only). */
  terms: QueryTerm[] | undefined
}

/**
 * A chat question without its scaffolding ("how long must …", "what happens when …"): those words
 * say what kind of answer is wanted, not what it is about, and as rare words they would outweigh
 * the subject in ranking and in the relevance floor.
 */
export function questionQuery(question: string): string {
  const framed = searchFrames(question)
  const kept = question.split(/(\s+)/).filter((w) => {
    const word = w.replace(/[^\p{L}]/gu, '')
    return !isFrameWord(word) && !framed.has(word.toLowerCase())
  })
  return kept.join('').trim()
}

/**
 * `spaceIds` are the spaces the caller may read and chose (resolved per request,
 * db/queries/spaces.ts): both retrieval statements filter on them inside the SQL, and BM25's
 * statistics are summed over them only.
 */
async function rank(
  ctx: RagContext,
  query: string,
  k: number,
  floor: boolean,
  spaceIds: readonly string[],
): Promise<Ranked | null> {
  // "PDFs" as the acronym, as the index reads it (index-text.ts); the embedding gets the same text.
  const q = singularAcronyms(query.trim().slice(0, MAX_QUERY_CHARS))
  if (!q || spaceIds.length === 0) return null
  const embedder = await resolveEmbedder(ctx)
  const lexLimit = embedder || floor ? Math.max(k, CANDIDATES) : k
  // The floor weighs the query's words on the reference spaces; when those are the searched ones
  // (a chat over everything the caller reads), the search's own statistics are theirs.
  const reference = floor ? await referenceSpaces(ctx, spaceIds) : undefined
  const ownStats = reference !== undefined && sameSpaces(reference, spaceIds)
  const [{ hits: lexical, queryLexemes, lexemesComplete, stats }, otherStats] = await Promise.all([
    bm25Search(ctx.db, q, spaceIds, lexLimit),
    reference && !ownStats ? queryTermStats(ctx.db, q, reference) : undefined,
  ])
  const terms = otherStats ? referenceTerms(otherStats) : ownStats ? referenceTerms(stats) : undefined
  let dense: DenseHit[] = []
  if (embedder) {
    try {
      const [vector] = await embedder.embed([q])
      const exact = (await chunkCountOf(ctx.db, spaceIds)) <= EXACT_DENSE_MAX_CHUNKS
      if (vector) dense = await denseSearch(ctx.db, vector, Math.max(k, CANDIDATES), spaceIds, exact)
    } catch (err) {
      // Retrieval degrades to lexical rather than failing the question.
      ctx.log?.warn(`dense retrieval failed, using lexical retrieval only: ${(err as Error).message}`)
    }
  }
  const passes = new Set<string>()
  if (terms) {
    // The search returns the query lexemes each hit holds; only a query too long to scan whole
    // needs them read again.
    const held = lexemesComplete
      ? new Map(lexical.map((h) => [h.chunk_id, new Set(h.lexemes)]))
      : await chunkLexemes(
          ctx.db,
          lexical.map((h) => h.chunk_id),
          terms.map((t) => t.lexeme),
        )
    for (const h of lexical) {
      if (passesLexicalFloor(lexicalCoverage(terms, held.get(h.chunk_id) ?? new Set())))
        passes.add(h.chunk_id)
    }
  } else {
    for (const h of lexical) passes.add(h.chunk_id)
  }
  for (const h of dense) if (!floor || h.similarity >= MIN_SIMILARITY) passes.add(h.chunk_id)

  let ranked: { id: string; score: number }[]
  if (dense.length > 0) {
    const fused = reciprocalRankFusion([lexical.map((h) => h.chunk_id), dense.map((h) => h.chunk_id)])
    ranked = [...fused].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score)
  } else {
    ranked = lexical.map((h) => ({ id: h.chunk_id, score: h.score }))
  }
  const top = ranked.filter((r) => passes.has(r.id)).slice(0, k)
  if (top.length === 0) return { q, found: [], queryLexemes, terms }
  const rows = await chunksByIds(
    ctx.db,
    top.map((r) => r.id),
  )
  const lexicalScore = new Map(lexical.map((h) => [h.chunk_id, h.score]))
  const found = top.flatMap((r) => {
    const f = rows.get(r.id)
    return f ? [{ ...f, score: r.score, lexical: lexicalScore.get(r.id) }] : []
  })
  return { q, found, queryLexemes: lexical.length > 0 ? queryLexemes : undefined, terms }
}

async function withSnippets(
  ctx: RagContext,
  r: Ranked,
): Promise<{ chunks: RetrievedChunk[]; lexemes: string[][][] }> {
  const { snippets: snips, lexemes } = await snippetsWithLexemes(
    ctx.db,
    r.q,
    r.found.map((f) => f.chunk.content),
    r.queryLexemes,
    r.found.map((f) => f.sentenceLexemes),
    r.found.map((f) => f.chunk.plain ?? false),
  )
  const chunks = r.found.map((f, i) => ({
    ...f.chunk,
    snippet: snips[i] ?? '',
    score: Number(f.score.toFixed(6)),
  }))
  return { chunks, lexemes }
}

/** Ranks up to k chunks, best first, without a relevance floor (search and its evaluation). */
export async function search(
  ctx: RagContext,
  query: string,
  opts: RetrieveOptions,
  spaceIds: readonly string[],
): Promise<RetrievedChunk[]> {
  const r = await rank(ctx, query, Math.max(1, Math.floor(opts.k)), false, spaceIds)
  if (!r || r.found.length === 0) return []
  return (await withSnippets(ctx, r)).chunks
}

/**
 * The chat's sources: ranked as search() ranks, past the relevance floor ([] when nothing is
 * relevant enough), each with the lexemes the answerer weighs sentences by.
 */
export async function retrieve(
  ctx: RagContext,
  query: string,
  opts: RetrieveOptions,
  spaceIds: readonly string[],
): Promise<RetrievedChunk[]> {
  const k = Math.max(1, Math.floor(opts.k))
  const r = await rank(ctx, questionQuery(query), k, true, spaceIds)
  if (!r || r.found.length === 0) return []
  const subject = definitionSubject(query)
  if (subject) await withOpening(ctx, r, subject, k, spaceIds)
  const { chunks, lexemes } = await withSnippets(ctx, r)
  const queryTerms = r.terms ?? []
  // The sentence lexemes the snippets were chosen by: stored, or analysed now where the stored
  // ones are missing or stale, so that the answerer always weighs sentences by Postgres' lexemes.
  return chunks.map((c, i) => ({
    ...c,
    analysis: { queryTerms, sentenceLexemes: lexemes[i] ?? null, lexicalScore: r.found[i]?.lexical ?? null },
  }))
}

/** Chunks of a document's opening given to "What is <its title>?": a badge line, then its lead. */
const OPENING_CHUNKS = 2

/**
 * "What is fastq?" when a found chunk's document is called "fastq": its opening chunks go first
 * (the document was found within the caller's spaces, and the opening is read within them too).
 */
async function withOpening(
  ctx: RagContext,
  r: Ranked,
  subject: string,
  k: number,
  spaceIds: readonly string[],
): Promise<void> {
  const named = r.found.find((f) => namesDocument(subject, f.chunk.title))
  if (!named) return
  const ids = await openingChunkIds(ctx.db, named.chunk.document_id, spaceIds, OPENING_CHUNKS)
  const have = new Map(r.found.map((f) => [f.chunk.chunk_id, f]))
  const fetched = await chunksByIds(
    ctx.db,
    ids.filter((id) => !have.has(id)),
  )
  const opening = ids.flatMap((id) => {
    const f = have.get(id) ?? fetched.get(id)
    return f ? [{ ...f, chunk: { ...f.chunk, lead: true }, score: named.score }] : []
  })
  r.found = [...opening, ...r.found.filter((f) => !ids.includes(f.chunk.chunk_id))].slice(0, k)
}
