// SQL for conversations. Every read and delete is scoped by user id: another user's conversation
// is indistinguishable from one that does not exist.
import { and, desc, eq, lt, or, sql } from 'drizzle-orm'
import type { Orm } from '../client.js'
import { type ConversationRow, conversations } from '../schema/index.js'

export interface ConversationCursor {
  updatedAt: Date
  id: string
}

export async function insertConversation(
  orm: Orm,
  row: { id: string; userId: string; title: string; now: Date },
): Promise<ConversationRow> {
  const [created] = await orm
    .insert(conversations)
    .values({ id: row.id, userId: row.userId, title: row.title, createdAt: row.now, updatedAt: row.now })
    .returning()
  return created as ConversationRow
}

export async function findUserConversation(
  orm: Orm,
  userId: string,
  id: string,
): Promise<ConversationRow | null> {
  const [row] = await orm
    .select()
    .from(conversations)
    .where(and(eq(conversations.id, id), eq(conversations.userId, userId)))
  return row ?? null
}

/**
 * Bumps updated_at (never backwards) and locks the row for the rest of the transaction, so
 * concurrent turns in one conversation append their messages one after the other.
 */
export async function touchConversation(orm: Orm, id: string, now: Date): Promise<boolean> {
  const rows = await orm
    .update(conversations)
    .set({ updatedAt: sql`greatest(${conversations.updatedAt}, ${now.toISOString()}::timestamptz)` })
    .where(eq(conversations.id, id))
    .returning({ id: conversations.id })
  return rows.length > 0
}

/** Newest first by (updated_at, id); `after` continues below a page's last row. */
export async function listUserConversations(
  orm: Orm,
  userId: string,
  opts: { limit: number; after: ConversationCursor | null },
): Promise<ConversationRow[]> {
  const mine = eq(conversations.userId, userId)
  const where = opts.after
    ? and(
        mine,
        or(
          lt(conversations.updatedAt, opts.after.updatedAt),
          and(eq(conversations.updatedAt, opts.after.updatedAt), lt(conversations.id, opts.after.id)),
        ),
      )
    : mine
  return orm
    .select()
    .from(conversations)
    .where(where)
    .orderBy(desc(conversations.updatedAt), desc(conversations.id))
    .limit(opts.limit)
}

export async function deleteUserConversation(orm: Orm, userId: string, id: string): Promise<boolean> {
  const rows = await orm
    .delete(conversations)
    .where(and(eq(conversations.id, id), eq(conversations.userId, userId)))
    .returning({ id: conversations.id })
  return rows.length > 0
}
