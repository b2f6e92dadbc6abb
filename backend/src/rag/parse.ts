// Turns an uploaded or posted document into normalised text: Markdown keeps its headings (the
// chunker splits on them), HTML is reduced to its main content as Markdown, PDF and plain text
// become plain paragraphs (never read as Markdown) with their headings found by layout.
// Anything unusable is refused with a 422 that says why.
// The HTML and PDF parsers (linkedom + Readability, pdf.js: ~30 MiB of memory) are loaded on
// the first document that needs them; the server runs all of this in a worker (parse-pool.ts).
import { createHash } from 'node:crypto'
import { AppError } from '../errors.js'
import { plainTextBlocks, type TextBlock } from './parse-text.js'
import { inlinePlain } from './plain-text.js'
import type { DocumentFormat } from './types.js'

export type { TextBlock } from './parse-text.js'

export interface ParsedDocument {
  /** Title found in the document itself (first heading, <title>, PDF metadata), if any. */
  title: string | null
  /** Normalised text; Markdown when `structured`, else paragraphs separated by blank lines. */
  body: string
  /** True when `body` is Markdown whose headings should drive chunking. */
  structured: boolean
  /** Plain documents: the paragraphs of `body`, headings marked with their level. */
  blocks?: TextBlock[]
}

/** What one document may cost to parse; over any of them the upload is a 422. */
export interface ParseLimits {
  /** PDF pages. */
  maxPages: number
  /** Element nesting in HTML, block nesting (quotes, lists) in Markdown. */
  maxDepth: number
  /** Characters of extracted text (a compressed PDF can expand far beyond its upload size). */
  maxOutputChars: number
  /** Wall-clock time for parsing and chunking one document, in milliseconds. */
  timeoutMs: number
}

export const DEFAULT_PARSE_LIMITS: ParseLimits = {
  maxPages: 2000,
  maxDepth: 512,
  maxOutputChars: 5_000_000,
  timeoutMs: 60_000,
}

const EXTENSIONS: Record<string, DocumentFormat> = {
  md: 'markdown',
  markdown: 'markdown',
  txt: 'text',
  html: 'html',
  htm: 'html',
  pdf: 'pdf',
}

export const SUPPORTED_EXTENSIONS = Object.keys(EXTENSIONS).map((e) => `.${e}`)

export function unusable(detail: string, path = 'file'): AppError {
  return new AppError('validation_error', { detail, errors: [{ path, message: detail }] })
}

/** The format for a file name, or null for an unsupported extension. */
export function formatFromFilename(name: string): DocumentFormat | null {
  const m = /\.([a-z0-9]+)$/i.exec(name)
  return m ? (EXTENSIONS[(m[1] as string).toLowerCase()] ?? null) : null
}

/** CRLF → LF, no BOM/NULs, no trailing spaces, at most one blank line in a row, trimmed. */
export function normalizeText(text: string): string {
  return text
    .normalize('NFC')
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .replaceAll('\u0000', '')
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

/** Decodes UTF-8 strictly and refuses binary data (control characters other than whitespace). */
export function decodeText(bytes: Uint8Array): string {
  // UTF-16 is only ever guessed from its byte order mark (Windows Notepad's "Unicode"), which
  // the decoder then drops; anything else must be UTF-8.
  const encoding =
    bytes[0] === 0xff && bytes[1] === 0xfe
      ? 'utf-16le'
      : bytes[0] === 0xfe && bytes[1] === 0xff
        ? 'utf-16be'
        : 'utf-8'
  let text: string
  try {
    text = new TextDecoder(encoding, { fatal: true }).decode(bytes)
  } catch {
    throw unusable(
      encoding === 'utf-8'
        ? 'The file is not valid UTF-8 text: save it as UTF-8'
        : 'The file is not valid UTF-16 text',
    )
  }
  // A PDF under a text name decodes as text when its streams happen to be ASCII, and would be
  // ingested as PDF syntax: refuse it, as the PDF reader refuses a text file named .pdf.
  if (text.startsWith('%PDF-')) throw unusable('The file is a PDF: upload it with a .pdf name')
  const sample = text.slice(0, 65_536)
  if (controlCharacters(sample) / Math.max(1, sample.length) > 0.001) {
    throw unusable('The file looks like binary data, not text')
  }
  return text
}

/** Control characters other than tab, newline, form feed and carriage return. */
function controlCharacters(text: string): number {
  let n = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if ((c < 32 && c !== 9 && c !== 10 && c !== 12 && c !== 13) || c === 127) n++
  }
  return n
}

export function contentHash(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('hex')
}

export function tooLarge(limits: ParseLimits): AppError {
  return unusable(
    `The document holds more than ${limits.maxOutputChars.toLocaleString('en')} characters of text: split it into smaller files`,
  )
}

export function tooDeep(limits: ParseLimits): AppError {
  return unusable(`The document is nested more than ${limits.maxDepth} levels deep: it cannot be read`)
}

/** Deepest nesting of block quotes and indented lists, read line by line (no recursion). */
export function markdownDepth(text: string): number {
  let max = 0
  for (const m of text.matchAll(/^([ \t>]*)/gm)) {
    const prefix = m[1] as string
    if (prefix.length <= max) continue
    const quotes = prefix.split('>').length - 1
    const indent = prefix.replace(/\t/g, '    ').replace(/>/g, '').length
    max = Math.max(max, quotes + Math.floor(indent / 2))
  }
  return max
}

export function firstMarkdownHeading(markdown: string): string | null {
  const h1 = /^#\s+(.+?)\s*#*\s*$/m.exec(markdown)
  const any = h1 ?? /^#{1,6}\s+(.+?)\s*#*\s*$/m.exec(markdown)
  return any ? inlinePlain(any[1] as string) || null : null
}

export async function parseDocument(
  content: string | Uint8Array,
  format: DocumentFormat,
  limits: ParseLimits = DEFAULT_PARSE_LIMITS,
): Promise<ParsedDocument> {
  if (format === 'pdf') {
    if (typeof content === 'string') throw unusable('A PDF must be uploaded as a file')
    const { pdfToBlocks } = await import('./parse-pdf.js')
    const pdf = await pdfToBlocks(content, limits)
    return finishPlain(pdf.title, pdf.blocks, limits)
  }
  const text = typeof content === 'string' ? content : decodeText(content)
  if (format === 'html') {
    const { htmlToMarkdown } = await import('./parse-html.js')
    const html = htmlToMarkdown(text, limits)
    return finish(
      { title: html.title ?? firstMarkdownHeading(html.markdown), body: html.markdown, structured: true },
      limits,
    )
  }
  if (format === 'markdown') {
    if (markdownDepth(text) > limits.maxDepth) throw tooDeep(limits)
    return finish({ title: firstMarkdownHeading(text), body: text, structured: true }, limits)
  }
  const blocks = plainTextBlocks(normalizeText(text))
  return finishPlain(null, blocks, limits)
}

/** Plain documents: the first heading (when the text opens with one) is the title. */
function finishPlain(title: string | null, blocks: TextBlock[], limits: ParseLimits): ParsedDocument {
  const kept = blocks.map((b) => ({ ...b, text: normalizeText(b.text) })).filter((b) => b.text.length > 0)
  const body = kept.map((b) => b.text).join('\n\n')
  const opening = kept[0]?.level ? kept[0].text : null
  const doc = finish({ title: title ?? opening, body, structured: false }, limits)
  return { ...doc, blocks: kept }
}

function finish(doc: ParsedDocument, limits: ParseLimits): ParsedDocument {
  const body = normalizeText(doc.body)
  if (body.length > limits.maxOutputChars) throw tooLarge(limits)
  if (!/[\p{L}\p{N}]/u.test(body)) throw unusable('The document contains no text')
  const title = doc.title ? normalizeText(doc.title).replace(/\s+/g, ' ').slice(0, 300) : null
  return { title: title || null, body, structured: doc.structured }
}
