// Citation markers: every `[n]` in an answer must point at a source that was given for this
// question. The filter below works on a token stream (markers may be split across tokens), drops
// unknown markers, and renumbers the known ones 1, 2, … in order of first appearance, so that
// `content` and `citations[].index` always agree.
import type { RetrievedChunk } from './types.js'

export interface Citation {
  index: number
  document_id: string
  chunk_id: string
  title: string
  source: string | null
  heading: string | null
  snippet: string
}

/** `[1]`, `[1, 2]`, `[1; 2]` (with the spaces or tabs before it, which go when the marker goes). */
const MARKER = /([ \t]*)\[(\d{1,4}(?:[ \t]*[,;][ \t]*\d{1,4})*)\]/g
/** What may still change once more text arrives: trailing whitespace and an open `[1, 2`. */
const PARTIAL_TAIL = /\s*(?:\[[\d,; \t]*)?$/
/** A longer open bracket is ordinary text; holding it back would stall the stream. */
const MAX_HELD = 32

export class MarkerFilter {
  private pending = ''
  private started = false
  /** Source numbers (1-based, as given to the model) in display order. */
  private readonly order: number[] = []
  private readonly display = new Map<number, number>()
  private emitted = ''

  constructor(private readonly sourceCount: number) {}

  /** Feeds model text; returns the text that is now safe to show. */
  push(text: string): string {
    return this.process(this.pending + text, false)
  }

  /** End of stream: whatever was held back, minus trailing blanks. */
  flush(): string {
    return this.process(this.pending, true)
  }

  /** Everything returned so far (equals the concatenation of push/flush results). */
  get content(): string {
    return this.emitted
  }

  /** Source numbers actually cited, in display order: display index i+1 ↔ sources[order[i]-1]. */
  get cited(): number[] {
    return [...this.order]
  }

  private process(raw: string, final: boolean): string {
    let holdFrom = raw.length
    if (!final) {
      const tail = PARTIAL_TAIL.exec(raw)
      if (tail && raw.length - tail.index <= MAX_HELD) holdFrom = tail.index
    }
    let out = raw
      .slice(0, holdFrom)
      .replace(MARKER, (_m, blanks: string, list: string) => this.rewrite(blanks, list))
    this.pending = raw.slice(holdFrom)
    if (final) {
      out = out.replace(/\s+$/, '')
      this.pending = ''
    }
    if (!this.started) {
      // No leading blank lines: the stored content is trimmed and must equal the streamed text.
      out = out.replace(/^\s+/, '')
      if (out) this.started = true
    }
    this.emitted += out
    return out
  }

  private rewrite(blanks: string, list: string): string {
    const kept: number[] = []
    for (const part of list.split(/[,;]/)) {
      const n = Number(part.trim())
      if (!Number.isInteger(n) || n < 1 || n > this.sourceCount) continue
      const shown = this.displayIndex(n)
      if (!kept.includes(shown)) kept.push(shown)
    }
    if (kept.length === 0) return ''
    return blanks + kept.map((i) => `[${i}]`).join('')
  }

  private displayIndex(source: number): number {
    let shown = this.display.get(source)
    if (shown === undefined) {
      this.order.push(source)
      shown = this.order.length
      this.display.set(source, shown)
    }
    return shown
  }
}

/** Runs a whole text through the filter (non-streamed answers, tests). */
export function repairMarkers(text: string, sourceCount: number): { content: string; cited: number[] } {
  const filter = new MarkerFilter(sourceCount)
  filter.push(text)
  filter.flush()
  return { content: filter.content, cited: filter.cited }
}

export function toCitation(index: number, chunk: RetrievedChunk, snippet?: string): Citation {
  return {
    index,
    document_id: chunk.document_id,
    chunk_id: chunk.chunk_id,
    title: chunk.title,
    source: chunk.source,
    heading: chunk.heading,
    snippet: snippet ?? chunk.snippet,
  }
}

/** Citations for the sources a filter saw cited, numbered as they appear in the content. */
export function citationsFor(cited: number[], sources: readonly RetrievedChunk[]): Citation[] {
  const out: Citation[] = []
  cited.forEach((n, i) => {
    const chunk = sources[n - 1]
    if (chunk) out.push(toCitation(i + 1, chunk))
  })
  return out
}

/** The `[n]` numbers present in a text (for checks and tests). */
export function markersIn(text: string): number[] {
  return [...text.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]))
}

/** History sent back to the model must not carry old markers, which would point at other sources. */
export function stripMarkers(text: string): string {
  return text.replace(MARKER, '')
}
