// The audit log's HTTP shapes (docs/api.md §14): the admin's filtered view and a person's own
// activity share the cursor and the event rendering.
import { Type } from 'typebox'
import type { AuditCursor } from '../db/queries/audit.js'
import type { AuditEventRow } from '../db/schema/index.js'
import { AppError } from '../errors.js'
import { isUuid } from '../lib/ids.js'
import { Uuid } from '../lib/schemas.js'
import { AUDIT_EVENT_TYPES } from './audit.js'

const DateTime = Type.String({ format: 'date-time' })
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()])
const Details = Type.Record(Type.String(), Type.Unknown())

export const AuditType = Type.Union(AUDIT_EVENT_TYPES.map((t) => Type.Literal(t)))
const Cursor = Type.String({ minLength: 1, maxLength: 200 })
const Limit = Type.Integer({ minimum: 1, maximum: 100, default: 50 })

export const AdminAuditQuery = Type.Object({
  type: Type.Optional(AuditType),
  user_id: Type.Optional(Uuid),
  cursor: Type.Optional(Cursor),
  limit: Limit,
})

export const ActivityQuery = Type.Object({ cursor: Type.Optional(Cursor), limit: Limit })

export const AdminAuditEvent = Type.Object({
  id: Type.String({ format: 'uuid' }),
  at: DateTime,
  type: Type.String(),
  actor_id: Nullable(Type.String({ format: 'uuid' })),
  actor_email: Nullable(Type.String()),
  subject_id: Nullable(Type.String({ format: 'uuid' })),
  ip_address: Nullable(Type.String()),
  user_agent: Nullable(Type.String()),
  details: Details,
})

export const AdminAuditList = Type.Object({
  events: Type.Array(AdminAuditEvent),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
})

export const ActivityEvent = Type.Object({
  id: Type.String({ format: 'uuid' }),
  at: DateTime,
  type: Type.String(),
  ip_address: Nullable(Type.String()),
  user_agent: Nullable(Type.String()),
  details: Details,
})

export const ActivityList = Type.Object({
  events: Type.Array(ActivityEvent),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
})

/** Opaque to clients: base64url of "<at ISO>|<event id>" of the last event of a page. */
export function encodeAuditCursor(c: AuditCursor): string {
  return Buffer.from(`${c.at.toISOString()}|${c.id}`, 'utf8').toString('base64url')
}

/** The cursor, or 422 naming it when it is not one this server made. */
export function decodeAuditCursor(cursor: string | undefined): AuditCursor | null {
  if (cursor === undefined) return null
  const bad = () =>
    new AppError('validation_error', { errors: [{ path: 'cursor', message: 'is not a valid cursor' }] })
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw bad()
  const [iso, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|')
  if (!iso || !id || rest.length > 0 || !isUuid(id)) throw bad()
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(iso)) throw bad()
  const at = new Date(iso)
  if (Number.isNaN(at.getTime())) throw bad()
  return { at, id }
}

/** One page: `rows` was read with limit + 1, so a row beyond `limit` means there is a next page. */
export function page<T>(rows: AuditEventRow[], limit: number, render: (r: AuditEventRow) => T) {
  const shown = rows.slice(0, limit)
  const last = shown[shown.length - 1]
  return {
    events: shown.map(render),
    next_cursor: rows.length > limit && last ? encodeAuditCursor({ at: last.at, id: last.id }) : null,
  }
}

export function adminEventBody(r: AuditEventRow) {
  return {
    id: r.id,
    at: r.at.toISOString(),
    type: r.type,
    actor_id: r.actorId,
    actor_email: r.actorEmail,
    subject_id: r.subjectId,
    ip_address: r.ipAddress,
    user_agent: r.userAgent,
    details: r.details,
  }
}

export function activityEventBody(r: AuditEventRow) {
  return {
    id: r.id,
    at: r.at.toISOString(),
    type: r.type,
    ip_address: r.ipAddress,
    user_agent: r.userAgent,
    details: r.details,
  }
}
