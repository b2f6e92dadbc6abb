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

export function insertConversation(row: {
  id: string
  userId: string
  title: string
  now: Date
  /** The spaces its answers draw on; null: the owner's default scope. */
  spaceIds?: readonly string[] | null
}): Statement {
  return {
    text: `insert into conversations (id, user_id, title, space_ids, created_at, updated_at)
      values ($1, $2, $3, $5::text::jsonb, $4::timestamptz, $4::timestamptz)`,
    params: [row.id, row.userId, row.title, row.now.toISOString(), spacesParam(row.spaceIds ?? null)],
  }
}

function spacesParam(spaceIds: readonly string[] | null): string | null {
  return spaceIds === null ? null : JSON.stringify(spaceIds)
}

/** Changes the spaces a conversation's answers draw on (null: the owner's default scope). */
export function setConversationSpaceIds(id: string, spaceIds: readonly string[] | null): Statement {
  return {
    text: 'update conversations set space_ids = $2::text::jsonb where id = $1',
    params: [id, spacesParam(spaceIds)],
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

/**
 * Renames the caller's conversation and/or changes the spaces it draws on, in one statement (its
 * place in the list stays: updated_at is not touched). Nothing to change: the row as it is.
 */
export async function updateUserConversation(
  db: Conn,
  userId: string,
  id: string,
  change: { title?: string; spaceIds?: readonly string[] | null },
): Promise<ConversationRow | null> {
  const mine = and(eq(conversations.id, id), eq(conversations.userId, userId))
  const set: Partial<typeof conversations.$inferInsert> = {}
  if (change.title !== undefined) set.title = change.title
  if (change.spaceIds !== undefined) set.spaceIds = change.spaceIds === null ? null : [...change.spaceIds]
  if (Object.keys(set).length === 0) return findUserConversation(db, userId, id)
  const [row] = await db.orm.update(conversations).set(set).where(mine).returning()
  return row ?? null
}
