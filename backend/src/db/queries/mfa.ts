// SQL for two-factor sign-in (docs/api.md §13): the TOTP secret, recovery codes, sign-in challenges.
// The single-use rules are single statements (a conditional UPDATE or DELETE … RETURNING), so two
// requests racing with one code or one challenge cannot both win.
import { and, eq, gt, isNull, lt, or, type SQL, sql } from 'drizzle-orm'
import type { Conn } from '../client.js'
import { mfaChallenges, mfaRecoveryCodes, mfaTotp, users } from '../schema/index.js'

export interface TotpRow {
  secret: string
  enabledAt: Date | null
  lastStep: number | null
}

export async function findTotp(db: Conn, userId: string): Promise<TotpRow | null> {
  const [row] = await db.orm
    .select({ secret: mfaTotp.secret, enabledAt: mfaTotp.enabledAt, lastStep: mfaTotp.lastStep })
    .from(mfaTotp)
    .where(eq(mfaTotp.userId, userId))
    .limit(1)
  return row ?? null
}

/** Stores a new pending secret (replacing an earlier pending one); never touches an enabled one. */
export async function upsertPendingTotp(
  db: Conn,
  userId: string,
  secret: string,
  now: Date,
): Promise<boolean> {
  const rows = await db.orm
    .insert(mfaTotp)
    .values({ userId, secret, createdAt: now })
    .onConflictDoUpdate({
      target: mfaTotp.userId,
      set: { secret, createdAt: now, lastStep: null },
      setWhere: isNull(mfaTotp.enabledAt),
    })
    .returning({ userId: mfaTotp.userId })
  return rows.length > 0
}

/**
 * Records `step` as used when it is newer than every step used before: false means the code was
 * already used (or an older one after a newer), so the caller refuses it as a replay.
 */
export async function claimTotpStep(db: Conn, userId: string, step: number): Promise<boolean> {
  const rows = await db.orm
    .update(mfaTotp)
    .set({ lastStep: step })
    .where(and(eq(mfaTotp.userId, userId), or(isNull(mfaTotp.lastStep), lt(mfaTotp.lastStep, step))))
    .returning({ userId: mfaTotp.userId })
  return rows.length > 0
}

/**
 * Turns the pending secret on and marks the user; false when there was no pending secret, or when
 * it is no longer `secret` (the one the code was checked against: a setup meanwhile replaced it).
 */
export async function enableTotp(db: Conn, userId: string, secret: string, now: Date): Promise<boolean> {
  const rows = await db.orm
    .update(mfaTotp)
    .set({ enabledAt: now })
    .where(and(eq(mfaTotp.userId, userId), isNull(mfaTotp.enabledAt), eq(mfaTotp.secret, secret)))
    .returning({ userId: mfaTotp.userId })
  if (rows.length === 0) return false
  await db.orm.update(users).set({ mfaEnabled: true, updatedAt: now }).where(eq(users.id, userId))
  return true
}

/**
 * Removes the secret, the recovery codes and open challenges; the user is marked MFA-off. The user
 * row first: every transaction that writes a user's row and their challenges takes them in that
 * order (a second sign-in step too), so none can deadlock another.
 */
export async function disableMfa(db: Conn, userId: string, now: Date): Promise<void> {
  await db.orm.update(users).set({ mfaEnabled: false, updatedAt: now }).where(eq(users.id, userId))
  await db.orm.delete(mfaTotp).where(eq(mfaTotp.userId, userId))
  await db.orm.delete(mfaRecoveryCodes).where(eq(mfaRecoveryCodes.userId, userId))
  await db.orm.delete(mfaChallenges).where(eq(mfaChallenges.userId, userId))
}

/** The user's recovery codes become exactly these (the old ones die). */
export async function replaceRecoveryCodes(db: Conn, userId: string, hashes: string[], now: Date) {
  await db.orm.delete(mfaRecoveryCodes).where(eq(mfaRecoveryCodes.userId, userId))
  await db.orm
    .insert(mfaRecoveryCodes)
    .values(hashes.map((codeHash) => ({ userId, codeHash, createdAt: now })))
}

/** Uses one recovery code; false when it is not the user's or was used before. */
export async function useRecoveryCode(
  db: Conn,
  userId: string,
  codeHash: string,
  now: Date,
): Promise<boolean> {
  const rows = await db.orm
    .update(mfaRecoveryCodes)
    .set({ usedAt: now })
    .where(
      and(
        eq(mfaRecoveryCodes.userId, userId),
        eq(mfaRecoveryCodes.codeHash, codeHash),
        isNull(mfaRecoveryCodes.usedAt),
      ),
    )
    .returning({ userId: mfaRecoveryCodes.userId })
  return rows.length > 0
}

export async function countUnusedRecoveryCodes(db: Conn, userId: string): Promise<number> {
  const [row] = await db.orm
    .select({ n: sql<number>`count(*)` })
    .from(mfaRecoveryCodes)
    .where(and(eq(mfaRecoveryCodes.userId, userId), isNull(mfaRecoveryCodes.usedAt)))
  return Number(row?.n ?? 0)
}

export async function insertChallenge(
  db: Conn,
  c: { id: string; userId: string; tokenHash: string; expiresAt: Date; now: Date },
) {
  await db.orm.insert(mfaChallenges).values({
    id: c.id,
    userId: c.userId,
    tokenHash: c.tokenHash,
    expiresAt: c.expiresAt,
    createdAt: c.now,
  })
}

/**
 * Spends one try of a live challenge: its user and the tries used so far (this one included), or
 * null when it is unknown, expired or has used all `maxTries`.
 */
export async function spendChallengeTry(
  db: Conn,
  tokenHash: string,
  now: Date,
  maxTries: number,
): Promise<{ id: string; userId: string; tries: number } | null> {
  const [row] = await db.orm
    .update(mfaChallenges)
    .set({ tries: sql`${mfaChallenges.tries} + 1` })
    .where(
      and(
        eq(mfaChallenges.tokenHash, tokenHash),
        gt(mfaChallenges.expiresAt, now),
        lt(mfaChallenges.tries, maxTries),
      ),
    )
    .returning({ id: mfaChallenges.id, userId: mfaChallenges.userId, tries: mfaChallenges.tries })
  return row ?? null
}

/** A live challenge's user (unknown, expired or used up: null); spends nothing. */
export async function challengeIsLive(
  db: Conn,
  tokenHash: string,
  now: Date,
  maxTries: number,
): Promise<{ userId: string } | null> {
  const [row] = await db.orm
    .select({ userId: mfaChallenges.userId })
    .from(mfaChallenges)
    .where(
      and(
        eq(mfaChallenges.tokenHash, tokenHash),
        gt(mfaChallenges.expiresAt, now),
        lt(mfaChallenges.tries, maxTries),
      ),
    )
    .limit(1)
  return row ?? null
}

/** A challenge ends when it is used: false when another request consumed it first. */
export async function deleteChallenge(db: Conn, id: string): Promise<boolean> {
  const rows = await db.orm
    .delete(mfaChallenges)
    .where(eq(mfaChallenges.id, id))
    .returning({ id: mfaChallenges.id })
  return rows.length > 0
}

/**
 * Ends the user's open sign-in challenges: a password change or reset voids a password step taken
 * with the old password (false-free: a challenge being used right now makes this wait for it).
 */
export async function deleteUserChallenges(db: Conn, userId: string): Promise<number> {
  return deleteChallengesWhere(db, eq(mfaChallenges.userId, userId))
}

export async function deleteExpiredChallenges(db: Conn, now: Date): Promise<number> {
  return deleteChallengesWhere(db, lt(mfaChallenges.expiresAt, now))
}

async function deleteChallengesWhere(db: Conn, where: SQL): Promise<number> {
  const rows = await db.orm.delete(mfaChallenges).where(where).returning({ id: mfaChallenges.id })
  return rows.length
}
