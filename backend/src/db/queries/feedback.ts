// SQL for answer feedback (docs/api.md §8). A user rates only their own assistant messages: every
// write joins the message to its conversation's owner, so another user's message is "not found".
import { and, desc, eq, inArray, lt, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import type { Conn } from '../client.js'
import { conversations, feedback, messages, users } from '../schema/index.js'

export type Rating = 'up' | 'down'

export interface FeedbackCursor {
  createdAt: Date
  messageId: string
}

export interface FeedbackListRow {
  messageId: string
  conversationId: string
  userEmail: string
  question: string
  answer: string
  citations: unknown[]
  rating: Rating
  comment: string | null
  createdAt: Date
}

/** The caller's own assistant message (none when it is another user's, or not an answer). */
function ownAnswer(db: Conn, messageId: string, userId: string) {
  return db.orm.$with('answer').as(
    db.orm
      .select({ id: messages.id, conversationId: messages.conversationId, createdAt: messages.createdAt })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .where(
        and(eq(messages.id, messageId), eq(conversations.userId, userId), eq(messages.role, 'assistant')),
      ),
  )
}

/**
 * Rates an answer (a second rating replaces the first and moves it to the top of the admins'
 * list). The question is the user message just before the answer. False: not the caller's answer.
 * One statement: the ownership check, the question and the upsert in one round trip.
 */
export async function upsertFeedback(
  db: Conn,
  f: { messageId: string; userId: string; rating: Rating; comment: string | null; now: Date },
): Promise<boolean> {
  const answer = ownAnswer(db, f.messageId, f.userId)
  const q = alias(messages, 'q')
  const question = db.orm
    .select({ content: q.content })
    .from(q)
    .where(
      and(eq(q.conversationId, answer.conversationId), eq(q.role, 'user'), lt(q.createdAt, answer.createdAt)),
    )
    .orderBy(desc(q.createdAt), desc(q.id))
    .limit(1)
  // insert … select takes its values as the select's columns, in the table's column order.
  const rows = await db.orm
    .with(answer)
    .insert(feedback)
    .select(
      db.orm
        .select({
          messageId: answer.id,
          conversationId: answer.conversationId,
          userId: sql`${f.userId}::uuid`.as('user_id'),
          question: sql<string>`coalesce((${question}), '')`.as('question'),
          rating: sql`${f.rating}::varchar`.as('rating'),
          comment: sql`${f.comment}::text`.as('comment'),
          createdAt: sql`${f.now.toISOString()}::timestamptz`.as('created_at'),
        })
        .from(answer),
    )
    .onConflictDoUpdate({
      target: feedback.messageId,
      set: {
        rating: sql`excluded.rating`,
        comment: sql`excluded.comment`,
        createdAt: sql`excluded.created_at`,
      },
    })
    .returning({ messageId: feedback.messageId })
  return rows.length > 0
}

/** Removes the caller's rating of their answer (none is fine). False: not the caller's answer. */
export async function deleteFeedback(db: Conn, messageId: string, userId: string): Promise<boolean> {
  const answer = ownAnswer(db, messageId, userId)
  // A data-modifying CTE runs whether or not the outer select reads it: one round trip.
  const removed = db.orm.$with('removed').as(
    db.orm
      .delete(feedback)
      .where(inArray(feedback.messageId, db.orm.select({ id: answer.id }).from(answer)))
      .returning({ messageId: feedback.messageId }),
  )
  const [row] = await db.orm.with(answer, removed).select({ n: sql<number>`count(*)::int` }).from(answer)
  return (row?.n ?? 0) > 0
}

/** The ratings in one conversation, by message id. */
export async function conversationFeedback(
  db: Conn,
  conversationId: string,
): Promise<Map<string, { rating: Rating; comment: string | null }>> {
  const rows = await db.orm
    .select({ messageId: feedback.messageId, rating: feedback.rating, comment: feedback.comment })
    .from(feedback)
    .where(eq(feedback.conversationId, conversationId))
  return new Map(rows.map((r) => [r.messageId, { rating: r.rating, comment: r.comment }]))
}

/** Newest first by (created_at, message_id); `after` continues below a page's last row. */
export async function listFeedback(
  db: Conn,
  opts: { rating: Rating | null; after: FeedbackCursor | null; limit: number },
): Promise<FeedbackListRow[]> {
  const after = opts.after
  const rows = await db.orm
    .select({
      messageId: feedback.messageId,
      conversationId: feedback.conversationId,
      userEmail: users.email,
      question: feedback.question,
      answer: messages.content,
      citations: messages.citations,
      rating: feedback.rating,
      comment: feedback.comment,
      createdAt: feedback.createdAt,
    })
    .from(feedback)
    .innerJoin(messages, eq(messages.id, feedback.messageId))
    .innerJoin(users, eq(users.id, feedback.userId))
    .where(
      and(
        opts.rating ? eq(feedback.rating, opts.rating) : undefined,
        // A row comparison, which the (created_at desc, message_id desc) index serves.
        after
          ? sql`(${feedback.createdAt}, ${feedback.messageId}) < (${after.createdAt.toISOString()}::timestamptz, ${after.messageId}::uuid)`
          : undefined,
      ),
    )
    .orderBy(desc(feedback.createdAt), desc(feedback.messageId))
    .limit(opts.limit)
  return rows.map((r) => ({ ...r, citations: r.citations as unknown[] }))
}
