// SQL for chat messages. Reads go through the query builder; the writes are raw statements for
// Database.batch (see chat.ts), which pipelines them in one round trip: the builder only runs
// its queries itself, one round trip each.
import { asc, desc, eq } from 'drizzle-orm'
import { type Conn, jsonColumn, type Statement, toDate } from '../client.js'
import { type MessageRow, messages } from '../schema/index.js'

export interface NewMessage {
  id: string
  conversationId: string
  role: 'user' | 'assistant'
  content: string
  citations: unknown[]
  mode: string | null
  now: Date
}

/**
 * Appends a message, when its conversation exists (no row otherwise). created_at is at least
 * 1 ms after the conversation's latest message, so "oldest first" is the order of the turns even
 * when the clock does not move (fake clocks, or two writes within one millisecond). Run after
 * touchConversation in the same batch: its row lock orders concurrent turns, and this statement's
 * own snapshot, taken after the lock, sees the message of the turn before.
 */
export function insertMessage(m: NewMessage): Statement {
  return {
    text: `insert into messages (id, conversation_id, role, content, citations, mode, created_at)
      select $1, $2, $3, $4, $5::text::jsonb, $6,
        greatest($7::timestamptz,
          (select max(created_at) + interval '1 millisecond' from messages where conversation_id = $2))
      where exists (select 1 from conversations where id = $2)
      returning id, conversation_id, role, content, citations, mode, created_at`,
    params: [
      m.id,
      m.conversationId,
      m.role,
      m.content,
      JSON.stringify(m.citations),
      m.mode,
      m.now.toISOString(),
    ],
  }
}

/** A messages row as returned by insertMessage. */
export function messageRowOf(r: Record<string, unknown>): MessageRow {
  return {
    id: String(r.id),
    conversationId: String(r.conversation_id),
    role: String(r.role),
    content: String(r.content),
    citations: jsonColumn<unknown[]>(r.citations, []),
    mode: (r.mode as string | null) ?? null,
    createdAt: toDate(r.created_at),
  }
}

export async function listConversationMessages(db: Conn, conversationId: string): Promise<MessageRow[]> {
  return db.orm
    .select()
    .from(messages)
    .where(eq(messages.conversationId, conversationId))
    .orderBy(asc(messages.createdAt), asc(messages.id))
}

/** The latest `limit` messages, oldest first (the context of a follow-up question). */
export async function recentMessages(db: Conn, conversationId: string, limit: number): Promise<MessageRow[]> {
  const rows = await db.orm
    .select()
    .from(messages)
    .where(eq(messages.conversationId, conversationId))
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(limit)
  return rows.reverse()
}
