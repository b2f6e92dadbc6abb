// Retrieval: BM25 always; when dense retrieval is usable, the top lexical and top dense
// candidates are fused with reciprocal rank fusion. A relevance floor drops weak matches so that
// an off-topic question gets [] (and the answer says it found nothing) rather than noise.
import { chunksByIds, type DenseHit, denseSearch, EXACT_DENSE_MAX_CHUNKS } from '../db/queries/chunks.js'
import { chunkCountOf } from '../db/queries/spaces.js'
import { bm25Search } from './bm25.js'
import { resolveEmbedder } from './context.js'
import { reciprocalRankFusion } from './fusion.js'
import { snippets } from './snippet.js'
import type { RagContext, RetrievedChunk, RetrieveOptions } from './types.js'

/** Candidates taken from each side before fusion. */
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
/** Dense floor (cosine similarity) for chunks that only the embedding side found. */
export const MIN_SIMILARITY = 0.5
const MAX_QUERY_CHARS = 4000

/**
 * The best chunks of the searched spaces for `query`. `spaceIds` are the spaces the caller may
 * read and chose (resolved per request, db/queries/spaces.ts): both retrieval statements filter
 * on them inside the SQL, and BM25's statistics are summed over them only.
 */
export async function retrieve(
  ctx: RagContext,
  query: string,
  opts: RetrieveOptions,
  spaceIds: readonly string[],
): Promise<RetrievedChunk[]> {
  const q = query.trim().slice(0, MAX_QUERY_CHARS)
  const k = Math.max(1, Math.floor(opts.k))
  const floor = opts.floor !== false
  if (!q || spaceIds.length === 0) return []
  const embedder = await resolveEmbedder(ctx)
  const lexLimit = embedder || floor ? Math.max(k, CANDIDATES) : k
  const { hits: lexical, queryLexemes } = await bm25Search(ctx.db, q, spaceIds, lexLimit)
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
  for (const h of lexical) {
    if (!floor || passesLexicalFloor(h)) passes.add(h.chunk_id)
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
  if (top.length === 0) return []
  const rows = await chunksByIds(
    ctx.db,
    top.map((r) => r.id),
  )
  const found = top.flatMap((r) => {
    const f = rows.get(r.id)
    return f ? [{ ...f, score: r.score }] : []
  })
  const snips = await snippets(
    ctx.db,
    q,
    found.map((f) => f.chunk.content),
    lexical.length > 0 ? queryLexemes : undefined,
    found.map((f) => f.sentenceLexemes),
  )
  return found.map((f, i) => ({ ...f.chunk, snippet: snips[i] ?? '', score: Number(f.score.toFixed(6)) }))
}
