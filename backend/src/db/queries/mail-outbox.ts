// SQL for the mail outbox (docs/api.md §12): mails are inserted in the transaction of the change
// they report, then claimed and delivered by the mail worker (mail/outbox.ts). A claim leases the
// row (next_attempt_at moves forward) so that instances never send one mail twice at once, and a
// worker that dies mid-send leaves it to be retried after the lease.
import { and, eq, lt, or } from 'drizzle-orm'
import type { Conn } from '../client.js'
import { type MailOutboxRow, mailOutbox } from '../schema/index.js'

export interface NewMail {
  id: string
  toAddress: string
  subject: string
  text: string
  html: string
  createdAt: Date
}

export async function insertMail(db: Conn, mail: NewMail): Promise<void> {
  await db.orm.insert(mailOutbox).values({ ...mail, nextAttemptAt: mail.createdAt })
}

/** Claims up to `limit` due mails: each gets one more attempt and a lease until `leaseUntil`. */
export async function claimDueMails(
  db: Conn,
  now: Date,
  leaseUntil: Date,
  limit: number,
): Promise<MailOutboxRow[]> {
  const rows = await db.query<Record<string, unknown>>(
    `update mail_outbox set attempts = attempts + 1, next_attempt_at = $2
     where id in (
       select id from mail_outbox
       where sent_at is null and failed_at is null and next_attempt_at <= $1
       order by next_attempt_at, seq limit $3
       for update skip locked)
     returning id, seq, to_address, subject, text, html, attempts`,
    [now.toISOString(), leaseUntil.toISOString(), limit],
  )
  // UPDATE … RETURNING comes back in no particular order: send in the order the mails were queued
  // (a newer link voids an older one, so the last mail to arrive must be the one that works).
  return rows
    .map((r) => ({
      id: String(r.id),
      seq: Number(r.seq),
      toAddress: String(r.to_address),
      subject: String(r.subject),
      text: r.text === null ? null : String(r.text),
      html: r.html === null ? null : String(r.html),
      attempts: Number(r.attempts),
      nextAttemptAt: leaseUntil,
      sentAt: null,
      failedAt: null,
      lastError: null,
      createdAt: now,
    }))
    .sort((a, b) => a.seq - b.seq)
}

/** Delivered: the bodies go (they may hold a one-time link), the row stays as a record. */
export async function markMailSent(db: Conn, id: string, now: Date): Promise<void> {
  await db.orm
    .update(mailOutbox)
    .set({ sentAt: now, text: null, html: null, lastError: null })
    .where(eq(mailOutbox.id, id))
}

/** Not delivered: retried at `retryAt`, or given up (`retryAt` null) with the bodies dropped. */
export async function markMailFailed(
  db: Conn,
  id: string,
  error: string,
  retryAt: Date | null,
  now: Date,
): Promise<void> {
  await db.orm
    .update(mailOutbox)
    .set(
      retryAt
        ? { nextAttemptAt: retryAt, lastError: error.slice(0, 500) }
        : { failedAt: now, lastError: error.slice(0, 500), text: null, html: null },
    )
    .where(and(eq(mailOutbox.id, id)))
}

/** Sent or given-up mails (bodies already dropped) older than `before` (run by the periodic sweep). */
export async function deleteFinishedMails(db: Conn, before: Date): Promise<number> {
  const rows = await db.orm
    .delete(mailOutbox)
    .where(or(lt(mailOutbox.sentAt, before), lt(mailOutbox.failedAt, before)))
    .returning({ id: mailOutbox.id })
  return rows.length
}

export async function listMails(db: Conn): Promise<MailOutboxRow[]> {
  return db.orm.select().from(mailOutbox)
}
