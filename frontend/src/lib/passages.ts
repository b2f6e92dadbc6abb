import type { DocumentChunk } from './types'

/** One passage of the document view: a chunk and the part of its text to show. */
export interface Passage {
  chunk: DocumentChunk
  text: string
}

/** `text` without a trailing copy of `suffix` (whitespace ignored), or null when it does not end so. */
function withoutSuffix(text: string, suffix: string): string | null {
  let i = text.length - 1
  let j = suffix.length - 1
  while (j >= 0) {
    if (/\s/.test(suffix[j] as string)) {
      j--
      continue
    }
    while (i >= 0 && /\s/.test(text[i] as string)) i--
    if (i < 0 || text[i] !== suffix[j]) return null
    i--
    j--
  }
  return text.slice(0, i + 1).trimEnd()
}

/**
 * Consecutive chunks of one section overlap (~15 %: the next one opens with the last sentences of
 * the previous one, as its first paragraph). The document view shows that text once: it is
 * dropped from the next chunk, or, when the next chunk is the cited one (shown whole), from the
 * end of the previous one.
 */
export function passagesOnce(chunks: readonly DocumentChunk[], citedId: string | null = null): Passage[] {
  const sorted = [...chunks].sort((a, b) => a.ordinal - b.ordinal)
  const passages: Passage[] = sorted.map((chunk) => ({ chunk, text: chunk.content }))
  for (let i = 1; i < passages.length; i++) {
    const prev = passages[i - 1] as Passage
    const next = passages[i] as Passage
    if (prev.chunk.heading !== next.chunk.heading) continue
    const breakAt = next.chunk.content.indexOf('\n\n')
    if (breakAt <= 0) continue
    const overlap = next.chunk.content.slice(0, breakAt)
    const kept = withoutSuffix(prev.chunk.content, overlap)
    if (kept === null || !kept.trim()) continue
    if (next.chunk.id === citedId) prev.text = withoutSuffix(prev.text, overlap) ?? prev.text
    else next.text = next.chunk.content.slice(breakAt).trimStart()
  }
  return passages
}
