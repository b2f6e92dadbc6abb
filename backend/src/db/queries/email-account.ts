// SQL for the account changes that one-time links make (docs/api.md §12): verification by id and
// the change of email.
import { eq } from 'drizzle-orm'
import type { Conn } from '../client.js'
import { type UserRow, users } from '../schema/index.js'

export async function markVerified(db: Conn, userId: string, now: Date): Promise<void> {
  await db.orm.update(users).set({ emailVerified: true, updatedAt: now }).where(eq(users.id, userId))
}

/** The new address, verified by the link that reached it; a taken address is a unique violation. */
export async function changeUserEmail(
  db: Conn,
  userId: string,
  email: string,
  now: Date,
): Promise<UserRow | null> {
  const [row] = await db.orm
    .update(users)
    .set({ email, emailVerified: true, updatedAt: now })
    .where(eq(users.id, userId))
    .returning()
  return row ?? null
}

export async function emailOfUser(db: Conn, userId: string): Promise<string | null> {
  const [row] = await db.orm.select({ email: users.email }).from(users).where(eq(users.id, userId)).limit(1)
  return row?.email ?? null
}
