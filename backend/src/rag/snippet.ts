// Snippets: the chunk sentence(s) sharing the most lexemes with the query, at most ~300 chars.
import type { Executor } from '../db/client.js'
import { lexemesOf } from '../db/queries/bm25.js'
import { readSentencesOf, sentencesOf } from './sentences.js'

export const SNIPPET_MAX = 300

export function truncate(text: string, max = SNIPPET_MAX): string {
  if (text.length <= max) return text
  const cut = text.slice(0, max - 1)
  const space = cut.lastIndexOf(' ')
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:]+$/, '')}…`
}

/** y and i are one letter for stems (english snowball turns a final y into i: study → studi). */
const fold = (text: string) => text.toLowerCase().replaceAll('y', 'i')
/** A lexeme's first letters: those of its first word ("example.com" → exa, "3.5" → 3). */
const stemPrefix = (lexeme: string) => fold(lexeme.match(/[\p{L}\p{N}]+/u)?.[0] ?? '').slice(0, 3)

/**
 * Matches a sentence that may contain one of these lexemes: a word of it starts with a lexeme's
 * first three letters (or the whole lexeme when shorter). Snowball only rewrites endings, so a
 * word whose stem is the lexeme matches (a handful of irregular forms aside, such as dying → die);
 * a sentence that does not match scores 0 and costs no to_tsvector call.
 */
export function stemMatcher(lexemes: string[]): (sentence: string) => boolean {
  // Letters and digits only (stemPrefix), so nothing needs escaping; i stands for i or y.
  const prefixes = [...new Set(lexemes.map(stemPrefix))].filter(Boolean)
  if (prefixes.length === 0) return () => false
  const alternatives = prefixes.map((p) => p.replaceAll('i', '[iy]')).join('|')
  // ASCII prefixes: a word starts after anything but an ASCII letter or digit (not \b, for which
  // `_` is a word character: Postgres' parser splits ADMIN_PASSWORD into admin + password; a
  // non-ASCII letter before one can only add a false match, never lose one), and the non-Unicode,
  // case-insensitive search is the fastest.
  const rx = prefixes.every((p) => /^[a-z0-9]+$/.test(p))
    ? new RegExp(`(?<![a-z0-9])(?:${alternatives})`, 'i')
    : new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives})`, 'iu')
  return (sentence) => rx.test(sentence)
}

/**
 * The sentences a snippet is chosen from, as plain text; ingestion stores their lexemes
 * (chunks.sentence_lexemes), one list per sentence.
 */
export function snippetSentences(content: string, plain = false): string[] {
  return sentencesOf(content, plain).flatMap((s) => (s.text ? [s.text] : []))
}

/** snippetSentences of a content searches and answers read: from the remembered split. */
export function readSentences(content: string, plain = false): string[] {
  return readSentencesOf(content, plain).flatMap((s) => (s.text ? [s.text] : []))
}

/** Stored lexemes usable for these sentences: one list per sentence (else they are analysed now). */
function usable(stored: unknown, sentences: readonly string[]): stored is string[][] {
  return Array.isArray(stored) && stored.length === sentences.length && stored.every(Array.isArray)
}

/**
 * The lexemes of the query and of each chunk's sentences: stored at ingestion where present,
 * otherwise analysed in one round trip — only the sentences that can match the query lexemes.
 */
async function sentenceLexemes(
  ex: Executor,
  query: string,
  perChunk: readonly (readonly string[])[],
  queryLexemes: string[] | undefined,
  stored: readonly unknown[],
): Promise<{ wanted: Set<string>; lexemes: string[][][] }> {
  const mayContain = queryLexemes ? stemMatcher(queryLexemes) : () => true
  const pending: [number, number][] = []
  const lexemes = perChunk.map((sentences, ci) => {
    const known = stored[ci]
    if (usable(known, sentences)) return known
    sentences.forEach((sentence, si) => {
      if (mayContain(sentence)) pending.push([ci, si])
    })
    return sentences.map((): string[] => [])
  })
  const texts = pending.map(([ci, si]) => perChunk[ci]?.[si] as string)
  if (!queryLexemes) texts.unshift(query)
  const found = texts.length > 0 ? await lexemesOf(ex, texts) : []
  const wanted = new Set(queryLexemes ?? found.shift() ?? [])
  pending.forEach(([ci, si], j) => {
    const list = lexemes[ci]
    if (list) list[si] = found[j] ?? []
  })
  return { wanted, lexemes }
}

/**
 * Each lexeme's sentences (ascending) in one chunk's sentence lexemes, remembered per list: the
 * stored lists of a chunk read again are the same (frozen) object, so a search looks its few query
 * lexemes up instead of testing every lexeme of every sentence.
 */
const sentencesByLexeme = new WeakMap<readonly (readonly string[])[], Map<string, number[]>>()

function lexemeIndex(lists: readonly (readonly string[])[]): Map<string, number[]> {
  const index = sentencesByLexeme.get(lists)
  if (index) return index
  const built = new Map<string, number[]>()
  lists.forEach((list, i) => {
    for (const lexeme of list) {
      const at = built.get(lexeme)
      if (!at) built.set(lexeme, [i])
      else if (at[at.length - 1] !== i) at.push(i)
    }
  })
  sentencesByLexeme.set(lists, built)
  return built
}

/** The first sentence holding the most distinct lexemes of `wanted` (0 when none holds any). */
function bestSentence(lists: readonly (readonly string[])[], wanted: ReadonlySet<string>): number {
  const index = lexemeIndex(lists)
  const held = new Array<number>(lists.length).fill(0)
  for (const lexeme of wanted) for (const i of index.get(lexeme) ?? []) held[i] = (held[i] ?? 0) + 1
  let best = 0
  for (let i = 1; i < held.length; i++) if ((held[i] ?? 0) > (held[best] ?? 0)) best = i
  return best
}

/**
 * Picks, per content, the best sentence plus following ones while they fit. `queryLexemes` (from
 * the search that found the contents) saves analysing the query and the sentences that cannot
 * match it; `stored` (each chunk's sentence_lexemes) saves analysing the sentences at all.
 */
export async function snippets(
  ex: Executor,
  query: string,
  contents: string[],
  queryLexemes?: string[],
  stored: readonly unknown[] = [],
): Promise<string[]> {
  return (await snippetsWithLexemes(ex, query, contents, queryLexemes, stored)).snippets
}

/**
 * snippets(), with each chunk's sentence lexemes as used: the stored ones, or — for chunks whose
 * stored lists are missing or no longer line up with the sentences (ingested before the column,
 * or before a change to the sentence split) — those analysed now, [] for sentences that cannot
 * match the query. The answerer reads them as it reads stored ones.
 */
export async function snippetsWithLexemes(
  ex: Executor,
  query: string,
  contents: string[],
  queryLexemes?: string[],
  stored: readonly unknown[] = [],
  plain: readonly boolean[] = [],
): Promise<{ snippets: string[]; lexemes: string[][][] }> {
  const perChunk = contents.map((content, i) => readSentences(content, plain[i]))
  const { wanted, lexemes } = await sentenceLexemes(ex, query, perChunk, queryLexemes, stored)
  const out = perChunk.map((sentences, ci) => {
    // One list per sentence (stored and usable, or analysed now): sentenceLexemes.
    const best = bestSentence(lexemes[ci] ?? [], wanted)
    if (sentences.length === 0) return truncate((contents[ci] ?? '').replace(/\s+/g, ' ').trim())
    let text = sentences[best] as string
    for (let j = best + 1; j < sentences.length; j++) {
      const next = `${text} ${sentences[j]}`
      if (next.length > SNIPPET_MAX || text.length >= SNIPPET_MAX * 0.5) break
      text = next
    }
    return truncate(text)
  })
  return { snippets: out, lexemes }
}
