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

/** Picks, per content, the best sentence plus following ones while they fit. */
export async function snippets(ex: Executor, query: string, contents: string[]): Promise<string[]> {
  const perChunk = contents.map((c) => splitSentences(c).map(clean).filter(Boolean))
  const all = perChunk.flat()
  const lexemes = await lexemesOf(ex, [query, ...all])
  const wanted = new Set(lexemes[0] ?? [])
  let offset = 1
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
