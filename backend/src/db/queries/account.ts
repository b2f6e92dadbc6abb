// SQL for deleting an account (docs/api.md §13, §14): the spaces its checks look at, and the
// deletion whose cascades take sessions, conversations, memberships and MFA rows.
import { eq } from 'drizzle-orm'
import type { Conn, Executor } from '../client.js'
import { users } from '../schema/index.js'

/** Team spaces of which this user is a member, in any role. */
export async function teamSpacesOf(ex: Executor, userId: string): Promise<string[]> {
  const rows = await ex.query<{ id: string }>(
    `select s.id from spaces s join space_members m on m.space_id = s.id
     where s.kind = 'team' and m.user_id = $1 order by s.id`,
    [userId],
  )
  return rows.map((r) => String(r.id))
}

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

/** Personal space (with its documents) goes by cascade too; team-space documents stay, unattributed. */
export async function deleteUserRow(db: Conn, userId: string): Promise<boolean> {
  const rows = await db.orm.delete(users).where(eq(users.id, userId)).returning({ id: users.id })
  return rows.length > 0
}
