// PDF → paragraphs, headings and table rows, read from the layout of each page's text (pdf.js via
// unpdf), and the Title from its metadata. Lines are the text runs on one baseline; a line in a
// larger font than the body is a heading; runs far apart on one line are cells, and two or more
// such lines in a row are a table; a wider gap between lines ends a paragraph. Paragraphs then
// follow the plain-text rules (parse-text.ts): wrapped lines joined, never read as Markdown.
import { getDocumentProxy, getMeta } from 'unpdf'
import { type ParseLimits, tooLarge, unusable } from './parse.js'
import { tableSentences } from './parse-table.js'
import { paragraphBlocks, type TextBlock } from './parse-text.js'

type PdfDocument = Awaited<ReturnType<typeof getDocumentProxy>>

interface Run {
  text: string
  x: number
  y: number
  width: number
  size: number
}

interface Line {
  y: number
  size: number
  cells: string[]
  /** The first line of a page (its gap to the line before means nothing). */
  pageStart: boolean
}

/** A heading's font is at least this much larger than the body's. */
const HEADING_RATIO = 1.15
/** A gap this many font sizes wide between runs on one line separates table cells. */
const CELL_GAP = 1.2
/** A gap between baselines this many font sizes high ends a paragraph. */
const PARAGRAPH_GAP = 1.6
const PAGE_NUMBER = /^(?:page\s+)?\d{1,4}(?:\s*(?:of|\/)\s*\d{1,4})?$/i

export async function pdfToBlocks(
  bytes: Uint8Array,
  limits: ParseLimits,
): Promise<{ title: string | null; blocks: TextBlock[] }> {
  if (!startsWithPdfMagic(bytes)) throw unusable('The file is not a PDF')
  let pdf: PdfDocument
  try {
    // unpdf/pdf.js may detach the buffer it is given: pass a copy.
    pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 })
  } catch {
    throw unusable('The PDF could not be read (damaged or encrypted)')
  }
  try {
    if (pdf.numPages > limits.maxPages) {
      throw unusable(`The PDF has ${pdf.numPages} pages; at most ${limits.maxPages} can be read`)
    }
    const lines = await readLines(pdf, limits)
    return { title: await metaTitle(pdf), blocks: linesToBlocks(lines) }
  } finally {
    await pdf.destroy().catch(() => {})
  }
}

async function readLines(pdf: PdfDocument, limits: ParseLimits): Promise<Line[]> {
  const pages: Line[][] = []
  let chars = 0
  for (let n = 1; n <= pdf.numPages; n++) {
    let runs: Run[]
    try {
      const page = await pdf.getPage(n)
      runs = toRuns((await page.getTextContent()).items)
      page.cleanup()
    } catch {
      throw unusable('The PDF could not be read (damaged or encrypted)')
    }
    const pageLines = groupLines(runs)
    for (const line of pageLines) chars += line.cells.reduce((sum, c) => sum + c.length + 1, 0)
    if (chars > limits.maxOutputChars) throw tooLarge(limits)
    pages.push(pageLines)
  }
  return withoutRunningLines(pages)
}

/** Lines at each end of a page that may be a running header or footer. */
const EDGE_LINES = 2
/** ... when the same text (its numbers aside) stands there on this share of the pages, at least 3. */
const RUNNING_SHARE = 0.5

/**
 * The pages' lines without their running headers and footers: the document's title or chapter
 * repeated at the top of each page ("Shared MIME-info Database"), "Confidential — draft 3" at the
 * bottom. Left in, each lands in the middle of whatever sentence crosses the page break.
 */
function withoutRunningLines(pages: readonly Line[][]): Line[] {
  const key = (l: Line) => l.cells.join(' ').replace(/\d+/g, '#').replace(/\s+/g, ' ').trim().toLowerCase()
  const edge = (page: readonly Line[], i: number) => i < EDGE_LINES || i >= page.length - EDGE_LINES
  const seen = new Map<string, number>()
  for (const page of pages) {
    const keys = new Set(page.filter((_, i) => edge(page, i)).map(key))
    for (const k of keys) seen.set(k, (seen.get(k) ?? 0) + 1)
  }
  const least = Math.max(3, Math.ceil(pages.length * RUNNING_SHARE))
  const running = new Set([...seen].filter(([, n]) => n >= least).map(([k]) => k))
  return pages.flatMap((page) =>
    page
      .filter((l, i) => !(edge(page, i) && running.has(key(l))))
      .map((l, i) => ({ ...l, pageStart: i === 0 })),
  )
}

function toRuns(items: readonly unknown[]): Run[] {
  const runs: Run[] = []
  for (const raw of items) {
    const item = raw as { str?: string; transform?: number[]; width?: number; height?: number }
    if (typeof item.str !== 'string' || !item.str.trim() || !item.transform) continue
    const [, , c = 0, d = 0, x = 0, y = 0] = item.transform
    const size = Math.hypot(c, d) || item.height || 1
    runs.push({ text: item.str, x, y, width: item.width ?? 0, size })
  }
  return runs
}

/** Runs in content order; a run off the current baseline starts a new line. */
function groupLines(runs: readonly Run[]): Line[] {
  const groups: Run[][] = []
  for (const run of runs) {
    const current = groups.at(-1)
    const base = current?.[0]
    if (current && base && Math.abs(run.y - base.y) <= Math.max(run.size, base.size) * 0.5) current.push(run)
    else groups.push([run])
  }
  const lines = groups.map((g) => toLine(g))
  const numbered = lines.filter((l, i) => {
    const edge = i === 0 || i === lines.length - 1
    return !(edge && l.cells.length === 1 && PAGE_NUMBER.test(l.cells[0] as string))
  })
  return numbered.map((l, i) => ({ ...l, pageStart: i === 0 }))
}

function toLine(runs: Run[]): Line {
  const sorted = [...runs].sort((a, b) => a.x - b.x)
  const size = Math.max(...sorted.map((r) => r.size))
  const cells: string[] = []
  let cell = ''
  let end = Number.NaN
  for (const run of sorted) {
    const gap = run.x - end
    if (cell && gap > size * CELL_GAP) {
      cells.push(cell.trim())
      cell = ''
    }
    const spaced = cell && gap > size * 0.15 && !/\s$/.test(cell) && !/^\s/.test(run.text)
    cell += (spaced ? ' ' : '') + run.text
    end = run.x + run.width
  }
  if (cell.trim()) cells.push(cell.trim())
  return { y: sorted[0]?.y ?? 0, size, cells: cells.map((c) => c.replace(/\s+/g, ' ')), pageStart: false }
}

/** The font size most of the text is set in. */
function bodySize(lines: readonly Line[]): number {
  const weight = new Map<number, number>()
  for (const l of lines) {
    const key = Math.round(l.size * 2) / 2
    weight.set(key, (weight.get(key) ?? 0) + l.cells.join(' ').length)
  }
  return [...weight].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 12
}

function isHeading(line: Line, body: number): boolean {
  const text = line.cells.join(' ')
  return line.size >= body * HEADING_RATIO && text.length <= 120 && /\p{L}/u.test(text)
}

function linesToBlocks(lines: readonly Line[]): TextBlock[] {
  const body = bodySize(lines)
  const headingSizes = [
    ...new Set(lines.filter((l) => isHeading(l, body)).map((l) => Math.round(l.size * 2) / 2)),
  ].sort((a, b) => b - a)
  const blocks: TextBlock[] = []
  let paragraph: string[] = []
  let table: string[][] = []
  let prev: Line | null = null
  const flush = () => {
    if (paragraph.length > 0) blocks.push(...paragraphBlocks(paragraph))
    if (table.length > 1) blocks.push(...tableSentences(table, 'auto').map((text) => ({ text })))
    else if (table.length === 1) blocks.push(...paragraphBlocks([(table[0] as string[]).join(' ')]))
    paragraph = []
    table = []
  }
  for (const line of lines) {
    if (isHeading(line, body)) {
      flush()
      const level = headingSizes.indexOf(Math.round(line.size * 2) / 2) + 1
      blocks.push({ text: line.cells.join(' '), level: Math.min(Math.max(level, 1), 6) })
    } else if (line.cells.length >= 2) {
      if (paragraph.length > 0) flush()
      table.push(line.cells)
    } else {
      const gap = prev ? prev.y - line.y : 0
      const apart = !line.pageStart && (gap < 0 || gap > Math.max(prev?.size ?? 0, line.size) * PARAGRAPH_GAP)
      if (table.length > 0 || apart) flush()
      paragraph.push(line.cells[0] as string)
    }
    prev = line
  }
  flush()
  return blocks
}

async function metaTitle(pdf: PdfDocument): Promise<string | null> {
  try {
    const meta = await getMeta(pdf)
    const t = (meta.info as Record<string, unknown> | undefined)?.Title
    return typeof t === 'string' && t.trim() ? t.trim() : null
  } catch {
    return null
  }
}

function startsWithPdfMagic(bytes: Uint8Array): boolean {
  // "%PDF-" may follow a little junk; pdf.js accepts it within the first KiB.
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1')
  return head.includes('%PDF-')
}
