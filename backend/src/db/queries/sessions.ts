// SQL for sessions. The lookup is the hot path of every authenticated request: one indexed join,
// prepared (see `prepared`).
import { and, eq, lt, ne, or, sql } from 'drizzle-orm'
import { type Conn, type Orm, preparedPer } from '../client.js'
import { type SessionRow, sessions, users } from '../schema/index.js'

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
  mfa_enabled: boolean
  user_created_at: Date
  disabled_at: Date | null
}

/**
 * A timestamp placeholder, filled with ISO text: drizzle's update typing takes no bare
 * placeholder, and text is what both drivers accept for timestamptz.
 */
const at = (name: string) => sql`${sql.placeholder(name)}::timestamptz`

/**
 * The per-request statements, built once per connection scope and sent as named statements:
 * postgres-js sends an unnamed query with parameters as Parse/Describe, waits, then Bind/Execute
 * (two round trips each time); prepared, it is one Bind/Execute after the first use per
 * connection (bench: 2–3× the session lookup's req/s).
 */
function buildStatements(orm: Orm) {
  return {
    lookup: orm
      .select({
        id: sessions.id,
        user_id: sessions.userId,
        token_hash: sessions.tokenHash,
        created_at: sessions.createdAt,
        expires_at: sessions.expiresAt,
        absolute_expires_at: sessions.absoluteExpiresAt,
        last_used_at: sessions.lastUsedAt,
        email: users.email,
        name: users.name,
        role: users.role,
        email_verified: users.emailVerified,
        mfa_enabled: users.mfaEnabled,
        user_created_at: users.createdAt,
        disabled_at: users.disabledAt,
      })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(sessions.tokenHash, sql.placeholder('tokenHash')))
      .prepare('session_lookup'),
    touch: orm
      .update(sessions)
      .set({ lastUsedAt: at('lastUsedAt') })
      .where(eq(sessions.id, sql.placeholder('id')))
      .prepare('session_touch'),
    touchAndExtend: orm
      .update(sessions)
      .set({ lastUsedAt: at('lastUsedAt'), expiresAt: at('expiresAt') })
      .where(eq(sessions.id, sql.placeholder('id')))
      .prepare('session_touch_extend'),
  }
}

const prepared = preparedPer(buildStatements)

export async function findSessionByHash(db: Conn, tokenHash: string): Promise<SessionWithUser | null> {
  const [row] = await prepared(db).lookup.execute({ tokenHash })
  return row ?? null
}

export async function insertSession(
  db: Conn,
  row: Omit<SessionRow, 'lastUsedAt'> & { lastUsedAt?: Date },
): Promise<SessionRow> {
  const [created] = await db.orm.insert(sessions).values(row).returning()
  return created as SessionRow
}

export async function touchSession(db: Conn, id: string, lastUsedAt: Date, expiresAt: Date | null) {
  const last = lastUsedAt.toISOString()
  if (expiresAt)
    await prepared(db).touchAndExtend.execute({ id, lastUsedAt: last, expiresAt: expiresAt.toISOString() })
  else await prepared(db).touch.execute({ id, lastUsedAt: last })
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

export async function deleteExpiredSessions(db: Conn, now: Date): Promise<number> {
  const rows = await db.orm
    .delete(sessions)
    .where(or(lt(sessions.expiresAt, now), lt(sessions.absoluteExpiresAt, now)))
    .returning({ id: sessions.id })
  return rows.length
}
