// Re-authentication before sensitive changes (docs/api.md §13): the current password in the body,
// counted toward the same lockout as sign-in, so a stolen session cannot guess it freely. The one
// password re-check of every route that asks for it (MFA, account deletion, API keys, password).
import type { FastifyRequest } from 'fastify'
import type { Conn, Database } from '../db/client.js'
import { findUserById, lockUserRow } from '../db/queries/users.js'
import type { UserRow } from '../db/schema/index.js'
import { AppError } from '../errors.js'
import { clientKey } from '../lib/client-key.js'
import type { Clock } from '../lib/clock.js'
import type { CounterStore } from '../lib/counter-store.js'
import { writeOwnAudit } from './audit.js'
import { type AuthEventFields, logAuthEvent } from './events.js'
import { guardedCheck } from './lockout.js'
import { verifyPassword } from './passwords.js'
import type { AuthUser } from './sessions.js'

/** Throws 422 invalid_current_password (or 429 when locked); returns the stored user row. */
export async function reauthenticate(
  deps: { db: Database; counters: CounterStore; clock: Clock },
  request: FastifyRequest,
  user: AuthUser,
  password: string,
  opts: { context?: NonNullable<AuthEventFields['context']> } = {},
) {
  const context = opts.context ?? 'reauth'
  const row = await findUserById(deps.db, user.id)
  if (!row) throw new AppError('invalid_session')
  // With two-factor sign-in on, the right password is half of a sign-in (as in routes-sign-in):
  // it must not clear the failures, or a stolen session that knows the password could clear the
  // count of wrong codes (mfa/disable) between guesses.
  const check = await guardedCheck(
    deps.counters,
    user.email,
    clientKey(request.ip),
    () => verifyPassword(row.passwordHash, password),
    row.mfaEnabled ? 'keep' : 'clear',
  )
  if (check.outcome === 'locked') {
    logAuthEvent(request, 'auth.sign_in_failed', { user_id: user.id, reason: 'locked', context })
    throw check.error
  }
  if (check.outcome === 'wrong') {
    logAuthEvent(request, 'auth.sign_in_failed', { user_id: user.id, reason: 'wrong_password', context })
    // Audited on every route that asks: the person's own activity shows each wrong guess.
    await writeOwnAudit(deps.db, deps.clock, request, user, 'sign_in_failed', {
      reason: 'wrong_password',
      context,
    })
    if (check.lockedBy) logAuthEvent(request, 'auth.locked', { user_id: user.id, scope: check.lockedBy })
    throw new AppError('invalid_current_password')
  }
  return row
}

/** The password given was right when checked, but is no longer the account's (changed meanwhile). */
export const passwordChanged = () =>
  new AppError('invalid_current_password', { detail: 'Your password was changed meanwhile' })

/**
 * Inside the transaction that writes what a password check granted (a session, a sign-in challenge,
 * an API key, an emailed link): locks the user's row and returns it while the password that was
 * checked is still the account's and the account is enabled, else null. The check itself (argon2,
 * queued) ends well before this write: a password change, reset or disable that committed meanwhile
 * is seen here, and one that comes later waits for this transaction, then revokes what it wrote.
 */
export async function checkedPasswordStands(
  tx: Conn,
  userId: string,
  checkedHash: string,
): Promise<UserRow | null> {
  const row = await lockUserRow(tx, userId)
  return row && !row.disabledAt && row.passwordHash === checkedHash ? row : null
}
