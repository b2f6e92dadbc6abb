// SQL for sessions. The lookup is the hot path of every authenticated request: one indexed join,
// raw SQL so the driver can keep it prepared.
import { and, eq, lt, ne, or } from 'drizzle-orm'
import { type Conn, type Database, type Executor, toDate } from '../client.js'
import { type SessionRow, sessions } from '../schema/index.js'

export interface SessionWithUser {
  id: string
  user_id: string
  token_hash: string
  created_at: Date
  expires_at: Date
  absolute_expires_at: Date
  last_used_at: Date
  email: string
  name: string | null
  role: string
  email_verified: boolean
  user_created_at: Date
}

const LOOKUP = `select s.id, s.user_id, s.token_hash, s.created_at, s.expires_at, s.absolute_expires_at,
  s.last_used_at, u.email, u.name, u.role, u.email_verified, u.created_at as user_created_at
  from sessions s join users u on u.id = s.user_id where s.token_hash = $1`

export async function findSessionByHash(db: Executor, tokenHash: string): Promise<SessionWithUser | null> {
  const rows = await db.query<SessionWithUser>(LOOKUP, [tokenHash])
  const row = rows[0]
  if (!row) return null
  // postgres-js hands raw-query timestamps back as strings; PGlite as Dates.
  return {
    ...row,
    created_at: toDate(row.created_at),
    expires_at: toDate(row.expires_at),
    absolute_expires_at: toDate(row.absolute_expires_at),
    last_used_at: toDate(row.last_used_at),
    user_created_at: toDate(row.user_created_at),
  }
}

export async function insertSession(
  db: Conn,
  row: Omit<SessionRow, 'lastUsedAt'> & { lastUsedAt?: Date },
): Promise<SessionRow> {
  const [created] = await db.orm.insert(sessions).values(row).returning()
  return created as SessionRow
}

/** Timestamps go in as ISO strings: drizzle swaps postgres-js' Date serializer out, so a raw Date param fails there. */
export async function touchSession(db: Executor, id: string, lastUsedAt: Date, expiresAt: Date | null) {
  if (expiresAt) {
    await db.query(
      'update sessions set last_used_at = $2::timestamptz, expires_at = $3::timestamptz where id = $1',
      [id, lastUsedAt.toISOString(), expiresAt.toISOString()],
    )
  } else {
    await db.query('update sessions set last_used_at = $2::timestamptz where id = $1', [
      id,
      lastUsedAt.toISOString(),
    ])
  }
}

export async function deleteSession(db: Conn, id: string): Promise<void> {
  await db.orm.delete(sessions).where(eq(sessions.id, id))
}

/** Deletes one session of a user; false when it is not theirs (or does not exist). */
export async function deleteUserSession(db: Conn, userId: string, id: string): Promise<boolean> {
  const rows = await db.orm
    .delete(sessions)
    .where(and(eq(sessions.id, id), eq(sessions.userId, userId)))
    .returning({ id: sessions.id })
  return rows.length > 0
}

export async function deleteUserSessions(db: Conn, userId: string, exceptId?: string): Promise<number> {
  const where = exceptId
    ? and(eq(sessions.userId, userId), ne(sessions.id, exceptId))
    : eq(sessions.userId, userId)
  const rows = await db.orm.delete(sessions).where(where).returning({ id: sessions.id })
  return rows.length
}

export async function listUserSessions(db: Conn, userId: string, now: Date): Promise<SessionRow[]> {
  const rows = await db.orm.select().from(sessions).where(eq(sessions.userId, userId))
  return rows
    .filter((s) => s.expiresAt > now && s.absoluteExpiresAt > now)
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
}

export async function deleteExpiredSessions(db: Database, now: Date): Promise<number> {
  const rows = await db.orm
    .delete(sessions)
    .where(or(lt(sessions.expiresAt, now), lt(sessions.absoluteExpiresAt, now)))
    .returning({ id: sessions.id })
  return rows.length
}
