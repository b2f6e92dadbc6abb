// Session lifecycle (Lucia-style): create, validate with sliding idle expiry under an absolute cap,
// revoke. No cache in front of the table: revocation takes effect on the next request everywhere.
import type { Config } from '../config.js'
import type { Conn, Database } from '../db/client.js'
import { deleteSession, findSessionByHash, insertSession, touchSession } from '../db/queries/sessions.js'
import type { Clock } from '../lib/clock.js'
import { uuidv7 } from '../lib/ids.js'
import { constantTimeEqual, generateSessionToken, hashSessionToken, isWellFormedToken } from './tokens.js'

const DAY_MS = 86_400_000
/** last_used_at is written at most this often per session. */
export const LAST_USED_WRITE_INTERVAL_MS = 60_000

export interface AuthUser {
  id: string
  email: string
  name: string | null
  /** The effective role, resolved against ADMIN_EMAILS on every request. */
  role: 'user' | 'admin'
  email_verified: boolean
  /** Two-factor sign-in is on (docs/api.md §13). */
  mfa_enabled: boolean
  created_at: Date
}

export interface AuthSession {
  id: string
  created_at: Date
  expires_at: Date
}

export interface ValidatedSession {
  user: AuthUser
  session: AuthSession
  /** The idle expiry moved: the cookie must be re-sent. */
  refreshed: boolean
}

export interface SessionContext {
  db: Database
  config: Config
  clock: Clock
}

/**
 * Admin when the stored role says so, or when the email is in ADMIN_EMAILS and verified: an
 * unverified account holding a listed address is whoever signed up with it first.
 */
export function effectiveRole(
  config: Config,
  user: { email: string; role: string; emailVerified: boolean },
): 'user' | 'admin' {
  if (user.role === 'admin') return 'admin'
  return user.emailVerified && config.adminEmails.includes(user.email.toLowerCase()) ? 'admin' : 'user'
}

/** The request-facing user of a stored users row (role resolved against ADMIN_EMAILS). */
export function authUserOf(
  config: Config,
  row: {
    id: string
    email: string
    name: string | null
    role: string
    emailVerified: boolean
    mfaEnabled: boolean
    createdAt: Date
  },
): AuthUser {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: effectiveRole(config, row),
    email_verified: row.emailVerified,
    mfa_enabled: row.mfaEnabled,
    created_at: row.createdAt,
  }
}

export async function createSession(
  ctx: SessionContext,
  userId: string,
  meta: { ip: string | null; userAgent: string | null },
  /** A transaction to insert in (register creates the user and its session atomically). */
  conn: Conn = ctx.db,
): Promise<{ token: string; session: AuthSession }> {
  const now = ctx.clock.now()
  const token = generateSessionToken()
  const absolute = new Date(now + ctx.config.sessionAbsoluteDays * DAY_MS)
  const idle = new Date(Math.min(now + ctx.config.sessionTtlDays * DAY_MS, absolute.getTime()))
  const row = await insertSession(conn, {
    id: uuidv7(now),
    userId,
    tokenHash: hashSessionToken(token, ctx.config.secretKey),
    createdAt: new Date(now),
    expiresAt: idle,
    absoluteExpiresAt: absolute,
    lastUsedAt: new Date(now),
    ipAddress: meta.ip ? meta.ip.slice(0, 45) : null,
    userAgent: meta.userAgent ? meta.userAgent.slice(0, 255) : null,
  })
  return { token, session: { id: row.id, created_at: row.createdAt, expires_at: row.expiresAt } }
}

export async function validateSessionToken(
  ctx: SessionContext,
  token: string,
): Promise<ValidatedSession | null> {
  if (!isWellFormedToken(token)) return null
  const hash = hashSessionToken(token, ctx.config.secretKey)
  const row = await findSessionByHash(ctx.db, hash)
  if (!row || !constantTimeEqual(row.token_hash, hash)) return null
  // Disabling deletes the sessions too; this also stops one that a sign-in racing it created.
  if (row.disabled_at) return null
  const now = ctx.clock.now()
  const absolute = row.absolute_expires_at.getTime()
  let expires = row.expires_at.getTime()
  if (now >= expires || now >= absolute) {
    await deleteSession(ctx.db, row.id)
    return null
  }
  const ttl = ctx.config.sessionTtlDays * DAY_MS
  let refreshed = false
  if (expires - now < ttl / 2 && expires < absolute) {
    expires = Math.min(now + ttl, absolute)
    refreshed = true
  }
  if (refreshed || now - row.last_used_at.getTime() >= LAST_USED_WRITE_INTERVAL_MS) {
    await touchSession(ctx.db, row.id, new Date(now), refreshed ? new Date(expires) : null)
  }
  return {
    user: authUserOf(ctx.config, {
      id: row.user_id,
      email: row.email,
      name: row.name,
      role: row.role,
      emailVerified: row.email_verified,
      mfaEnabled: row.mfa_enabled,
      createdAt: row.user_created_at,
    }),
    session: { id: row.id, created_at: row.created_at, expires_at: new Date(expires) },
    refreshed,
  }
}
