import { sql } from 'drizzle-orm'
import {
  bigint,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core'
import type { DocumentFormat } from '../../rag/formats.js'
import { users } from './auth.js'
import { spaces } from './spaces.js'

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

export const documents = pgTable(
  'documents',
  {
    id: uuid('id').primaryKey(),
    spaceId: uuid('space_id')
      .notNull()
      .references(() => spaces.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    source: text('source'),
    format: varchar('format', { length: 16 }).$type<DocumentFormat>().notNull(),
    contentHash: varchar('content_hash', { length: 64 }).notNull(),
    chunkCount: integer('chunk_count').notNull().default(0),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: tstz('created_at').notNull().defaultNow(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    // Identical content is one document per space (re-posting it is a no-op there).
    uniqueIndex('documents_space_hash_idx').on(t.spaceId, t.contentHash),
    index('documents_space_source_idx').on(t.spaceId, t.source),
    index('documents_space_created_idx').on(t.spaceId, t.createdAt.desc(), t.id.desc()),
  ],
)

export const chunks = pgTable(
  'chunks',
  {
    id: uuid('id').primaryKey(),
    documentId: uuid('document_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    // Its document's space, copied so that dense retrieval filters chunks without a join.
    spaceId: uuid('space_id').notNull(),
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
  (t) => [
    uniqueIndex('chunks_document_ordinal_idx').on(t.documentId, t.ordinal),
    index('chunks_space_idx').on(t.spaceId),
  ],
)

// BM25 postings: one row per (chunk, lexeme) of to_tsvector('english', heading + content).
// `weight` is the tf-normalised BM25 part tf*(k1+1)/(tf+k1*(1-b+b*dl/avgdl)), computed with the
// avgdl of the chunk's space (space_stats.weights_avgdl); idf is applied at query time from the
// df summed over the searched spaces (space_terms; see rag/bm25.ts). Nothing stored for one space
// depends on another space's documents, so another space's uploads cannot move a score.
export const chunkTerms = pgTable(
  'chunk_terms',
  {
    // No foreign key: checking one per posting cost ~20% of ingest time. Postings are deleted
    // with their chunks by the same transaction (rag/bm25.ts unindexDocuments), and search joins
    // chunks, so a stray posting could never surface.
    chunkId: uuid('chunk_id').notNull(),
    // The chunk's space, so that a search reads only the postings of the spaces it searches.
    spaceId: uuid('space_id').notNull(),
    lexeme: text('lexeme').notNull(),
    tf: real('tf').notNull(),
    weight: real('weight').notNull().default(0),
  },
  // Search reads (space, lexeme) ranges index-only, best weight first; exact rescoring and
  // deletes find a chunk's postings by (chunk_id, lexeme).
  (t) => [
    // INCLUDE (weight) in migration 0007 (drizzle's builder has no INCLUDE): rescoring is index-only.
    index('chunk_terms_chunk_lexeme_idx').on(t.chunkId, t.lexeme),
    index('chunk_terms_space_lexeme_weight_idx').on(t.spaceId, t.lexeme, t.weight.desc(), t.chunkId),
  ],
)

/** Per-space, per-lexeme document (chunk) frequency, kept current by every ingest and delete. */
export const spaceTerms = pgTable(
  'space_terms',
  {
    spaceId: uuid('space_id')
      .notNull()
      .references(() => spaces.id, { onDelete: 'cascade' }),
    lexeme: text('lexeme').notNull(),
    df: integer('df').notNull(),
    /**
     * A new number (space_postings_generation_seq) whenever a chunk holding the lexeme comes or
     * goes in the space: what a server's posting cache checks (rag/posting-cache.ts).
     */
    generation: bigint('generation', { mode: 'number' })
      .notNull()
      .default(sql`nextval('space_postings_generation_seq')`),
  },
  (t) => [primaryKey({ columns: [t.spaceId, t.lexeme] })],
)

/**
 * Per space: N, total length, the avgdl its stored weights were computed with, and the generation
 * of those weights (what a server's posting cache checks, rag/posting-cache.ts).
 */
export const spaceStats = pgTable('space_stats', {
  spaceId: uuid('space_id')
    .primaryKey()
    .references(() => spaces.id, { onDelete: 'cascade' }),
  chunkCount: integer('chunk_count').notNull().default(0),
  totalTerms: doublePrecision('total_terms').notNull().default(0),
  weightsAvgdl: doublePrecision('weights_avgdl').notNull().default(0),
  /** A new number (space_postings_generation_seq) whenever the space's weights are recomputed. */
  weightsGeneration: bigint('weights_generation', { mode: 'number' })
    .notNull()
    .default(sql`nextval('space_postings_generation_seq')`),
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
    // The spaces its answers draw on, as chosen (contract §8); null: the owner's default scope.
    // Access is resolved again on every answer, so an id here grants nothing by itself.
    spaceIds: jsonb('space_ids').$type<string[] | null>(),
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
