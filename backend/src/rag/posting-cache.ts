// A server's memory of whole posting lists, per database: a search whose lists are remembered (or
// few enough to read now) adds its terms' postings up in typed arrays, exactly, instead of asking
// Postgres to read, sort and rescore them (the SQL plan of db/queries/bm25-search.ts spends ~10 ms
// of Postgres CPU a search of a 100k-chunk library; bench/RESULTS.md).
//
// Never stale, never wider than the caller's scope:
// - a (space, lexeme) list changes only when a chunk holding the lexeme comes or goes in the space
//   or the space's weights are recomputed; each such write gives the lexeme's space_terms row or
//   the space's space_stats row a new generation in the same transaction (db/queries/bm25.ts).
//   Each search reads the generations with the query's term statistics and uses a remembered list
//   only if it was read at both. Lists read now come with the generations of their own snapshot: if
//   those are not the ones the statistics were read at, the search takes the SQL plan instead.
// - lists are keyed by space; a search reads only the spaces it was given (the caller's readable,
//   chosen spaces, resolved per request), so remembering never widens access.
// - chunksByIds, which turns hits into results, checks that each chunk still exists as it is now.
// Scores are the SQL plan's: idf from N and df summed over the searched spaces, times the stored
// weight, rounded to the same 1e-9 grid (onScoreGrid); ties by chunk id.
import type { Executor } from '../db/client.js'
import {
  type Bm25Hit,
  type Bm25Result,
  idf,
  MAX_QUERY_TERMS,
  onScoreGrid,
} from '../db/queries/bm25-search.js'
import { type PostingList, readPostingLists } from '../db/queries/postings.js'
import { queryTermStatsBySpace, summedStats } from '../db/queries/term-idf.js'

/** Postings remembered at most over all spaces (8 bytes each), least recently used dropped first. */
export const CACHE_POSTINGS = 4_000_000
/** A search that would have to read more postings than this now takes the SQL plan instead. */
export const LOAD_POSTINGS = 150_000
/** A space with more chunks than this is not remembered (its chunk ids would take too much memory). */
export const MAX_SPACE_CHUNKS = 1_500_000

/**
 * The chunk ids of one space's remembered lists, numbered 0, 1, … in an open-addressing table of
 * their 16 bytes (a Map of uuid strings cost ~1.2 µs a posting to fill, most of a cold search), and
 * a search's scratch arrays.
 */
class SpaceIds {
  /** Remembered lists that use these numbers. */
  lists = 0
  count = 0
  /** 4 words per number: the id's bytes. */
  private words = new Uint32Array(1024 * 4)
  /** Hash slot → number + 1 (0: empty). */
  private slots = new Int32Array(2048)
  // Scratch of a search (reset after each; the scoring never awaits, so searches do not interleave).
  scores = new Float64Array(0)
  heldLo = new Uint32Array(0)
  heldHi = new Uint32Array(0)
  touched = new Int32Array(0)

  constructor(readonly spaceId: string) {}

  /** The numbers of the 16-byte ids in `bytes`, new ids numbered as they come. */
  internAll(bytes: Uint8Array): Int32Array {
    const n = bytes.length >> 4
    const out = new Int32Array(n)
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    for (let j = 0; j < n; j++) {
      const o = j << 4
      out[j] = this.intern(
        view.getUint32(o),
        view.getUint32(o + 4),
        view.getUint32(o + 8),
        view.getUint32(o + 12),
      )
    }
    return out
  }

  private intern(a: number, b: number, c: number, d: number): number {
    if ((this.count + 1) * 2 > this.slots.length) this.rehash()
    const w = this.words
    let h = this.home(a, b, c, d)
    for (let at = this.slots[h] as number; at !== 0; at = this.slots[h] as number) {
      const i = (at - 1) << 2
      if (w[i + 3] === d && w[i + 2] === c && w[i + 1] === b && w[i] === a) return at - 1
      h = (h + 1) & (this.slots.length - 1)
    }
    const id = this.count++
    if (id * 4 + 4 > this.words.length) {
      const grown = new Uint32Array(this.words.length * 2)
      grown.set(this.words)
      this.words = grown
    }
    this.words.set([a, b, c, d], id * 4)
    this.slots[h] = id + 1
    return id
  }

  /** The first slot to try for an id (uuid v7: the last 8 bytes are random, the first 6 a timestamp). */
  private home(a: number, b: number, c: number, d: number): number {
    return (Math.imul(d ^ (c >>> 7), 0x9e3779b1) ^ a ^ b) & (this.slots.length - 1)
  }

  /** Twice the slots, every id placed again. */
  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2)
    const mask = this.slots.length - 1
    const w = this.words
    for (let id = 0; id < this.count; id++) {
      const i = id << 2
      let h = this.home(w[i] as number, w[i + 1] as number, w[i + 2] as number, w[i + 3] as number)
      while (this.slots[h] !== 0) h = (h + 1) & mask
      this.slots[h] = id + 1
    }
  }

  /** The id of a number, as Postgres writes a uuid. */
  idOf(id: number): string {
    const w = this.words
    const hex = (x: number) => (x >>> 0).toString(16).padStart(8, '0')
    const s =
      hex(w[id * 4] as number) +
      hex(w[id * 4 + 1] as number) +
      hex(w[id * 4 + 2] as number) +
      hex(w[id * 4 + 3] as number)
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`
  }

  /** Scratch arrays as long as the dictionary (grown by doubling, zeroed). */
  scratch(): void {
    const n = this.count
    if (this.scores.length >= n) return
    const size = Math.max(1024, 2 ** Math.ceil(Math.log2(n)))
    this.scores = new Float64Array(size)
    this.heldLo = new Uint32Array(size)
    this.heldHi = new Uint32Array(size)
    this.touched = new Int32Array(size)
  }
}

interface RememberedList {
  dict: SpaceIds
  generation: number
  weightsGeneration: number
  chunks: Int32Array
  weights: Float32Array
}

const keyOf = (spaceId: string, lexeme: string) => `${spaceId}\u0000${lexeme}`

export class PostingCache {
  private readonly spaces = new Map<string, SpaceIds>()
  /** A Map iterates in insertion order: the first list is the least recently used. */
  private readonly lists = new Map<string, RememberedList>()
  private postings = 0

  constructor(private readonly maxPostings = CACHE_POSTINGS) {}

  get(
    spaceId: string,
    lexeme: string,
    generation: number,
    weightsGeneration: number,
  ): RememberedList | undefined {
    const key = keyOf(spaceId, lexeme)
    const l = this.lists.get(key)
    if (!l || l.generation !== generation || l.weightsGeneration !== weightsGeneration) return undefined
    this.lists.delete(key)
    this.lists.set(key, l)
    return l
  }

  /**
   * Remembers a list read now. A space's dictionary is started again once it holds twice the
   * space's chunks (ids of chunks deleted since accumulate), with the lists that use it.
   */
  put(list: PostingList, spaceChunks: number): RememberedList {
    let dict = this.spaces.get(list.spaceId)
    if (dict && dict.count > 2 * spaceChunks + 1024) {
      for (const [k, l] of this.lists) if (l.dict === dict) this.drop(k, l)
      dict = undefined
    }
    if (!dict) {
      dict = new SpaceIds(list.spaceId)
      this.spaces.set(list.spaceId, dict)
    }
    const chunks = dict.internAll(list.chunkIds)
    const remembered: RememberedList = {
      dict,
      generation: list.generation,
      weightsGeneration: list.weightsGeneration,
      chunks,
      weights: list.weights,
    }
    const key = keyOf(list.spaceId, list.lexeme)
    const old = this.lists.get(key)
    if (old) this.drop(key, old)
    this.lists.set(key, remembered)
    dict.lists++
    this.postings += chunks.length
    for (const [k, l] of this.lists) {
      if (this.postings <= this.maxPostings) break
      if (l !== remembered) this.drop(k, l)
    }
    return remembered
  }

  /** Remembered postings (for tests and the benchmark). */
  get size(): number {
    return this.postings
  }

  /** Drops one list; a space's dictionary goes with its last list. */
  private drop(key: string, l: RememberedList): void {
    this.lists.delete(key)
    this.postings -= l.chunks.length
    l.dict.lists--
    if (l.dict.lists === 0 && this.spaces.get(l.dict.spaceId) === l.dict) this.spaces.delete(l.dict.spaceId)
  }
}

const caches = new WeakMap<Executor, PostingCache>()

/** The posting memory of this database handle (each database has its own generations). */
export function postingCacheOf(ex: Executor): PostingCache {
  let c = caches.get(ex)
  if (!c) {
    c = new PostingCache()
    caches.set(ex, c)
  }
  return c
}

interface Candidate {
  id: string
  score: number
  lo: number
  hi: number
}

/** Higher score first, then the lower chunk id (the SQL plan's `order by score desc, chunk_id`). */
const better = (a: Candidate, b: Candidate) => a.score > b.score || (a.score === b.score && a.id < b.id)

/**
 * BM25's exact top k from remembered (or just read) whole posting lists, or null when that would
 * read more than LOAD_POSTINGS now, a space is too large to remember, or a list changed between
 * the two statements (the caller then takes the SQL plan).
 */
export async function cachedBm25Search(
  ex: Executor,
  query: string,
  spaceIds: readonly string[],
  k: number,
  cache: PostingCache = postingCacheOf(ex),
): Promise<Bm25Result | null> {
  const bySpace = await queryTermStatsBySpace(ex, query, spaceIds)
  const { spaces, terms } = bySpace
  if (spaces.some((s) => s.chunks > MAX_SPACE_CHUNKS)) return null
  const stats = summedStats(bySpace)
  const n = stats.chunks
  // The scanned terms: the MAX_QUERY_TERMS rarest held anywhere, each with one bit.
  const scan = stats.terms
    .map((t, i) => ({ ...t, spaces: terms[i]?.spaces ?? new Map(), idf: idf(Math.max(n, t.df), t.df) }))
    .filter((t) => t.df > 0)
    .sort((a, b) => b.idf - a.idf || (a.lexeme < b.lexeme ? -1 : a.lexeme > b.lexeme ? 1 : 0))
  const truncated = scan.length > MAX_QUERY_TERMS
  scan.length = Math.min(scan.length, MAX_QUERY_TERMS)

  const weightsOf = new Map(spaces.map((s) => [s.spaceId, s]))
  const found = new Map<string, RememberedList>()
  /** The lists to read now, with the generation the statistics gave each. */
  const missing = new Map<string, { spaceId: string; lexeme: string; generation: number }>()
  let toRead = 0
  for (const t of scan) {
    for (const [spaceId, x] of t.spaces) {
      const space = weightsOf.get(spaceId)
      if (!space || x.df <= 0) continue
      const key = keyOf(spaceId, t.lexeme)
      const l = cache.get(spaceId, t.lexeme, x.generation, space.weightsGeneration)
      if (l) found.set(key, l)
      else {
        missing.set(key, { spaceId, lexeme: t.lexeme, generation: x.generation })
        toRead += x.df
      }
    }
  }
  if (toRead > LOAD_POSTINGS) return null
  for (const list of await readPostingLists(ex, [...missing.values()])) {
    const space = weightsOf.get(list.spaceId)
    const asked = missing.get(keyOf(list.spaceId, list.lexeme))
    if (!space || !asked || list.generation !== asked.generation) return null
    if (list.weightsGeneration !== space.weightsGeneration) return null
    if (list.chunkIds.length !== list.weights.length * 16) return null
    found.set(keyOf(list.spaceId, list.lexeme), cache.put(list, space.chunks))
  }

  // Score each space's chunks apart (a chunk lives in one space), keep each one's top k, merge.
  // A space's lists must share one dictionary (a concurrent search may have started the space's
  // dictionary again while this one read: then the SQL plan answers).
  let top: Candidate[] = []
  for (const s of spaces) {
    const lists: { list: RememberedList; w: number; bit: number }[] = []
    scan.forEach((t, bit) => {
      const l = found.get(keyOf(s.spaceId, t.lexeme))
      if (l) lists.push({ list: l, w: t.idf, bit })
    })
    const dict = lists[0]?.list.dict
    if (!dict) continue
    if (lists.some((l) => l.list.dict !== dict)) return null
    top = mergeTop(top, scoreSpace(dict, lists, k), k)
  }
  const hits: Bm25Hit[] = top.map((c) => {
    const lexemes = scan.filter((_, bit) => bitOf(c, bit)).map((t) => t.lexeme)
    return { chunk_id: c.id, score: c.score, matched_terms: lexemes.length, lexemes }
  })
  return {
    hits,
    queryLexemes: terms.map((t) => t.lexeme),
    unseenBound: 0,
    pending: 0,
    lexemesComplete: !truncated,
    stats,
  }
}

const bitOf = (c: Candidate, bit: number) => (bit < 32 ? (c.lo >>> bit) & 1 : (c.hi >>> (bit - 32)) & 1) === 1

function scoreSpace(dict: SpaceIds, lists: { list: RememberedList; w: number; bit: number }[], k: number) {
  dict.scratch()
  const { scores, heldLo, heldHi, touched } = dict
  let count = 0
  for (const { list, w, bit } of lists) {
    const { chunks, weights } = list
    const lo = bit < 32 ? (1 << bit) >>> 0 : 0
    const hi = bit < 32 ? 0 : (1 << (bit - 32)) >>> 0
    for (let j = 0; j < chunks.length; j++) {
      const c = chunks[j] as number
      if (scores[c] === 0) touched[count++] = c
      scores[c] = (scores[c] as number) + w * (weights[j] as number)
      heldLo[c] = ((heldLo[c] as number) | lo) >>> 0
      heldHi[c] = ((heldHi[c] as number) | hi) >>> 0
    }
  }
  // The k best, kept sorted; most chunks are below the k-th and cost one comparison.
  const best: Candidate[] = []
  for (let t = 0; t < count; t++) {
    const c = touched[t] as number
    const score = onScoreGrid(scores[c] as number)
    const last = best[best.length - 1]
    if (best.length >= k && last && score < last.score) continue
    const cand = { id: dict.idOf(c), score, lo: heldLo[c] as number, hi: heldHi[c] as number }
    if (best.length >= k && last && !better(cand, last)) continue
    let at = best.length
    while (at > 0 && better(cand, best[at - 1] as Candidate)) at--
    best.splice(at, 0, cand)
    if (best.length > k) best.pop()
  }
  for (let t = 0; t < count; t++) {
    const c = touched[t] as number
    scores[c] = 0
    heldLo[c] = 0
    heldHi[c] = 0
  }
  return best
}

function mergeTop(a: Candidate[], b: Candidate[], k: number): Candidate[] {
  if (a.length === 0) return b
  return [...a, ...b].sort((x, y) => (better(x, y) ? -1 : better(y, x) ? 1 : 0)).slice(0, k)
}
