// SQL for users. Emails are stored normalised (trimmed, lower-cased); callers normalise first.
import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import { type Conn, type Database, withTransaction } from '../client.js'
import { sessions, type UserRow, users } from '../schema/index.js'
import { deleteUserApiKeys } from './api-keys.js'
import { insertAuditEvent, unattendedEvent } from './audit.js'
import { voidTokens } from './email-tokens.js'
import { disableMfa } from './mfa.js'
import { insertPersonalSpace } from './spaces.js'

export async function findUserByEmail(db: Conn, email: string): Promise<UserRow | null> {
  const [row] = await db.orm.select().from(users).where(eq(users.email, email)).limit(1)
  return row ?? null
}

export async function findUserById(db: Conn, id: string): Promise<UserRow | null> {
  const [row] = await db.orm.select().from(users).where(eq(users.id, id)).limit(1)
  return row ?? null
}

/**
 * The user's row, locked until the transaction ends (FOR NO KEY UPDATE: what a password change,
 * reset or disable takes to update it). What a password check grants is written under this lock, so
 * such a change either commits first (and is seen here) or waits and then revokes what was written.
 */
export async function lockUserRow(tx: Conn, id: string): Promise<UserRow | null> {
  const [row] = await tx.orm.select().from(users).where(eq(users.id, id)).for('no key update')
  return row ?? null
}

export interface NewUser {
  id: string
  email: string
  name: string | null
  passwordHash: string
  role?: 'user' | 'admin'
  /** Only the operator's own paths (CLI, ADMIN_PASSWORD) create verified accounts. */
  emailVerified?: boolean
  createdAt: Date
}

/** Inserts a user; a concurrent insert of the same email surfaces as a unique violation (see isUniqueViolation). */
export async function insertUser(db: Conn, user: NewUser): Promise<UserRow> {
  const [row] = await db.orm
    .insert(users)
    .values({
      ...user,
      role: user.role ?? 'user',
      emailVerified: user.emailVerified ?? false,
      updatedAt: user.createdAt,
    })
    .returning()
  return row as UserRow
}

export async function updatePasswordHash(db: Conn, id: string, passwordHash: string, now: Date) {
  await db.orm.update(users).set({ passwordHash, updatedAt: now }).where(eq(users.id, id))
}

/** Returns false when no user has this email. */
export async function setUserRole(
  db: Conn,
  email: string,
  role: 'user' | 'admin',
  now: Date,
): Promise<boolean> {
  const rows = await db.orm
    .update(users)
    .set({ role, updatedAt: now })
    .where(eq(users.email, email))
    .returning({ id: users.id })
  return rows.length > 0
}

/** Marks the email verified; false when no user has it. */
export async function setEmailVerified(db: Conn, email: string, now: Date): Promise<boolean> {
  const rows = await db.orm
    .update(users)
    .set({ emailVerified: true, updatedAt: now })
    .where(eq(users.email, email))
    .returning({ id: users.id })
  return rows.length > 0
}

export type ClaimOutcome =
  | { outcome: 'created' }
  | { outcome: 'claimed'; sessionsRevoked: number }
  | { outcome: 'untouched' }

/**
 * ADMIN_PASSWORD at start: the address gets a verified account with this password — a new one,
 * or the unverified one someone else may have registered first, whose sessions, API keys and second
 * factor are removed and emailed links voided. A
 * verified account is never touched. Safe when several instances run it at once (the insert and
 * the conditional update each succeed for one of them only). A new account gets its personal
 * space in the same transaction.
 */
export async function claimAdminAddress(
  db: Database,
  account: { id: string; email: string; passwordHash: string; now: Date; personalSpaceId: string },
): Promise<ClaimOutcome> {
  return withTransaction(db, async (conn) => {
    const tx = conn.orm
    const inserted = await tx
      .insert(users)
      .values({
        id: account.id,
        email: account.email,
        passwordHash: account.passwordHash,
        emailVerified: true,
        createdAt: account.now,
        updatedAt: account.now,
      })
      .onConflictDoNothing({ target: users.email })
      .returning({ id: users.id })
    // Audited in the same transaction (docs/api.md §14), by nobody signed in, as the CLI's changes are.
    const audit = (
      type: 'user_created' | 'email_verified' | 'password_reset',
      subjectId: string,
      details = {},
    ) =>
      insertAuditEvent(
        conn,
        unattendedEvent(type, subjectId, { ...details, via: 'admin_password' }, account.now),
      )
    if (inserted.length > 0) {
      await insertPersonalSpace(conn, account.id, account.personalSpaceId, account.now)
      await audit('user_created', account.id)
      return { outcome: 'created' }
    }
    const [claimed] = await tx
      .update(users)
      .set({ passwordHash: account.passwordHash, emailVerified: true, updatedAt: account.now })
      .where(and(eq(users.email, account.email), eq(users.emailVerified, false)))
      .returning({ id: users.id })
    if (!claimed) return { outcome: 'untouched' }
    const revoked = await tx
      .delete(sessions)
      .where(eq(sessions.userId, claimed.id))
      .returning({ id: sessions.id })
    // Whatever else the squatter holds that would act as the account or stand in its owner's way
    // (docs/api.md §1): API keys, its second factor, and emailed tokens (a change of email among
    // them would hand the address, and so the account, back to the squatter).
    const keysRevoked = await deleteUserApiKeys(conn, claimed.id)
    await disableMfa(conn, claimed.id, account.now)
    await voidTokens(conn, claimed.id, null, account.now)
    // The account's owner sees in their activity that the address was proved and the password set.
    await audit('email_verified', claimed.id)
    await audit('password_reset', claimed.id, {
      sessions_revoked: revoked.length,
      api_keys_revoked: keysRevoked,
    })
    return { outcome: 'claimed', sessionsRevoked: revoked.length }
  })
}

/** The stored role and verification of these emails (those with an account). */
export async function findUsersByEmails(
  db: Conn,
  emails: string[],
): Promise<{ email: string; role: string; emailVerified: boolean }[]> {
  if (emails.length === 0) return []
  return db.orm
    .select({ email: users.email, role: users.role, emailVerified: users.emailVerified })
    .from(users)
    .where(inArray(users.email, emails))
}

export interface UserListRow {
  email: string
  role: string
  emailVerified: boolean
  createdAt: Date
  sessions: number
}

/** Every user with their count of live sessions, oldest first. */
export async function listUsersWithSessionCounts(db: Conn, now: Date): Promise<UserListRow[]> {
  const rows = await db.orm
    .select({
      email: users.email,
      role: users.role,
      emailVerified: users.emailVerified,
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
