// Plain text → paragraphs, read as text and never as Markdown: hard-wrapped lines are joined (so a
// wrapped "…341 tonnes in\n2024." stays one sentence, not a list item "2024."), a heading line
// becomes a heading of its own (never glued to the paragraph under it), lists keep one item per
// line, and columns aligned with tabs or runs of spaces become one sentence per row.
// PDF text goes through the same paragraph rules after its layout has been read (parse-pdf.ts).
import { tableSentences } from './parse-table.js'
import { ENDS_SENTENCE } from './sentences.js'

export interface TextBlock {
  text: string
  /** Set on headings: 1 is the top level. */
  level?: number
}

/** Items of a real list: bullets, or numbers of up to three digits ("2024." is a year). */
const LIST_ITEM = /^(?:[-*+•▪◦‣–]|\(?\d{1,3}[.)]|\(?[a-z][.)])\s+/i
const UNDERLINE = /^(={3,}|-{3,})$/
const COLUMN_GAP = /\t+| {2,}/

/** Words a wrapped line may end on but a heading does not ("…two more than in"). */
const CONTINUES =
  /\b(?:a|an|the|and|or|but|nor|of|in|on|at|to|for|from|by|with|as|like|than|that|which|who|is|are|was|were|be|has|have|had|not|its|their|our|your|this|these|those)$/i

/** A line that reads as a heading: short, capitalised, not ending like a sentence or a clause. */
export function headingLike(line: string): boolean {
  const t = line.trim()
  if (t.length === 0 || t.length > 80 || t.split(/\s+/).length > 10) return false
  if (/[.!?,;:]$/.test(t) || LIST_ITEM.test(t) || CONTINUES.test(t)) return false
  return /^[\p{Lu}\p{N}]/u.test(t) && /\p{L}/u.test(t)
}

/** A section's number before its title: "1. ", "2.3 ", "A. ", "Section 4: ". */
const SECTION_NUMBER =
  /^(?:\d{1,2}(?:\.\d{1,2})*\.?|[A-Z][.)]|(?:section|chapter|part|article)\s+\d{1,3}[.:]?)\s+(?=\p{Lu})/iu

/**
 * A numbered section title ("1. Membership", "2.3 Opening hours"): a heading when prose, not the
 * list's next item, comes under it (the caller checks what follows).
 */
function numberedHeadingLike(line: string): boolean {
  const t = line.trim()
  const m = SECTION_NUMBER.exec(t)
  return m !== null && headingLike(t.slice(m[0].length))
}

/** Joins the lines of one paragraph: wrapped lines into one, list items one per line. */
export function reflow(lines: readonly string[]): string {
  const out: string[] = []
  let inList = false
  for (const raw of lines) {
    const line = raw.trim()
    if (!line) continue
    const prev = out.at(-1)
    const item = LIST_ITEM.test(line)
    if (prev === undefined || (item && (inList || /:$/.test(prev)))) {
      out.push(line)
      inList = item
    } else if (/\p{Ll}-$/u.test(prev) && /^\p{Ll}/u.test(line)) {
      // A word hyphenated at the end of a line.
      out[out.length - 1] = prev.slice(0, -1) + line
    } else {
      out[out.length - 1] = `${prev} ${line}`
    }
  }
  return out.join('\n')
}

/** Rows of a paragraph whose every line splits into the same number (≥ 2) of aligned columns. */
function columns(lines: readonly string[]): string[][] | null {
  if (lines.length < 2) return null
  const rows = lines.map((l) => l.trim().split(COLUMN_GAP))
  const n = rows[0]?.length ?? 0
  if (n < 2 || !rows.every((r) => r.length === n)) return null
  // Short cells: prose typed with two spaces after each full stop is not a table.
  const cells = rows.flat()
  const average = cells.reduce((sum, c) => sum + c.length, 0) / cells.length
  return average <= 40 && cells.every((c) => c.length <= 80) ? rows : null
}

interface Paragraph {
  lines: string[]
}

/** A heading at the top of a paragraph ("Membership\nMembers pay…"), underlined or not. */
function leadingHeading(lines: readonly string[]): { heading: string; level: number; rest: string[] } | null {
  const [first, second] = lines
  if (first === undefined || second === undefined) return null
  const underline = UNDERLINE.exec(second.trim())
  if (underline && first.trim()) {
    return { heading: first.trim(), level: underline[1]?.startsWith('=') ? 1 : 2, rest: lines.slice(2) }
  }
  const rest = lines.slice(1)
  const last = rest.at(-1)?.trim() ?? ''
  // A wrapped first line is about as long as the next; a heading is clearly shorter.
  const shorter = first.trim().length <= second.trim().length * 0.7
  if (
    (headingLike(first) || numberedHeadingLike(first)) &&
    shorter &&
    !LIST_ITEM.test(second.trim()) &&
    ENDS_SENTENCE.test(last)
  ) {
    return { heading: first.trim(), level: 1, rest }
  }
  return null
}

/** A paragraph's lines: a heading at its top, then its text (or table rows). */
export function paragraphBlocks(lines: readonly string[]): TextBlock[] {
  const lead = leadingHeading(lines)
  if (!lead) return body(lines)
  return [{ text: lead.heading, level: lead.level }, ...body(lead.rest)]
}

function body(lines: readonly string[]): TextBlock[] {
  const rows = columns(lines)
  if (rows) return tableSentences(rows, 'auto').map((text) => ({ text }))
  const text = reflow(lines)
  return text ? [{ text }] : []
}

/** Longest question a FAQ entry's heading is (it may wrap onto a few lines). */
const QUESTION_CHARS = 200
const QUESTION_LINES = 3

/**
 * A FAQ's question standing alone ("21. Is zlib thread-safe?", maybe wrapped onto two lines): one
 * sentence ending in a question mark, capitalised after its number, or null.
 */
function questionOf(lines: readonly string[] | undefined): string | null {
  if (!lines || lines.length > QUESTION_LINES) return null
  const t = reflow(lines)
  if (t.includes('\n') || t.length > QUESTION_CHARS || !/\?$/.test(t)) return null
  const number = /^(?:\(?\d{1,3}[.)]|[A-Z][.)]|Q\d*[.:)]?)\s+/.exec(t)?.[0] ?? ''
  const asked = t.slice(number.length)
  // One question: no sentence ends before the last.
  return /^\p{Lu}/u.test(asked) && !/[.!?]\s+\p{Lu}[^?]*[.!]\s/u.test(asked) ? t : null
}

/**
 * A FAQ's question is the heading of the answer under it: prose, not the next question (a list of
 * questions is a table of contents) and not a list.
 */
function questionHeading(paras: readonly Paragraph[], i: number): string | null {
  const q = questionOf(paras[i]?.lines)
  const next = paras[i + 1]?.lines
  if (q === null || !next || questionOf(next) !== null || LIST_ITEM.test((next[0] as string).trim()))
    return null
  return q
}

/** A one-line paragraph is a heading when prose follows it (directly or under a subheading). */
function standaloneLevel(paras: readonly Paragraph[], i: number): number | null {
  const line = paras[i]?.lines
  if (line?.length !== 1) return null
  const numbered = numberedHeadingLike(line[0] as string)
  if (!numbered && !headingLike(line[0] as string)) return null
  const next = paras[i + 1]?.lines
  if (!next) return null
  // "1. Membership" above prose is a section's title; above "2. Water" it is a list's first item.
  if (numbered) return next.length > 1 || !LIST_ITEM.test((next[0] as string).trim()) ? 1 : null
  if (next.length > 1 || !headingLike(next[0] as string)) return 1
  const after = paras[i + 2]?.lines
  return after && (after.length > 1 || !headingLike(after[0] as string)) ? 1 : null
}

export function plainTextBlocks(text: string): TextBlock[] {
  const paras: Paragraph[] = text
    .split(/\n[ \t]*\n/)
    .map((p) => ({ lines: p.split('\n').filter((l) => l.trim()) }))
    .filter((p) => p.lines.length > 0)
  const blocks: TextBlock[] = []
  paras.forEach((para, i) => {
    const question = questionHeading(paras, i)
    if (question !== null) {
      // Under the document's title ("Frequently Asked Questions about zlib"), when it has one.
      const title = blocks.find((b) => b.level !== undefined)
      blocks.push({ text: question, level: title?.level === 1 && questionOf([title.text]) === null ? 2 : 1 })
      return
    }
    const level = standaloneLevel(paras, i)
    if (level !== null) {
      // The second of two stacked headings ("Chapter 1" / "Introduction") is below the first.
      const under = blocks.at(-1)?.level === 1 && standaloneLevel(paras, i - 1) !== null
      blocks.push({ text: (para.lines[0] as string).trim(), level: under ? 2 : level })
      return
    }
    blocks.push(...paragraphBlocks(para.lines))
  })
  return blocks
}
