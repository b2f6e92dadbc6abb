// The seams between ingestion/retrieval and answering/chat. Both sides build against these.
import type { Config } from '../config.js'
import type { Database } from '../db/client.js'

export type DocumentFormat = 'markdown' | 'text' | 'html' | 'pdf'

/** What retrieval returns, best first. `content` is the whole chunk; `snippet` a short excerpt. */
export interface RetrievedChunk {
  chunk_id: string
  document_id: string
  title: string
  source: string | null
  heading: string | null
  content: string
  snippet: string
  score: number
}

export interface RetrieveOptions {
  k: number
}

export interface IngestInput {
  title: string
  content: string | Uint8Array
  source?: string | null
  format: DocumentFormat
  createdBy?: string | null
}

export interface IngestResult {
  id: string
  title: string
  source: string | null
  chunks: number
  created_at: Date
  /** false when identical content already existed (the existing document is returned). */
  created: boolean
}

/** Embedding provider (OpenAI-compatible); null when not configured. */
export interface Embedder {
  model: string
  dimensions: number
  embed(texts: string[]): Promise<number[][]>
}

export interface RagContext {
  db: Database
  config: Config
  /** Present only when an embedding provider is configured AND the database has a usable vector column. */
  embedder: Embedder | null
}
