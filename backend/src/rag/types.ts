// The seams between ingestion/retrieval and answering/chat. Both sides build against these.
import type { Config } from '../config.js'
import type { Conn, Database } from '../db/client.js'
import type { DocumentSummary } from '../db/queries/documents.js'
import type { DocumentFormat } from './formats.js'

export { type DocumentFormat, isPlainFormat } from './formats.js'

/** What retrieval returns, best first. `content` is the whole chunk; `snippet` a short excerpt. */
export interface RetrievedChunk {
  chunk_id: string
  document_id: string
  /** The space the chunk's document lives in (docs/api.md §7, §10). */
  space_id: string
  title: string
  source: string | null
  heading: string | null
  content: string
  snippet: string
  score: number
  /** Its document is plain text (isPlainFormat): its sentences are not read as Markdown. */
  plain?: boolean
  /** Present on the chat's sources (retrieve()): what the answerer weighs sentences by. */
  analysis?: ChunkAnalysis
  /**
   * One of the opening chunks of a document whose title the question asks to define ("What is
   * fastq?" of "fastq"): retrieve() puts them first (rag/definition.ts).
   */
  lead?: boolean
}

/** The query's lexemes with idf, and the lexemes stored for the chunk's snippet sentences. */
export interface ChunkAnalysis {
  queryTerms: { lexeme: string; idf: number; df: number }[]
  /** chunks.sentence_lexemes as stored (one list per snippetSentences() entry), or null. */
  sentenceLexemes: unknown
  /** The chunk's BM25 score in this search (null: only dense retrieval found it). */
  lexicalScore?: number | null
}

export interface RetrieveOptions {
  k: number
}

export interface IngestInput {
  /** Empty or absent: taken from the document (first heading, <title>, PDF metadata) or `source`. */
  title?: string | null
  content: string | Uint8Array
  source?: string | null
  format: DocumentFormat
  createdBy?: string | null
  /** The space to ingest into; absent: the shared library. */
  spaceId?: string
  /**
   * Runs in the write transaction before anything is written; throwing refuses the document. The
   * API re-checks the uploader's role here, because parsing may take seconds in which a membership
   * can be removed or the space deleted.
   */
  authorize?: (tx: Conn) => Promise<void>
  /**
   * Runs in the write transaction after a new or changed document is written (not for content
   * that was there already), so what records the change (the audit log) commits with it or not at all.
   */
  written?: (tx: Conn, result: IngestResult) => Promise<void>
}

/** Hooks of deleteDocument, in its transaction: `authorize` before the delete, `written` after it. */
export interface DeleteHooks {
  authorize?: (tx: Conn) => Promise<void>
  written?: (tx: Conn) => Promise<void>
}

/** A document as listed (its summary), and how the ingestion went. */
export interface IngestResult extends DocumentSummary {
  /** false when identical content already existed (the existing document is returned). */
  created: boolean
  /** created: new document; updated: same `source`, new content, chunks replaced; unchanged: same content. */
  status: 'created' | 'updated' | 'unchanged'
}

/** Embedding provider (OpenAI-compatible); null when not configured. */
export interface Embedder {
  model: string
  dimensions: number
  embed(texts: string[]): Promise<number[][]>
}

/** The subset of a pino/Fastify logger that the RAG module uses. */
export interface RagLogger {
  info(msg: string): void
  warn(msg: string): void
}

export interface RagContext {
  db: Database
  config: Config
  log?: RagLogger
  /** Present only when an embedding provider is configured AND the database has a usable vector column. */
  embedder: Embedder | null
}
