// SQL for chat messages. Callers own the transaction (see chat-store.ts).
import { asc, desc, eq, sql } from 'drizzle-orm'
import type { Orm } from '../client.js'
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
 * Appends a message. created_at is at least 1 ms after the conversation's latest message, so
 * "oldest first" is the order of the turns even when the clock does not move (fake clocks, or
 * two writes within one millisecond). Run after touchConversation, which holds the row lock.
 */
export async function insertMessage(orm: Orm, m: NewMessage): Promise<MessageRow> {
  const now = sql`${m.now.toISOString()}::timestamptz`
  const [row] = await orm
    .insert(messages)
    .values({
      id: m.id,
      conversationId: m.conversationId,
      role: m.role,
      content: m.content,
      citations: m.citations,
      mode: m.mode,
      createdAt: sql`greatest(${now}, (select max(created_at) + interval '1 millisecond' from messages where conversation_id = ${m.conversationId}))`,
    })
    .returning()
  return row as MessageRow
}

export async function listConversationMessages(orm: Orm, conversationId: string): Promise<MessageRow[]> {
  return orm
    .select()
    .from(messages)
    .where(eq(messages.conversationId, conversationId))
    .orderBy(asc(messages.createdAt), asc(messages.id))
}

/** The latest `limit` messages, oldest first (the context of a follow-up question). */
export async function recentMessages(orm: Orm, conversationId: string, limit: number): Promise<MessageRow[]> {
  const rows = await orm
    .select()
    .from(messages)
    .where(eq(messages.conversationId, conversationId))
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(limit)
  return rows.reverse()
}
