// SQL for the one-time tokens of emailed or handed-out links (docs/api.md §12). Tokens are found by
// the hash of their value; a token is used once (the update that spends it is conditional).
import { and, eq, gt, isNull, ne, sql } from 'drizzle-orm'
import type { Conn } from '../client.js'
import { type EmailTokenRow, emailTokens } from '../schema/index.js'

export type TokenPurpose = EmailTokenRow['purpose']

export async function insertEmailToken(
  db: Conn,
  row: Omit<EmailTokenRow, 'usedAt' | 'newEmail'> & { newEmail?: string | null },
): Promise<void> {
  await db.orm.insert(emailTokens).values({ ...row, newEmail: row.newEmail ?? null, usedAt: null })
}

/** The live (unused, unexpired) token with this hash, or null. */
export async function findLiveToken(db: Conn, tokenHash: string, now: Date): Promise<EmailTokenRow | null> {
  const [row] = await db.orm
    .select()
    .from(emailTokens)
    .where(
      and(eq(emailTokens.tokenHash, tokenHash), isNull(emailTokens.usedAt), gt(emailTokens.expiresAt, now)),
    )
    .limit(1)
  return row ?? null
}

/** Spends the token: true for the one caller that found it unused (a race gives the other false). */
export async function spendToken(db: Conn, id: string, now: Date): Promise<boolean> {
  const rows = await db.orm
    .update(emailTokens)
    .set({ usedAt: now })
    .where(and(eq(emailTokens.id, id), isNull(emailTokens.usedAt)))
    .returning({ id: emailTokens.id })
  return rows.length > 0
}

/**
 * Voids the user's unused tokens (of one purpose, or of every purpose), except `exceptId`: a newer
 * request voids older links, a completed reset voids every other link.
 */
export async function voidTokens(
  db: Conn,
  userId: string,
  purpose: TokenPurpose | null,
  now: Date,
  exceptId?: string,
): Promise<number> {
  const where = [eq(emailTokens.userId, userId), isNull(emailTokens.usedAt)]
  if (purpose) where.push(eq(emailTokens.purpose, purpose))
  if (exceptId) where.push(ne(emailTokens.id, exceptId))
  const rows = await db.orm
    .update(emailTokens)
    .set({ usedAt: now })
    .where(and(...where))
    .returning({ id: emailTokens.id })
  return rows.length
}

/** Tokens past their expiry or spent more than a day ago (run by the periodic sweep). */
export async function deleteDeadTokens(db: Conn, now: Date): Promise<number> {
  const dayAgo = new Date(now.getTime() - 86_400_000)
  const rows = await db.orm
    .delete(emailTokens)
    .where(
      sql`${emailTokens.expiresAt} < ${now.toISOString()}::timestamptz or ${emailTokens.usedAt} < ${dayAgo.toISOString()}::timestamptz`,
    )
    .returning({ id: emailTokens.id })
  return rows.length
}
