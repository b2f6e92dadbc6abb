import type { Citation } from './types'

/** Where a citation opens: the source document with the cited chunk highlighted. */
export function citationHref(citation: Pick<Citation, 'document_id' | 'chunk_id'>): string {
  return `/documents/${encodeURIComponent(citation.document_id)}?chunk=${encodeURIComponent(citation.chunk_id)}`
}

export type Segment = { type: 'text'; value: string } | { type: 'cite'; index: number; citation: Citation }

const MARKER = /\[(\d{1,3})\]/g

/**
 * Splits text at `[n]` markers that match a citation. Markers without a citation stay text,
 * so a stray `[3]` never becomes a dead link.
 */
export function splitCitations(text: string, citations: readonly Citation[]): Segment[] {
  const byIndex = new Map(citations.map((citation) => [citation.index, citation]))
  const segments: Segment[] = []
  let last = 0
  for (const match of text.matchAll(MARKER)) {
    const citation = byIndex.get(Number(match[1]))
    if (!citation) continue
    const start = match.index ?? 0
    if (start > last) segments.push({ type: 'text', value: text.slice(last, start) })
    segments.push({ type: 'cite', index: citation.index, citation })
    last = start + match[0].length
  }
  if (last < text.length) segments.push({ type: 'text', value: text.slice(last) })
  return segments
}

/** The citations an answer actually refers to, in index order (for the "Sources" list). */
export function usedCitations(text: string, citations: readonly Citation[]): Citation[] {
  const used = new Set<number>()
  for (const segment of splitCitations(text, citations)) if (segment.type === 'cite') used.add(segment.index)
  const list = citations.filter((citation) => used.has(citation.index))
  const result = list.length > 0 ? list : [...citations]
  return result.sort((a, b) => a.index - b.index)
}

/** The heading path without a leading copy of the document title ("Guide > Setup" in "Guide" → "Setup"). */
export function headingWithoutTitle(title: string, heading: string | null | undefined): string | null {
  if (!heading) return null
  const trimmed = heading.trim()
  const match = /^(.+?)\s*(?:>|›|»|\/|—|-)\s*(.+)$/.exec(trimmed)
  if (match?.[1] && match[2] && match[1].trim().toLowerCase() === title.trim().toLowerCase()) return match[2]
  return trimmed.toLowerCase() === title.trim().toLowerCase() ? null : trimmed
}

const sameTitle = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase()
const fileName = (source: string) => source.replace(/^.*[\\/]/, '')

/**
 * How a source is named in an answer: its title, followed by its file name when another cited
 * document has the same title (two "Handbook"s must be told apart), and its heading path without
 * the title.
 */
export function citationLabel(
  citation: Pick<Citation, 'document_id' | 'title' | 'source' | 'heading'>,
  all: readonly Pick<Citation, 'document_id' | 'title'>[],
): { title: string; heading: string | null; text: string } {
  const clash = all.some((c) => c.document_id !== citation.document_id && sameTitle(c.title, citation.title))
  const title = clash && citation.source ? `${citation.title} (${fileName(citation.source)})` : citation.title
  const heading = headingWithoutTitle(citation.title, citation.heading)
  return { title, heading, text: heading ? `${title} — ${heading}` : title }
}
