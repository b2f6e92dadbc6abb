import { sql } from 'drizzle-orm'
import {
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  real,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core'
import { users } from './auth.js'

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

export const documents = pgTable(
  'documents',
  {
    id: uuid('id').primaryKey(),
    title: text('title').notNull(),
    source: text('source'),
    format: varchar('format', { length: 16 }).notNull(),
    contentHash: varchar('content_hash', { length: 64 }).notNull(),
    chunkCount: integer('chunk_count').notNull().default(0),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: tstz('created_at').notNull().defaultNow(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('documents_content_hash_idx').on(t.contentHash),
    index('documents_source_idx').on(t.source),
  ],
)

export const chunks = pgTable(
  'chunks',
  {
    id: uuid('id').primaryKey(),
    documentId: uuid('document_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    ordinal: integer('ordinal').notNull(),
    heading: text('heading'),
    content: text('content').notNull(),
    tokenCount: integer('token_count').notNull().default(0),
    // BM25 document length: the sum of this chunk's term frequencies in chunk_terms. (No tsvector
    // column: lexical search is BM25 over chunk_terms, and a generated tsvector + GIN index cost
    // a to_tsvector and an index update per chunk for nothing that queried them.)
    termCount: integer('term_count').notNull().default(0),
    // The english lexemes of each snippet sentence of `content` (rag/snippet.ts snippetSentences),
    // computed at ingestion so that a search needs no to_tsvector round trip for its snippets.
    // NULL for chunks ingested before this column existed: their snippets analyse at query time.
    sentenceLexemes: jsonb('sentence_lexemes').$type<string[][]>(),
  },
  (t) => [uniqueIndex('chunks_document_ordinal_idx').on(t.documentId, t.ordinal)],
)

// BM25 postings: one row per (chunk, lexeme) of to_tsvector('english', heading + content).
// `weight` is the tf-normalised BM25 part tf*(k1+1)/(tf+k1*(1-b+b*dl/avgdl)), computed with
// corpus_stats.weights_avgdl; idf is applied at query time from term_stats (see rag/bm25.ts).
export const chunkTerms = pgTable(
  'chunk_terms',
  {
    // No foreign key: checking one per posting cost ~20% of ingest time. Postings are deleted
    // with their chunks by the same transaction (rag/bm25.ts unindexDocuments), and search joins
    // chunks, so a stray posting could never surface.
    chunkId: uuid('chunk_id').notNull(),
    lexeme: text('lexeme').notNull(),
    tf: real('tf').notNull(),
    weight: real('weight').notNull().default(0),
  },
  // Search reads (lexeme, weight desc) index-only; deletes find a chunk's postings by chunk_id.
  // A plain chunk_id index rather than a (chunk_id, lexeme) primary key: uuidv7 ids append at the
  // index's right edge, which made bulk ingestion ~15% faster (uniqueness comes from GROUP BY).
  (t) => [
    index('chunk_terms_chunk_idx').on(t.chunkId),
    index('chunk_terms_lexeme_weight_idx').on(t.lexeme, t.weight.desc(), t.chunkId),
  ],
)

/** Per-lexeme document (chunk) frequency, kept current by every ingest and delete. */
export const termStats = pgTable('term_stats', {
  lexeme: text('lexeme').primaryKey(),
  df: integer('df').notNull(),
})

/** One row (id = 1): N, total length, and the avgdl the stored weights were computed with. */
export const corpusStats = pgTable('corpus_stats', {
  id: smallint('id').primaryKey(),
  chunkCount: integer('chunk_count').notNull().default(0),
  totalTerms: doublePrecision('total_terms').notNull().default(0),
  weightsAvgdl: doublePrecision('weights_avgdl').notNull().default(0),
})

/** Small key/value facts about the knowledge base (embedding model and dimensions). */
export const kbMeta = pgTable('kb_meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
})

export const conversations = pgTable(
  'conversations',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    title: varchar('title', { length: 200 }).notNull(),
    createdAt: tstz('created_at').notNull().defaultNow(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [index('conversations_user_updated_idx').on(t.userId, t.updatedAt.desc(), t.id.desc())],
)

export const messages = pgTable(
  'messages',
  {
    id: uuid('id').primaryKey(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    role: varchar('role', { length: 16 }).notNull(),
    content: text('content').notNull(),
    citations: jsonb('citations').notNull().default(sql`'[]'::jsonb`),
    mode: varchar('mode', { length: 16 }),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [index('messages_conversation_created_idx').on(t.conversationId, t.createdAt)],
)

// One rating per assistant message (a second rating replaces it). The question is copied when
// the answer is rated so that the admins' list and export read one row per rating; the answer and
// its citations are read from the message. Deleting the message (or its conversation) deletes it.
export const feedback = pgTable(
  'feedback',
  {
    messageId: uuid('message_id')
      .primaryKey()
      .references(() => messages.id, { onDelete: 'cascade' }),
    conversationId: uuid('conversation_id').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    question: text('question').notNull(),
    rating: varchar('rating', { length: 8 }).$type<'up' | 'down'>().notNull(),
    comment: text('comment'),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('feedback_created_idx').on(t.createdAt.desc(), t.messageId.desc()),
    index('feedback_conversation_idx').on(t.conversationId),
  ],
)

export type DocumentRow = typeof documents.$inferSelect
export type ChunkRow = typeof chunks.$inferSelect
export type ConversationRow = typeof conversations.$inferSelect
export type MessageRow = typeof messages.$inferSelect
export type FeedbackRow = typeof feedback.$inferSelect
