// Request and response schemas of contract §8 (validation, serialization and OpenAPI in one).
import { Type } from 'typebox'
import type { MessageRow } from '../db/schema/index.js'
import type { Citation } from '../rag/citations.js'

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()])
const DateTime = Type.String({ format: 'date-time' })
const Uuid = Type.String({ format: 'uuid' })

export const CitationSchema = Type.Object({
  index: Type.Integer({ minimum: 1 }),
  document_id: Type.String(),
  chunk_id: Type.String(),
  title: Type.String(),
  source: Nullable(Type.String()),
  heading: Nullable(Type.String()),
  snippet: Type.String(),
})

export const MessageSchema = Type.Object({
  id: Type.String(),
  role: Type.Union([Type.Literal('user'), Type.Literal('assistant')]),
  content: Type.String(),
  citations: Type.Array(CitationSchema),
  created_at: DateTime,
})

export const ChatRequest = Type.Object({
  message: Type.String({ minLength: 1, maxLength: 4000, description: '1–4000 characters, not blank' }),
  // Null first: with type coercion on, a null tried against the string branch would become "".
  conversation_id: Type.Optional(Type.Union([Type.Null(), Uuid])),
})

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
  created_at: DateTime,
  messages: Type.Array(MessageSchema),
})

export const ListQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
})

export const IdParams = Type.Object({ id: Uuid })

export function messageBody(row: MessageRow) {
  return {
    id: row.id,
    role: row.role as 'user' | 'assistant',
    content: row.content,
    citations: (Array.isArray(row.citations) ? row.citations : []) as Citation[],
    created_at: row.createdAt.toISOString(),
  }
}
