// Request and response schemas of docs/api.md §8 (validation, serialization and OpenAPI in one).
import { type Static, Type } from 'typebox'
import type { MessageRow } from '../db/schema/index.js'
import { Uuid } from '../lib/schemas.js'

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()])
const DateTime = Type.String({ format: 'date-time' })

export const CitationSchema = Type.Object({
  index: Type.Integer({ minimum: 1 }),
  document_id: Type.String(),
  chunk_id: Type.String(),
  space_id: Type.String(),
  // The space's name when the answer was given, for the UI to show beside the citation.
  space_name: Type.Optional(Type.String()),
  title: Type.String(),
  source: Nullable(Type.String()),
  heading: Nullable(Type.String()),
  snippet: Type.String(),
})

/** A citation as admins read it in the feedback list: only `index` when its space is not theirs. */
/** A citation as stored with its message (written by this service from checked citations). */
export type StoredCitation = Static<typeof CitationSchema>

export const RedactableCitationSchema = Type.Object({
  index: Type.Integer({ minimum: 1 }),
  document_id: Type.Optional(Type.String()),
  chunk_id: Type.Optional(Type.String()),
  space_id: Type.Optional(Type.String()),
  space_name: Type.Optional(Type.String()),
  title: Type.Optional(Type.String()),
  source: Type.Optional(Nullable(Type.String())),
  heading: Type.Optional(Nullable(Type.String())),
  snippet: Type.Optional(Type.String()),
})

export type RedactableCitation = Static<typeof RedactableCitationSchema>

/** 1–20 spaces, or null for the default scope. */
const SpaceIds = Type.Array(Uuid, { minItems: 1, maxItems: 20 })
const SpaceScope = Type.Union([Type.Null(), SpaceIds])

/** Text a person typed: no NUL (Postgres text cannot hold it). */
const NO_NUL = '^[^\\u0000]*$'

const Rating = Type.Union([Type.Literal('up'), Type.Literal('down')])
const AnswerMode = Type.Union([Type.Literal('llm'), Type.Literal('extractive')])

export const FeedbackSchema = Type.Union([
  Type.Null(),
  Type.Object({ rating: Rating, comment: Type.Union([Type.String(), Type.Null()]) }),
])

export const MessageSchema = Type.Object({
  id: Type.String(),
  role: Type.Union([Type.Literal('user'), Type.Literal('assistant')]),
  content: Type.String(),
  citations: Type.Array(CitationSchema),
  feedback: FeedbackSchema,
  // How an assistant message was answered, so the UI can say so after a reload (null: a question).
  mode: Type.Union([AnswerMode, Type.Null()]),
  created_at: DateTime,
})

export const ChatRequest = Type.Object({
  message: Type.String({ minLength: 1, maxLength: 4000, description: '1–4000 characters, not blank' }),
  // Null first: with type coercion on, a null tried against the string branch would become "".
  conversation_id: Type.Optional(Type.Union([Type.Null(), Uuid])),
  space_ids: Type.Optional(
    Type.Union([Type.Null(), SpaceIds], {
      description:
        'Limits the sources to these spaces (each readable, else 404) and is remembered by the ' +
        'conversation; null: back to the default scope; absent: what the conversation remembers.',
    }),
  ),
})

export type ChatRequestBody = Static<typeof ChatRequest>

export const ChatResponse = Type.Object({
  conversation_id: Type.String(),
  mode: Type.Union([Type.Literal('llm'), Type.Literal('extractive')]),
  message: Type.Object({
    id: Type.String(),
    role: Type.Literal('assistant'),
    content: Type.String(),
    citations: Type.Array(CitationSchema),
    created_at: DateTime,
  }),
})

export const ConversationSummary = Type.Object({
  id: Type.String(),
  title: Type.String(),
  space_ids: SpaceScope,
  created_at: DateTime,
  updated_at: DateTime,
})

export const ConversationList = Type.Object({
  conversations: Type.Array(ConversationSummary),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
})

export const ConversationDetail = Type.Object({
  id: Type.String(),
  title: Type.String(),
  space_ids: SpaceScope,
  created_at: DateTime,
  messages: Type.Array(MessageSchema),
})

export const RenameRequest = Type.Object({
  title: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      pattern: NO_NUL,
      description: '1–200 characters, not blank',
    }),
  ),
  space_ids: Type.Optional(SpaceScope),
})

export const FeedbackRequest = Type.Object({
  rating: Rating,
  comment: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 2000, pattern: NO_NUL })])),
})

export const AdminFeedbackQuery = Type.Object({
  rating: Type.Optional(Rating),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
})

export const AdminFeedbackExportQuery = Type.Object({
  rating: Type.Optional(Rating),
  format: Type.Union([Type.Literal('jsonl'), Type.Literal('csv')], { default: 'jsonl' }),
})

export const AdminFeedbackItem = Type.Object({
  message_id: Type.String(),
  conversation_id: Type.String(),
  user_email: Type.String(),
  question: Type.String(),
  answer: Type.String(),
  citations: Type.Array(RedactableCitationSchema),
  rating: Rating,
  comment: Type.Union([Type.String(), Type.Null()]),
  created_at: DateTime,
})

export const AdminFeedbackList = Type.Object({
  feedback: Type.Array(AdminFeedbackItem),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
})

export const ListQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
})

export type FeedbackBody = { rating: 'up' | 'down'; comment: string | null } | null

export function messageBody(row: MessageRow, feedback: FeedbackBody = null) {
  const mode: Static<typeof AnswerMode> | null =
    row.role === 'assistant' && (row.mode === 'llm' || row.mode === 'extractive') ? row.mode : null
  return {
    id: row.id,
    role: row.role as 'user' | 'assistant',
    content: row.content,
    citations: (Array.isArray(row.citations) ? row.citations : []) as StoredCitation[],
    feedback,
    mode,
    created_at: row.createdAt.toISOString(),
  }
}
