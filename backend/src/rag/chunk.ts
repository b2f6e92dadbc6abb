// Chunking: by headings first (each chunk keeps its heading path, e.g. "Deploy > Hugging Face
// Spaces"), then by size (~300–500 tokens, ~15% overlap between consecutive chunks of one
// section). A fenced code block is kept whole unless it alone exceeds HARD_MAX_TOKENS.
// Only ingestion needs this module (and its ~40 MiB tokenizer): ingest.ts imports it on first use.
import { countTokens } from 'gpt-tokenizer/encoding/cl100k_base'
import { Lexer, type Token } from 'marked'
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
  heading: string | null
  blocks: Piece[]
}

function plainHeading(text: string): string {
  return text
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*_~]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
}

function piece(text: string, code = false): Piece {
  return { text, tokens: countTokens(text), code }
}

function markdownSections(body: string): Section[] {
  const sections: Section[] = []
  const stack: string[] = []
  let current: Section = { heading: null, blocks: [] }
  const push = () => {
    if (current.blocks.length > 0) sections.push(current)
  }
  for (const token of new Lexer().lex(body) as Token[]) {
    if (token.type === 'heading') {
      push()
      const depth = (token as { depth: number }).depth
      stack.length = Math.min(stack.length, depth - 1)
      stack[depth - 1] = plainHeading((token as { text: string }).text)
      const path = stack.filter(Boolean)
      current = { heading: path.length > 0 ? path.join(' > ') : null, blocks: [] }
    } else if (token.type !== 'space' && token.raw.trim()) {
      current.blocks.push(piece(token.raw.trim(), token.type === 'code'))
    }
  }
  push()
  return sections
}

function textSections(body: string): Section[] {
  const blocks = body
    .split(/\n\s*\n/)
    .map((b) => b.trim())
    .filter(Boolean)
    .map((b) => piece(b))
  return blocks.length > 0 ? [{ heading: null, blocks }] : []
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

/** The last sentences of a chunk's text pieces, about OVERLAP_TOKENS long (none after code). */
function overlapOf(pieces: Piece[]): Piece[] {
  const last = pieces.at(-1)
  if (!last || last.code) return []
  const sentences = splitSentences(last.text)
  const picked: string[] = []
  let tokens = 0
  for (let i = sentences.length - 1; i >= 0 && tokens < OVERLAP_TOKENS; i--) {
    const t = countTokens(sentences[i] as string)
    if (tokens + t > OVERLAP_TOKENS * 1.5) break
    picked.unshift(sentences[i] as string)
    tokens += t
  }
  // An overlap that is the whole last piece would just repeat it.
  if (picked.length === 0 || picked.length === sentences.length) return []
  return [piece(picked.join(' '))]
}

function packSection(section: Section): Chunk[] {
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
    heading: section.heading,
    content: pieces.map((p) => p.text).join('\n\n'),
    tokens: pieces.reduce((n, p) => n + p.tokens, 0) + pieces.length - 1,
  }))
}

export function chunkDocument(body: string, structured: boolean): Chunk[] {
  const sections = structured ? markdownSections(body) : textSections(body)
  return sections.flatMap(packSection)
}
