// SQL for user administration (docs/api.md §14): the searchable users list, role and disabled
// state, last sign-in and the count of enabled admins.
import { and, asc, eq, gt, ilike, inArray, isNull, or, type SQL } from 'drizzle-orm'
import type { Conn } from '../client.js'
import { type UserRow, users } from '../schema/index.js'

export async function setLastSignIn(db: Conn, id: string, at: Date): Promise<void> {
  await db.orm.update(users).set({ lastSignInAt: at }).where(eq(users.id, id))
}

/** `%`, `_` and `\` are LIKE wildcards: escaped, the query matches as typed. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

/** Users by email (unique, so a stable order and cursor), optionally matching `query` in email or name. */
export async function listUsersPage(
  db: Conn,
  f: { query: string | null; afterEmail: string | null; limit: number },
): Promise<UserRow[]> {
  const where: SQL[] = []
  if (f.query) {
    const p = likePattern(f.query)
    where.push(or(ilike(users.email, p), ilike(users.name, p)) as SQL)
  }
  if (f.afterEmail !== null) where.push(gt(users.email, f.afterEmail))
  return db.orm
    .select()
    .from(users)
    .where(where.length > 0 ? and(...where) : undefined)
    .orderBy(asc(users.email))
    .limit(f.limit)
}

export async function updateUserAdmin(
  db: Conn,
  id: string,
  changes: { role?: 'user' | 'admin'; disabledAt?: Date | null },
  now: Date,
): Promise<UserRow | null> {
  const [row] = await db.orm
    .update(users)
    .set({ ...changes, updatedAt: now })
    .where(eq(users.id, id))
    .returning()
  return row ?? null
}

/**
 * The enabled admins other than `exceptId` (stored role, or a verified ADMIN_EMAILS address).
 * Every enabled admin's row is locked, in id order (no deadlock), the target's included: two
 * admins demoting, disabling or deleting each other at once serialise here and the second sees
 * the first's change, so the last admin cannot go.
 */
export async function countOtherEnabledAdmins(
  tx: Conn,
  exceptId: string,
  adminEmails: readonly string[],
): Promise<number> {
  const isAdmin =
    adminEmails.length > 0
      ? or(
          eq(users.role, 'admin'),
          and(inArray(users.email, [...adminEmails]), eq(users.emailVerified, true)),
        )
      : eq(users.role, 'admin')
  const rows = await tx.orm
    .select({ id: users.id })
    .from(users)
    .where(and(isAdmin, isNull(users.disabledAt)))
    .orderBy(asc(users.id))
    .for('update')
  return rows.filter((r) => r.id !== exceptId).length
}
