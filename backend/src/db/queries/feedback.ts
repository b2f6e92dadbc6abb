// SQL for answer feedback (docs/api.md §8). A user rates only their own assistant messages: every
// write joins the message to its conversation's owner, so another user's message is "not found".
import { type Executor, toDate } from '../client.js'

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

/** The caller's own assistant message, as a subquery on $1 (message id) and $2 (user id). */
const OWN_ANSWER = `select m.id, m.conversation_id, m.created_at from messages m
  join conversations c on c.id = m.conversation_id
  where m.id = $1 and c.user_id = $2 and m.role = 'assistant'`

/**
 * Rates an answer (a second rating replaces the first and moves it to the top of the admins'
 * list). The question is the user message just before the answer. False: not the caller's answer.
 */
export async function upsertFeedback(
  db: Executor,
  f: { messageId: string; userId: string; rating: Rating; comment: string | null; now: Date },
): Promise<boolean> {
  const rows = await db.query(
    `with answer as (${OWN_ANSWER})
    insert into feedback (message_id, conversation_id, user_id, question, rating, comment, created_at)
    select a.id, a.conversation_id, $2, coalesce((
        select q.content from messages q
        where q.conversation_id = a.conversation_id and q.role = 'user' and q.created_at < a.created_at
        order by q.created_at desc, q.id desc limit 1), ''),
      $3, $4, $5::timestamptz
    from answer a
    on conflict (message_id) do update
      set rating = excluded.rating, comment = excluded.comment, created_at = excluded.created_at
    returning message_id`,
    [f.messageId, f.userId, f.rating, f.comment, f.now.toISOString()],
  )
  return rows.length > 0
}

/** Removes the caller's rating of their answer (none is fine). False: not the caller's answer. */
export async function deleteFeedback(db: Executor, messageId: string, userId: string): Promise<boolean> {
  const rows = await db.query<{ n: number }>(
    `with answer as (${OWN_ANSWER}),
      removed as (delete from feedback where message_id in (select id from answer) returning 1)
    select (select count(*) from answer)::int as n, (select count(*) from removed)::int as removed`,
    [messageId, userId],
  )
  return (rows[0]?.n ?? 0) > 0
}

/** The ratings in one conversation, by message id. */
export async function conversationFeedback(
  db: Executor,
  conversationId: string,
): Promise<Map<string, { rating: Rating; comment: string | null }>> {
  const rows = await db.query<{ message_id: string; rating: Rating; comment: string | null }>(
    'select message_id, rating, comment from feedback where conversation_id = $1',
    [conversationId],
  )
  return new Map(rows.map((r) => [r.message_id, { rating: r.rating, comment: r.comment }]))
}

/** Newest first by (created_at, message_id); `after` continues below a page's last row. */
export async function listFeedback(
  db: Executor,
  opts: { rating: Rating | null; after: FeedbackCursor | null; limit: number },
): Promise<FeedbackListRow[]> {
  const rows = await db.query<Record<string, unknown>>(
    `select f.message_id, f.conversation_id, u.email as user_email, f.question, m.content as answer,
        m.citations, f.rating, f.comment, f.created_at
      from feedback f
      join messages m on m.id = f.message_id
      join users u on u.id = f.user_id
      where ($1::text is null or f.rating = $1)
        and ($2::timestamptz is null or (f.created_at, f.message_id) < ($2::timestamptz, $3::uuid))
      order by f.created_at desc, f.message_id desc
      limit $4`,
    [opts.rating, opts.after?.createdAt.toISOString() ?? null, opts.after?.messageId ?? null, opts.limit],
  )
  return rows.map((r) => ({
    messageId: String(r.message_id),
    conversationId: String(r.conversation_id),
    userEmail: String(r.user_email),
    question: String(r.question),
    answer: String(r.answer),
    citations: (typeof r.citations === 'string' ? JSON.parse(r.citations) : r.citations) as unknown[],
    rating: r.rating as Rating,
    comment: (r.comment as string | null) ?? null,
    createdAt: toDate(r.created_at),
  }))
}
