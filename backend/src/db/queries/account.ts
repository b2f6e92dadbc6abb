// SQL for deleting one's own account (docs/api.md §13): the checks that must hold under locks,
// and the deletion whose cascades take sessions, conversations, memberships and MFA rows.
import { and, eq, inArray, ne, or, sql } from 'drizzle-orm'
import type { Conn, Executor } from '../client.js'
import { users } from '../schema/index.js'

/** Team spaces in which this user holds the owner role. */
export async function teamSpacesOwnedBy(ex: Executor, userId: string): Promise<string[]> {
  const rows = await ex.query<{ id: string }>(
    `select s.id from spaces s join space_members m on m.space_id = s.id
     where s.kind = 'team' and m.user_id = $1 and m.role = 'owner' order by s.id`,
    [userId],
  )
  return rows.map((r) => String(r.id))
}

export async function personalSpaceOf(ex: Executor, userId: string): Promise<string | null> {
  const rows = await ex.query<{ id: string }>(
    "select id from spaces where kind = 'personal' and owner_id = $1",
    [userId],
  )
  return rows[0] ? String(rows[0].id) : null
}

/** Serialises admin departures: two last admins leaving at once cannot both see the other stay. */
const LOCK_ADMINS = 72_600_211

export async function lockAdmins(tx: Executor): Promise<void> {
  await tx.query('select pg_advisory_xact_lock($1)', [LOCK_ADMINS])
}

/** Admins other than this user: a stored admin role, or a verified ADMIN_EMAILS address. */
export async function countOtherAdmins(db: Conn, userId: string, adminEmails: string[]): Promise<number> {
  const isAdmin =
    adminEmails.length > 0
      ? or(eq(users.role, 'admin'), and(eq(users.emailVerified, true), inArray(users.email, adminEmails)))
      : eq(users.role, 'admin')
  const [row] = await db.orm
    .select({ n: sql<number>`count(*)` })
    .from(users)
    .where(and(ne(users.id, userId), isAdmin))
  return Number(row?.n ?? 0)
}

export async function deleteUserRow(db: Conn, userId: string): Promise<boolean> {
  const rows = await db.orm.delete(users).where(eq(users.id, userId)).returning({ id: users.id })
  return rows.length > 0
}
