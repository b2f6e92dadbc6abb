// SQL for conversations. Every read and delete is scoped by user id: another user's conversation
// is indistinguishable from one that does not exist. The two writes of a chat turn are raw
// statements for Database.batch (see chat.ts); the rest goes through the query builder.
import { and, desc, eq, lt, or } from 'drizzle-orm'
import type { Conn, Statement } from '../client.js'
import { type ConversationRow, conversations } from '../schema/index.js'

export interface ConversationCursor {
  updatedAt: Date
  id: string
}

export function insertConversation(row: { id: string; userId: string; title: string; now: Date }): Statement {
  return {
    text: `insert into conversations (id, user_id, title, created_at, updated_at)
      values ($1, $2, $3, $4::timestamptz, $4::timestamptz)`,
    params: [row.id, row.userId, row.title, row.now.toISOString()],
  }
}

export async function findUserConversation(
  db: Conn,
  userId: string,
  id: string,
): Promise<ConversationRow | null> {
  const [row] = await db.orm
    .select()
    .from(conversations)
    .where(and(eq(conversations.id, id), eq(conversations.userId, userId)))
  return row ?? null
}

/**
 * Bumps updated_at (never backwards) and locks the row for the rest of the transaction, so
 * concurrent turns in one conversation append their messages one after the other.
 */
export function touchConversation(id: string, now: Date): Statement {
  return {
    text: 'update conversations set updated_at = greatest(updated_at, $2::timestamptz) where id = $1',
    params: [id, now.toISOString()],
  }
}

/** Newest first by (updated_at, id); `after` continues below a page's last row. */
export async function listUserConversations(
  db: Conn,
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
  return db.orm
    .select()
    .from(conversations)
    .where(where)
    .orderBy(desc(conversations.updatedAt), desc(conversations.id))
    .limit(opts.limit)
}

export async function deleteUserConversation(db: Conn, userId: string, id: string): Promise<boolean> {
  const rows = await db.orm
    .delete(conversations)
    .where(and(eq(conversations.id, id), eq(conversations.userId, userId)))
    .returning({ id: conversations.id })
  return rows.length > 0
}

/** Renames the caller's conversation (its place in the list stays: updated_at is not touched). */
export async function renameUserConversation(
  db: Conn,
  userId: string,
  id: string,
  title: string,
): Promise<ConversationRow | null> {
  const [row] = await db.orm
    .update(conversations)
    .set({ title })
    .where(and(eq(conversations.id, id), eq(conversations.userId, userId)))
    .returning()
  return row ?? null
}
