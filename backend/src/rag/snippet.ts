// Snippets: the chunk sentence(s) sharing the most lexemes with the query, at most ~300 chars.
import type { Executor } from '../db/client.js'
import { lexemesOf } from '../db/queries/bm25.js'
import { splitSentences } from './chunk.js'

export const SNIPPET_MAX = 300

function clean(sentence: string): string {
  return sentence
    .replace(/^\s*(#{1,6}\s+|[-*+]\s+|\d+[.)]\s+|>\s*|\|)/, '')
    .replace(/`{3,}\w*/g, '')
    .replace(/\s+/g, ' ')
    .trim()
}

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
  // ASCII prefixes: \b is a word start for them (a non-ASCII letter before one can only add a
  // false match, never lose one), and the non-Unicode, case-insensitive search is the fastest.
  const rx = prefixes.every((p) => /^[a-z0-9]+$/.test(p))
    ? new RegExp(`\\b(?:${alternatives})`, 'i')
    : new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives})`, 'iu')
  return (sentence) => rx.test(sentence)
}

/** The lexemes of the query and of each sentence; sentences that cannot match are not analysed. */
async function sentenceLexemes(
  ex: Executor,
  query: string,
  sentences: string[],
  queryLexemes: string[] | undefined,
): Promise<{ wanted: Set<string>; lexemes: string[][] }> {
  if (!queryLexemes) {
    const all = await lexemesOf(ex, [query, ...sentences])
    return { wanted: new Set(all[0] ?? []), lexemes: all.slice(1) }
  }
  const mayContain = stemMatcher(queryLexemes)
  const candidates = sentences.flatMap((s, i) => (mayContain(s) ? [i] : []))
  const found = await lexemesOf(
    ex,
    candidates.map((i) => sentences[i] as string),
  )
  const lexemes: string[][] = sentences.map(() => [])
  candidates.forEach((i, j) => {
    lexemes[i] = found[j] ?? []
  })
  return { wanted: new Set(queryLexemes), lexemes }
}

/**
 * Picks, per content, the best sentence plus following ones while they fit. `queryLexemes` (from
 * the search that found the contents) saves analysing the query and the sentences that cannot
 * match it.
 */
export async function snippets(
  ex: Executor,
  query: string,
  contents: string[],
  queryLexemes?: string[],
): Promise<string[]> {
  const perChunk = contents.map((c) => splitSentences(c).map(clean).filter(Boolean))
  const { wanted, lexemes } = await sentenceLexemes(ex, query, perChunk.flat(), queryLexemes)
  let offset = 0
  return perChunk.map((sentences, ci) => {
    let best = 0
    let bestScore = -1
    sentences.forEach((_, i) => {
      const score = new Set((lexemes[offset + i] ?? []).filter((l) => wanted.has(l))).size
      if (score > bestScore) {
        best = i
        bestScore = score
      }
    })
    offset += sentences.length
    if (sentences.length === 0) return truncate((contents[ci] ?? '').replace(/\s+/g, ' ').trim())
    let text = sentences[best] as string
    for (let j = best + 1; j < sentences.length; j++) {
      const next = `${text} ${sentences[j]}`
      if (next.length > SNIPPET_MAX || text.length >= SNIPPET_MAX * 0.5) break
      text = next
    }
    return truncate(text)
  })
}
