// The audit log's writer (docs/api.md §14). Callers write an event with the same Conn (transaction)
// as the change it records, so a change is never committed without its event nor the reverse.
// `details` carries ids and small facts only: never a password, token, key or hash.
import type { FastifyRequest } from 'fastify'
import type { Config } from '../config.js'
import type { Conn, Database } from '../db/client.js'
import { deleteAuditEventsBefore, insertAuditEvent } from '../db/queries/audit.js'
import { clientAddress } from '../lib/client-key.js'
import type { Clock } from '../lib/clock.js'
import { uuidv7 } from '../lib/ids.js'

export const AUDIT_EVENT_TYPES = [
  'sign_in',
  'sign_in_failed',
  'sign_out',
  'sign_out_all',
  'session_revoked',
  'password_changed',
  'password_reset_requested',
  'password_reset',
  'email_verified',
  'email_changed',
  'mfa_enabled',
  'mfa_disabled',
  'api_key_created',
  'api_key_revoked',
  'account_deleted',
  'user_role_changed',
  'user_disabled',
  'user_enabled',
  'document_added',
  'document_deleted',
  'space_created',
  'space_deleted',
  'space_member_added',
  'space_member_removed',
  'space_updated',
  'space_member_role_changed',
  'space_invitation_sent',
  'reset_link_created',
  'user_created',
  'mfa_recovery_code_used',
  'recovery_codes_regenerated',
] as const

export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number]

export interface AuditEntry {
  type: AuditEventType
  /** Who did it; null when nobody was signed in (a failed sign-in). */
  actor: { id: string; email: string } | null
  /** Whose account it concerns. */
  subjectId: string | null
  details?: Record<string, string | number | boolean | null>
}

function userAgentOf(request: FastifyRequest): string | null {
  const ua = request.headers['user-agent']
  return typeof ua === 'string' && ua ? ua.slice(0, 255) : null
}

export async function writeAudit(conn: Conn, clock: Clock, request: FastifyRequest, e: AuditEntry) {
  const now = clock.now()
  await insertAuditEvent(conn, {
    id: uuidv7(now),
    at: new Date(now),
    type: e.type,
    actorId: e.actor?.id ?? null,
    actorEmail: e.actor?.email ?? null,
    subjectId: e.subjectId,
    ipAddress: clientAddress(request.ip),
    userAgent: userAgentOf(request),
    details: e.details ?? {},
  })
}

/** An event a user caused on their own account: they are its actor and its subject. */
export function writeOwnAudit(
  conn: Conn,
  clock: Clock,
  request: FastifyRequest,
  user: { id: string; email: string },
  type: AuditEventType,
  details?: AuditEntry['details'],
) {
  return writeAudit(conn, clock, request, {
    type,
    actor: { id: user.id, email: user.email },
    subjectId: user.id,
    ...(details ? { details } : {}),
  })
}

/** Drops events older than AUDIT_RETENTION_DAYS (run by the periodic sweep); returns how many. */
export function sweepAuditEvents(db: Database, config: Config, clock: Clock): Promise<number> {
  return deleteAuditEventsBefore(db, new Date(clock.now() - config.auditRetentionDays * 86_400_000))
}
