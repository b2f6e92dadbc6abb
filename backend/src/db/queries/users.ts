// SQL for users. Emails are stored normalised (trimmed, lower-cased); callers normalise first.
import { asc, eq, sql } from 'drizzle-orm'
import type { Orm } from '../client.js'
import { sessions, type UserRow, users } from '../schema/index.js'

export async function findUserByEmail(orm: Orm, email: string): Promise<UserRow | null> {
  const [row] = await orm.select().from(users).where(eq(users.email, email)).limit(1)
  return row ?? null
}

export async function findUserById(orm: Orm, id: string): Promise<UserRow | null> {
  const [row] = await orm.select().from(users).where(eq(users.id, id)).limit(1)
  return row ?? null
}

export interface NewUser {
  id: string
  email: string
  name: string | null
  passwordHash: string
  role?: 'user' | 'admin'
  createdAt: Date
}

/** Inserts a user; a concurrent insert of the same email surfaces as a unique violation (see isUniqueViolation). */
export async function insertUser(orm: Orm, user: NewUser): Promise<UserRow> {
  const [row] = await orm
    .insert(users)
    .values({ ...user, role: user.role ?? 'user', updatedAt: user.createdAt })
    .returning()
  return row as UserRow
}

export async function updatePasswordHash(orm: Orm, id: string, passwordHash: string, now: Date) {
  await orm.update(users).set({ passwordHash, updatedAt: now }).where(eq(users.id, id))
}

/** Returns false when no user has this email. */
export async function setUserRole(
  orm: Orm,
  email: string,
  role: 'user' | 'admin',
  now: Date,
): Promise<boolean> {
  const rows = await orm
    .update(users)
    .set({ role, updatedAt: now })
    .where(eq(users.email, email))
    .returning({ id: users.id })
  return rows.length > 0
}

export interface UserListRow {
  email: string
  role: string
  createdAt: Date
  sessions: number
}

/** Every user with their count of live sessions, oldest first. */
export async function listUsersWithSessionCounts(orm: Orm, now: Date): Promise<UserListRow[]> {
  const rows = await orm
    .select({
      email: users.email,
      role: users.role,
      createdAt: users.createdAt,
      // An ISO string, not a Date: inside raw sql`` drizzle does not map params for postgres-js.
      sessions: sql<number>`count(${sessions.id}) filter (where ${sessions.expiresAt} > ${now.toISOString()}::timestamptz and ${sessions.absoluteExpiresAt} > ${now.toISOString()}::timestamptz)`,
    })
    .from(users)
    .leftJoin(sessions, eq(sessions.userId, users.id))
    .groupBy(users.id)
    .orderBy(asc(users.createdAt), asc(users.email))
  return rows.map((r) => ({ ...r, sessions: Number(r.sessions) }))
}

/** Postgres unique_violation (SQLSTATE 23505), from either driver, possibly wrapped by drizzle. */
export function isUniqueViolation(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 5; i++) {
    if (e.code === '23505') return true
    e = e.cause as typeof e
  }
  return false
}
