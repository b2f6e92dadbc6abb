// The audit log's HTTP shapes (docs/api.md §14): the admin's filtered view and a person's own
// activity share the cursor and the event rendering.
import { Type } from 'typebox'
import type { AuditEventRow } from '../db/schema/index.js'
import { encodeTimeCursor, keysetPage } from '../lib/cursor.js'
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

/** One page of events (read with limit + 1); the cursor is the last event's time and id. */
export function page<T>(rows: AuditEventRow[], limit: number, render: (r: AuditEventRow) => T) {
  const { items, next_cursor } = keysetPage(rows, limit, render, (last) =>
    encodeTimeCursor({ at: last.at, id: last.id }),
  )
  return { events: items, next_cursor }
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
