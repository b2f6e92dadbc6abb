// Tables as sentences. An extractive answer quotes sentences, and a chunk boundary may fall
// anywhere between rows, so each row carries its own headers: "Variety: Bramley; Stored at:
// 2.5 °C; Months: 6." — one paragraph per row, readable on its own and quotable whole. This reads
// better as a sentence than a Markdown table, whose "| a | b |" lines an answer cannot quote.

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

/**
 * A first row of three or more cells, all words (no figures), reads as the header. Two columns
 * without marked headers are read as key and value ("Pressing: 5 pounds a crate.").
 */
export function looksLikeHeader(row: readonly string[]): boolean {
  const cells = row.map(clean)
  return cells.filter(Boolean).length >= 3 && cells.every((c) => !c || !NUMERIC.test(c))
}

/** A row without headers: a key and its value, or its cells in order. */
function bareRow(cells: readonly string[]): string {
  const filled = cells.map(clean).filter(Boolean)
  if (filled.length === 2) return `${filled[0]}: ${(filled[1] as string).replace(/[.;]+$/, '')}.`
  return rowSentence([], filled)
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
  if (!hasHeader || rest.length === 0) return filled.map(bareRow).filter(Boolean)
  return rest.map((r) => rowSentence(first, r)).filter(Boolean)
}
