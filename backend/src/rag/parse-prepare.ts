// The work of one document before the database: parse, choose the title, chunk, hash. It runs in
// the parse worker (parse-worker.ts), so the parsers and the chunker's tokenizer load there and
// a slow or hostile document never holds the server's event loop.
import { basename } from 'node:path'
import type { Chunk } from './chunk.js'
import { contentHash, DEFAULT_PARSE_LIMITS, type ParseLimits, parseDocument, unusable } from './parse.js'
import type { DocumentFormat } from './types.js'

export const MAX_TITLE_LENGTH = 300

export interface PrepareJob {
  content: string | Uint8Array
  format: DocumentFormat
  /** Empty or absent: taken from the document itself, else from `source`. */
  title?: string | null
  source?: string | null
}

export interface PreparedContent {
  title: string
  hash: string
  chunks: Chunk[]
}

export function titleFromSource(source: string | null | undefined): string | null {
  if (!source?.trim()) return null
  const name = basename(source.trim()).replace(/\.[a-z0-9]+$/i, '')
  return name.replace(/[-_]+/g, ' ').trim() || null
}

export async function prepareContent(
  job: PrepareJob,
  limits: ParseLimits = DEFAULT_PARSE_LIMITS,
): Promise<PreparedContent> {
  const parsed = await parseDocument(job.content, job.format, limits)
  const title = (job.title?.trim() || parsed.title || titleFromSource(job.source) || 'Untitled').slice(
    0,
    MAX_TITLE_LENGTH,
  )
  const { chunkDocument } = await import('./chunk.js')
  const chunks = chunkDocument(parsed.body, parsed.structured, { title, blocks: parsed.blocks })
  if (chunks.length === 0) throw unusable('The document contains no text')
  return { title, hash: contentHash(parsed.body), chunks }
}
