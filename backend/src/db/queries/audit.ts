// SQL for the audit log (docs/api.md §14). Only inserts, reads and the retention sweep: no
// statement here edits an event.
import { and, desc, eq, lt, or, type SQL } from 'drizzle-orm'
import { uuidv7 } from '../../lib/ids.js'
import type { Conn } from '../client.js'
import { type AuditEventRow, auditEvents } from '../schema/index.js'

export type NewAuditEvent = Omit<AuditEventRow, 'details'> & { details: Record<string, unknown> }

/**
 * An event nobody signed in did (no actor, no IP, no browser): the operator at a shell, or the
 * server at start. `details` says how (`by: 'cli'`, `via: 'admin_password'`).
 */
export function unattendedEvent(
  type: string,
  subjectId: string,
  details: Record<string, unknown>,
  at: Date = new Date(),
): NewAuditEvent {
  return {
    id: uuidv7(at.getTime()),
    at,
    type,
    actorId: null,
    actorEmail: null,
    subjectId,
    ipAddress: null,
    userAgent: null,
    details,
  }
}

export async function insertAuditEvent(db: Conn, event: NewAuditEvent): Promise<void> {
  await db.orm.insert(auditEvents).values(event)
}

/** The last event of a page: the next page starts strictly after it (newest first). */
export interface AuditCursor {
  at: Date
  id: string
}

export interface AuditFilter {
  type?: string | null
  /** Events whose actor or subject is this user. */
  userId?: string | null
  /** Events whose subject is this user (a person's own activity). */
  subjectId?: string | null
  after: AuditCursor | null
  limit: number
}

export async function listAuditEvents(db: Conn, f: AuditFilter): Promise<AuditEventRow[]> {
  const where: SQL[] = []
  if (f.type) where.push(eq(auditEvents.type, f.type))
  if (f.userId) {
    where.push(or(eq(auditEvents.actorId, f.userId), eq(auditEvents.subjectId, f.userId)) as SQL)
  }
  if (f.subjectId) where.push(eq(auditEvents.subjectId, f.subjectId))
  if (f.after) {
    where.push(
      or(
        lt(auditEvents.at, f.after.at),
        and(eq(auditEvents.at, f.after.at), lt(auditEvents.id, f.after.id)),
      ) as SQL,
    )
  }
  return db.orm
    .select()
    .from(auditEvents)
    .where(where.length > 0 ? and(...where) : undefined)
    .orderBy(desc(auditEvents.at), desc(auditEvents.id))
    .limit(f.limit)
}

/** The retention sweep: events older than `before` go. */
export async function deleteAuditEventsBefore(db: Conn, before: Date): Promise<number> {
  const rows = await db.orm
    .delete(auditEvents)
    .where(lt(auditEvents.at, before))
    .returning({ id: auditEvents.id })
  return rows.length
}
