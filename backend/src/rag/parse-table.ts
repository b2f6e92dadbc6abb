// Tables as sentences. An extractive answer quotes sentences, and a chunk boundary may fall
// anywhere between rows, so each row carries its own headers: "Variety: Bramley; Stored at:
// 2.5 °C; Months: 6." — one paragraph per row, readable on its own and quotable whole.

const clean = (cell: string) => cell.replace(/\s+/g, ' ').trim()

/** One row as a sentence, each cell named by its column's header (when there is one). */
export function rowSentence(headers: readonly string[], cells: readonly string[]): string {
  const parts: string[] = []
  cells.forEach((raw, i) => {
    const cell = clean(raw)
    if (!cell) return
    const header = clean(headers[i] ?? '')
    parts.push(
      header && header !== cell ? `${header}: ${cell.replace(/[.;]+$/, '')}` : cell.replace(/[.;]+$/, ''),
    )
  })
  if (parts.length === 0) return ''
  return `${parts.join('; ')}.`
}

const NUMERIC = /^[\d\s.,:%$€£¥+\-–/°]+$/

/** A first row whose cells are all words (no figures) reads as the header. */
export function looksLikeHeader(row: readonly string[]): boolean {
  const cells = row.map(clean)
  return cells.filter(Boolean).length >= 2 && cells.every((c) => !c || !NUMERIC.test(c))
}

/**
 * Rows → one sentence per body row. The first row is the header when `header` is true, or when
 * it is 'auto' and that row looks like one. A table with a single row, or without a header,
 * lists its cells.
 */
export function tableSentences(rows: readonly (readonly string[])[], header: boolean | 'auto'): string[] {
  const filled = rows.filter((r) => r.some((c) => clean(c)))
  if (filled.length === 0) return []
  const [first, ...rest] = filled as [readonly string[], ...(readonly string[])[]]
  const hasHeader = header === 'auto' ? looksLikeHeader(first) : header
  if (!hasHeader || rest.length === 0) return filled.map((r) => rowSentence([], r)).filter(Boolean)
  return rest.map((r) => rowSentence(first, r)).filter(Boolean)
}
