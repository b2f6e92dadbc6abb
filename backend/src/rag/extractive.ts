// Offline answers (no LLM configured): the sentences of the top chunks that share the most
// (rare) terms with the question, in document order, each followed by its `[n]`.
import type { Citation } from './citations.js'
import { toCitation } from './citations.js'
import type { RetrievedChunk } from './types.js'

const MAX_CHUNKS = 4
const MAX_SENTENCES = 4
const MAX_PER_CHUNK = 2
const MAX_SENTENCE_CHARS = 320
const MIN_RELATIVE_SCORE = 0.5

const STOPWORDS = new Set(
  (
    'a an and are as at be been being but by can could did do does doing for from had has have how i ' +
    'if in into is it its me my no not of on or our so than that the their them then there these they ' +
    'this those to too was we were what when where which while who whom why will with would you your ' +
    'about also any each just more most other over same some such only own very should shall may might ' +
    'must am he she him her his hers us let get got please tell explain describe'
  ).split(' '),
)

/** Lower-cased words without stopwords and filler ("tell me", "explain", "please"). */
export function contentWords(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter(
    (word) => !STOPWORDS.has(word) && (word.length >= 2 || /\d/.test(word)),
  )
}

/** Content words, lightly stemmed so "configure"/"configuring" meet. */
export function terms(text: string): string[] {
  return contentWords(text).map(stem)
}

function stem(word: string): string {
  if (word.length <= 3) return word
  for (const [suffix, replacement] of [
    ['ies', 'y'],
    ['ing', ''],
    ['ed', ''],
    ['es', ''],
    ['s', ''],
    ['e', ''],
  ] as const) {
    if (word.endsWith(suffix) && word.length - suffix.length >= 3) {
      return word.slice(0, word.length - suffix.length) + replacement
    }
  }
  return word
}

const BULLET = /^(?:[-*+]|\d+[.)])\s+/

/** A list item is a unit of its own: end it so the sentence splitter keeps it apart. */
function closeItem(item: string): string {
  return /[.!?:;]$/.test(item) ? item : `${item}.`
}

/** Markdown to plain readable blocks: no code blocks, headings, tables, bullets or link syntax. */
export function plainBlocks(markdown: string): string[] {
  const withoutCode = markdown.replace(/```[\s\S]*?(```|$)/g, '\n').replace(/~~~[\s\S]*?(~~~|$)/g, '\n')
  const blocks: string[] = []
  for (const para of withoutCode.split(/\n\s*\n/)) {
    // Units: a paragraph's lines, or one list item with its wrapped continuation lines.
    const units: { text: string; item: boolean }[] = []
    for (const rawLine of para.split('\n')) {
      const line = rawLine.trim()
      if (!line || /^#{1,6}\s/.test(line) || /^\|/.test(line) || /^[-=*_]{3,}$/.test(line)) continue
      const text = line.replace(/^>\s?/, '')
      const last = units[units.length - 1]
      if (BULLET.test(text)) units.push({ text: text.replace(BULLET, ''), item: true })
      else if (last) last.text += ` ${text}`
      else units.push({ text, item: false })
    }
    const joined = units.map((u) => (u.item ? closeItem(u.text) : u.text)).join(' ')
    if (joined) blocks.push(inlinePlain(joined))
  }
  return blocks.filter(Boolean)
}

function inlinePlain(text: string): string {
  return text
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/\[\s*\d+(?:\s*[,;]\s*\d+)*\s*\]/g, '') // bracketed numbers would read as our markers
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(^|[\s(])[*_]([^*_\s][^*_]*?)[*_](?=[\s).,;:!?]|$)/g, '$1$2')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/\s+/g, ' ')
    .trim()
}

const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' })

export function sentences(text: string): string[] {
  const out: string[] = []
  for (const block of plainBlocks(text)) {
    for (const { segment } of segmenter.segment(block)) {
      const s = segment.trim()
      if (s.length >= 12 && /\p{L}/u.test(s)) out.push(s)
    }
  }
  return out
}

interface Candidate {
  chunk: number
  position: number
  text: string
  terms: Set<string>
  score: number
}

function candidatesOf(chunks: readonly RetrievedChunk[]): Candidate[] {
  const out: Candidate[] = []
  chunks.slice(0, MAX_CHUNKS).forEach((chunk, ci) => {
    sentences(chunk.content).forEach((text, position) => {
      out.push({ chunk: ci, position, text, terms: new Set(terms(text)), score: 0 })
    })
  })
  return out
}

function score(candidates: Candidate[], query: Set<string>): void {
  const df = new Map<string, number>()
  for (const c of candidates) for (const t of c.terms) if (query.has(t)) df.set(t, (df.get(t) ?? 0) + 1)
  for (const c of candidates) {
    let s = 0
    for (const t of query) if (c.terms.has(t)) s += Math.log(1 + candidates.length / (df.get(t) ?? 1))
    const words = c.text.split(/\s+/).length
    if (words < 5) s *= 0.6
    if (words > 60) s *= 0.75
    c.score = s / (1 + 0.15 * c.chunk)
  }
}

function pick(candidates: Candidate[]): Candidate[] {
  const chosen: Candidate[] = []
  const perChunk = new Map<number, number>()
  const seen = new Set<string>()
  const ranked = [...candidates].filter((c) => c.score > 0).sort((a, b) => b.score - a.score)
  // Sentences far weaker than the best one share a stray word with the question, not its subject.
  const floor = (ranked[0]?.score ?? 0) * MIN_RELATIVE_SCORE
  for (const c of ranked) {
    const key = c.text.toLowerCase()
    if (chosen.length >= MAX_SENTENCES || c.score < floor) break
    if (seen.has(key)) continue
    if ((perChunk.get(c.chunk) ?? 0) >= MAX_PER_CHUNK) continue
    chosen.push(c)
    seen.add(key)
    perChunk.set(c.chunk, (perChunk.get(c.chunk) ?? 0) + 1)
  }
  // Retrieval judged the top chunk relevant even when no word matches (e.g. a synonym via vectors).
  if (chosen.length === 0 && candidates[0]) chosen.push(candidates[0])
  return chosen.sort((a, b) => a.chunk - b.chunk || a.position - b.position)
}

function shorten(text: string): string {
  if (text.length <= MAX_SENTENCE_CHARS) return text
  const cut = text.slice(0, MAX_SENTENCE_CHARS)
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), MAX_SENTENCE_CHARS / 2)).replace(/[\s,;:]+$/, '')}…`
}

/** "It runs on port 7860." + 1 → "It runs on port 7860 [1]."; after a closing quote it goes last. */
function withMarker(text: string, index: number): string {
  const m = /^(.*?[^.!?\s])([.!?]+)$/s.exec(text)
  return m ? `${m[1]} [${index}]${m[2]}` : `${text} [${index}]`
}

export interface ExtractiveAnswer {
  content: string
  citations: Citation[]
}

export function extractiveAnswer(question: string, chunks: readonly RetrievedChunk[]): ExtractiveAnswer {
  const candidates = candidatesOf(chunks)
  score(candidates, new Set(terms(question)))
  const chosen = pick(candidates)
  const index = new Map<number, number>()
  const citations: Citation[] = []
  const paragraphs: string[][] = []
  for (const c of chosen) {
    let n = index.get(c.chunk)
    const text = shorten(c.text)
    if (n === undefined) {
      n = citations.length + 1
      index.set(c.chunk, n)
      citations.push(toCitation(n, chunks[c.chunk] as RetrievedChunk, text))
      paragraphs.push([])
    }
    paragraphs[n - 1]?.push(withMarker(text, n))
  }
  if (citations.length === 0) {
    // A relevant chunk with no readable sentence (e.g. only code): point at it rather than invent text.
    const top = chunks[0]
    if (!top) return { content: '', citations: [] }
    const label = top.heading ? `${top.title} — ${top.heading}` : top.title
    return {
      content: `The most relevant passage is in “${label}” [1].`,
      citations: [toCitation(1, top)],
    }
  }
  return { content: paragraphs.map((p) => p.join(' ')).join('\n\n'), citations }
}
