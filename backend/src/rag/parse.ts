// Turns an uploaded or posted document into normalised text: Markdown keeps its headings (the
// chunker splits on them), HTML is reduced to its main content as Markdown, PDF and plain text
// become plain text. Anything unusable is refused with a 422 that says why.
// The HTML and PDF parsers (linkedom + Readability, pdf.js: ~30 MiB of memory) are loaded on
// the first document that needs them.
import { AppError } from '../errors.js'
import type { DocumentFormat } from './types.js'

export interface ParsedDocument {
  /** Title found in the document itself (first heading, <title>, PDF metadata), if any. */
  title: string | null
  /** Normalised text; Markdown when `structured`. */
  body: string
  /** True when `body` is Markdown whose headings should drive chunking. */
  structured: boolean
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
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw unusable('The file is not valid UTF-8 text')
  }
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

export function firstMarkdownHeading(markdown: string): string | null {
  const h1 = /^#\s+(.+?)\s*#*\s*$/m.exec(markdown)
  const any = h1 ?? /^#{1,6}\s+(.+?)\s*#*\s*$/m.exec(markdown)
  return any ? (any[1] as string).trim() : null
}

export async function parseDocument(
  content: string | Uint8Array,
  format: DocumentFormat,
): Promise<ParsedDocument> {
  if (format === 'pdf') {
    if (typeof content === 'string') throw unusable('A PDF must be uploaded as a file')
    const { pdfToText } = await import('./parse-pdf.js')
    const pdf = await pdfToText(content)
    return finish({ title: pdf.title, body: pdf.text, structured: false })
  }
  const text = typeof content === 'string' ? content : decodeText(content)
  if (format === 'html') {
    const { htmlToMarkdown } = await import('./parse-html.js')
    const html = htmlToMarkdown(text)
    return finish({
      title: html.title ?? firstMarkdownHeading(html.markdown),
      body: html.markdown,
      structured: true,
    })
  }
  if (format === 'markdown') {
    return finish({ title: firstMarkdownHeading(text), body: text, structured: true })
  }
  return finish({ title: null, body: text, structured: false })
}

function finish(doc: ParsedDocument): ParsedDocument {
  const body = normalizeText(doc.body)
  if (!/[\p{L}\p{N}]/u.test(body)) throw unusable('The document contains no text')
  const title = doc.title ? normalizeText(doc.title).replace(/\s+/g, ' ').slice(0, 300) : null
  return { title: title || null, body, structured: doc.structured }
}
