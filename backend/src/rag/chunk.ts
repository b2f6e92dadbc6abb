// Chunking: by headings first (each chunk keeps its heading path, e.g. "Deploy > Hugging Face
// Spaces"), then by size (~300–500 tokens, ~15% overlap between consecutive chunks of one
// section). A fenced code block is kept whole unless it alone exceeds HARD_MAX_TOKENS.
// A heading path does not repeat the document's title: under a first heading equal to the title
// ("# Handbook" in "Handbook"), "Handbook > Membership" is stored as "Membership", since every
// label already shows the title. Only ingestion needs this module (and its ~40 MiB tokenizer):
// it runs in the parse worker (parse-prepare.ts).
import { countTokens } from 'gpt-tokenizer/encoding/cl100k_base'
import { Lexer, type Token } from 'marked'
import type { TextBlock } from './parse-text.js'
import { inlinePlain } from './plain-text.js'
import { splitSentences } from './sentences.js'

export interface Chunk {
  heading: string | null
  content: string
  tokens: number
}

export const MAX_TOKENS = 450
export const OVERLAP_TOKENS = 64
export const HARD_MAX_TOKENS = 1200
/** A tiny last piece of a section may stretch its predecessor up to this size. */
export const STRETCH_TOKENS = 500
const TINY_TOKENS = 60

interface Piece {
  text: string
  tokens: number
  code: boolean
}

interface Section {
  path: string[]
  blocks: Piece[]
}

export interface ChunkOptions {
  /** The document's title: a heading path starting with it loses that first step. */
  title?: string | null
  /** Plain documents: their paragraphs with headings marked (from the parser), instead of `body`. */
  blocks?: readonly TextBlock[]
}

function piece(text: string, code = false): Piece {
  return { text, tokens: countTokens(text), code }
}

/** Builds sections from a stream of headings (by level) and blocks. */
function outline() {
  const sections: Section[] = []
  const stack: string[] = []
  let current: Section = { path: [], blocks: [] }
  const push = () => {
    if (current.blocks.length > 0) sections.push(current)
  }
  return {
    heading(level: number, text: string) {
      push()
      stack.length = Math.min(stack.length, level - 1)
      stack[level - 1] = text
      current = { path: stack.filter(Boolean), blocks: [] }
    },
    block(p: Piece) {
      current.blocks.push(p)
    },
    done(): Section[] {
      push()
      return sections
    },
  }
}

function markdownSections(body: string): Section[] {
  const out = outline()
  for (const token of new Lexer().lex(body) as Token[]) {
    if (token.type === 'heading') {
      out.heading((token as { depth: number }).depth, inlinePlain((token as { text: string }).text))
    } else if (token.type !== 'space' && token.raw.trim()) {
      out.block(piece(token.raw.trim(), token.type === 'code'))
    }
  }
  return out.done()
}

function blockSections(blocks: readonly TextBlock[]): Section[] {
  const out = outline()
  for (const b of blocks) {
    const text = b.text.trim()
    if (!text) continue
    if (b.level) out.heading(Math.min(b.level, 6), text.replace(/\s+/g, ' '))
    else out.block(piece(text))
  }
  return out.done()
}

const sameText = (a: string, b: string) =>
  a.replace(/\s+/g, ' ').trim().toLowerCase() === b.replace(/\s+/g, ' ').trim().toLowerCase()

function headingOf(path: readonly string[], title: string | null | undefined): string | null {
  const rest = title && path[0] !== undefined && sameText(path[0], title) ? path.slice(1) : path
  return rest.length > 0 ? rest.join(' > ') : null
}

function textSections(body: string): Section[] {
  const blocks = body
    .split(/\n\s*\n/)
    .map((b) => b.trim())
    .filter(Boolean)
    .map((b) => piece(b))
  return blocks.length > 0 ? [{ path: [], blocks }] : []
}

/** Splits text into parts of at most `max` tokens: by sentences, then by words. */
function splitText(text: string, max: number): Piece[] {
  const out: Piece[] = []
  for (const sentence of splitSentences(text)) {
    const p = piece(sentence)
    if (p.tokens <= max) {
      out.push(p)
      continue
    }
    let words: string[] = []
    for (const word of sentence.split(/\s+/)) {
      words.push(word)
      if (words.length % 8 === 0 && countTokens(words.join(' ')) > max) {
        const carry: string[] = []
        while (words.length > 1 && countTokens(words.join(' ')) > max) carry.unshift(words.pop() as string)
        out.push(piece(words.join(' ')))
        words = carry
      }
    }
    if (words.length > 0) out.push(piece(words.join(' ')))
  }
  return out
}

/** A code block too big for one chunk is split by lines, each part re-fenced. */
function splitCode(block: Piece): Piece[] {
  const lines = block.text.split('\n')
  const fence = /^(`{3,}|~{3,})(.*)$/.exec(lines[0] ?? '')
  const body = fence ? lines.slice(1, lines.at(-1)?.startsWith(fence[1] as string) ? -1 : undefined) : lines
  const open = fence ? (lines[0] as string) : '```'
  const close = fence ? (fence[1] as string) : '```'
  const out: Piece[] = []
  let part: string[] = []
  let tokens = 0
  for (const line of body) {
    const t = countTokens(line) + 1
    if (tokens + t > MAX_TOKENS && part.length > 0) {
      out.push(piece(`${open}\n${part.join('\n')}\n${close}`, true))
      part = []
      tokens = 0
    }
    part.push(line)
    tokens += t
  }
  if (part.length > 0) out.push(piece(`${open}\n${part.join('\n')}\n${close}`, true))
  return out
}

function sizedPieces(blocks: Piece[]): Piece[] {
  const out: Piece[] = []
  for (const b of blocks) {
    if (b.tokens <= MAX_TOKENS || (b.code && b.tokens <= HARD_MAX_TOKENS)) out.push(b)
    else if (b.code) out.push(...splitCode(b))
    else out.push(...splitText(b.text, MAX_TOKENS))
  }
  return out
}

/** Where each sentence of `text` starts (sentences are trimmed substrings, in order). */
function sentenceStarts(text: string, sentences: readonly string[]): number[] {
  const starts: number[] = []
  let from = 0
  for (const s of sentences) {
    const at = text.indexOf(s, from)
    starts.push(at < 0 ? from : at)
    from = at < 0 ? from : at + s.length
  }
  return starts
}

/**
 * The last sentences of a chunk's text pieces, about OVERLAP_TOKENS long (none after code), cut
 * from the piece as written: the overlap is exactly the end of the previous chunk, so the
 * document view can show it once.
 */
function overlapOf(pieces: Piece[]): Piece[] {
  const last = pieces.at(-1)
  if (!last || last.code) return []
  const sentences = splitSentences(last.text)
  let first = sentences.length
  let tokens = 0
  for (let i = sentences.length - 1; i >= 0 && tokens < OVERLAP_TOKENS; i--) {
    const t = countTokens(sentences[i] as string)
    if (tokens + t > OVERLAP_TOKENS * 1.5) break
    first = i
    tokens += t
  }
  // An overlap that is the whole last piece would just repeat it.
  if (first === sentences.length || first === 0) return []
  const start = sentenceStarts(last.text, sentences)[first] as number
  return [piece(last.text.slice(start).trim())]
}

function packSection(section: Section, title: string | null | undefined): Chunk[] {
  const heading = headingOf(section.path, title)
  const chunks: Piece[][] = []
  let current: Piece[] = []
  let fresh = 0 // pieces in `current` that are not overlap
  let size = 0
  for (const p of sizedPieces(section.blocks)) {
    if (fresh > 0 && size + p.tokens > MAX_TOKENS) {
      chunks.push(current)
      current = overlapOf(current)
      size = current.reduce((n, c) => n + c.tokens, 0)
      // No overlap when it would push the next chunk over the limit.
      if (size + p.tokens > MAX_TOKENS) {
        current = []
        size = 0
      }
      fresh = 0
    }
    current.push(p)
    size += p.tokens
    fresh++
  }
  if (fresh > 0) chunks.push(current)
  // A tiny tail joins its predecessor when the two still fit comfortably.
  const tail = chunks.at(-1)
  const prev = chunks.at(-2)
  if (tail && prev) {
    const tailSize = tail.reduce((n, c) => n + c.tokens, 0)
    const prevSize = prev.reduce((n, c) => n + c.tokens, 0)
    if (tailSize < TINY_TOKENS && prevSize + tailSize <= STRETCH_TOKENS) {
      chunks.pop()
      prev.push(...tail.slice(overlapOf(prev).length > 0 ? 1 : 0))
    }
  }
  // Token counts add up (plus one per paragraph break) closely enough: no second tokenizer pass.
  return chunks.map((pieces) => ({
    heading,
    content: pieces.map((p) => p.text).join('\n\n'),
    tokens: pieces.reduce((n, p) => n + p.tokens, 0) + pieces.length - 1,
  }))
}

export function chunkDocument(body: string, structured: boolean, options: ChunkOptions = {}): Chunk[] {
  const sections = structured
    ? markdownSections(body)
    : options.blocks
      ? blockSections(options.blocks)
      : textSections(body)
  return sections.flatMap((s) => packSection(s, options.title))
}
