// Brute-force limits on password checks (docs/api.md §3), counted in the CounterStore (Redis when
// configured, so every instance sees the same counts), whether or not the account exists:
//
// - per normalised email AND client (IP, IPv6 by /64): 5 checks in 15 minutes; the 6th and later
//   from that client are refused (429) until the window passes, even with the right password. So
//   one attacker cannot lock the owner out from the owner's own network.
// - per email across all clients: 50 failed checks in an hour lock the account for everyone for
//   the rest of that hour (distributed guessing).
//
// Each check first reserves a count on both counters atomically (INCR) and is refused when that
// exceeds the limit, so concurrent guesses cannot slip past between a read and a write. A check
// refused by the account-wide lock hands its client reservation back (it tested nothing); a
// completed sign-in clears the client counter and hands back its account-wide reservation: the
// owner signing in neither counts as a failure nor wipes the failures that others piled up.
// Refused attempts never extend a window (fixed windows, started by the first check).
import { AppError, rateLimitedError } from '../errors.js'
import { type CounterStore, CounterStoreFullError, KEPT_PREFIX } from '../lib/counter-store.js'
import { HashQueueFullError } from './passwords.js'

export const CLIENT_MAX = 5
export const CLIENT_WINDOW_MS = 15 * 60_000
export const ACCOUNT_MAX = 50
export const ACCOUNT_WINDOW_MS = 60 * 60_000

export function clientLockKey(email: string, client: string): string {
  return `${KEPT_PREFIX}c:${client}:${email}`
}

export function accountLockKey(email: string): string {
  return `${KEPT_PREFIX}a:${email}`
}

export type LockScope = 'client' | 'account'

export type AttemptResult =
  | { locked: false; clientCount: number; accountCount: number }
  | { locked: true; scope: LockScope; retryAfterSeconds: number }

const seconds = (ttlMs: number) => Math.max(1, Math.ceil(ttlMs / 1000))

/** Reserves one password check for this email from this client; `locked` means refuse it unchecked. */
export async function beginAttempt(
  counters: CounterStore,
  email: string,
  client: string,
): Promise<AttemptResult> {
  try {
    const byClient = await counters.incr(clientLockKey(email, client), CLIENT_WINDOW_MS)
    if (byClient.count > CLIENT_MAX) {
      return { locked: true, scope: 'client', retryAfterSeconds: seconds(byClient.ttlMs) }
    }
    const byAccount = await counters.incr(accountLockKey(email), ACCOUNT_WINDOW_MS)
    if (byAccount.count > ACCOUNT_MAX) {
      await counters.decr(clientLockKey(email, client))
      return { locked: true, scope: 'account', retryAfterSeconds: seconds(byAccount.ttlMs) }
    }
    return { locked: false, clientCount: byClient.count, accountCount: byAccount.count }
  } catch (err) {
    if (err instanceof CounterStoreFullError) throw unavailable(60, err)
    throw err
  }
}

/** The password was right: this client starts afresh; the account-wide failures stay. */
export async function attemptSucceeded(counters: CounterStore, email: string, client: string) {
  await counters.reset(clientLockKey(email, client))
  await counters.decr(accountLockKey(email))
}

/** The check did not happen (the hash queue was full): hand both reservations back. */
export async function attemptAbandoned(counters: CounterStore, email: string, client: string) {
  await counters.decr(clientLockKey(email, client))
  await counters.decr(accountLockKey(email))
}

/** The counter this failed attempt used up, if any (for the auth.locked event). */
export function lockedBy(result: AttemptResult): LockScope | null {
  if (result.locked) return null
  if (result.accountCount === ACCOUNT_MAX) return 'account'
  if (result.clientCount === CLIENT_MAX) return 'client'
  return null
}

/**
 * A 429 for a refused attempt. Its RateLimit-* headers are the lockout's own (§6: every limited
 * response carries them), not those of RATE_LIMIT_AUTH that the hook set before: a 429 saying
 * `RateLimit-Remaining: 993` gave clients that read those headers nothing to wait for.
 */
export function lockedError(result: { retryAfterSeconds: number; scope?: LockScope }): AppError {
  return rateLimitedError(result.retryAfterSeconds, result.scope === 'account' ? ACCOUNT_MAX : CLIENT_MAX)
}

function unavailable(retryAfterSeconds: number, cause?: unknown): AppError {
  return new AppError('service_unavailable', {
    detail: 'Too many sign-in attempts are being counted; try again shortly',
    headers: { 'retry-after': String(retryAfterSeconds) },
    cause,
  })
}

/**
 * Runs one counted password check: refused when locked, reservations handed back when the hash
 * queue is full (HashQueueFullError, a 503), cleared on success. Returns whether the password was right and, on a
 * failure that used up an allowance, which one.
 */
export async function guardedCheck(
  counters: CounterStore,
  email: string,
  client: string,
  check: () => Promise<boolean>,
  /**
   * 'clear' (default): a right answer ends the attempt as a completed sign-in. 'keep': the right
   * password of an account with two-factor sign-in is only half of one (§13: the password step
   * does not clear the counters), so its reservation is handed back and the failures stay.
   * 'fail': the answer is refused like a wrong one (a disabled account, §14), so it counts like
   * one: clearing or handing back would tell a guesser, through the next attempt's 401 where a
   * 429 was due, which guess was right.
   */
  onSuccess: 'clear' | 'keep' | 'fail' = 'clear',
): Promise<
  | { outcome: 'locked'; scope: LockScope; error: AppError }
  | { outcome: 'ok' }
  | { outcome: 'wrong'; lockedBy: LockScope | null }
> {
  const attempt = await beginAttempt(counters, email, client)
  if (attempt.locked) return { outcome: 'locked', scope: attempt.scope, error: lockedError(attempt) }
  let ok: boolean
  try {
    ok = await check()
  } catch (err) {
    // Not checked, so neither a failure nor a success: hand the reservations back, answer 503.
    if (err instanceof HashQueueFullError) await attemptAbandoned(counters, email, client)
    throw err
  }
  if (!ok) return { outcome: 'wrong', lockedBy: lockedBy(attempt) }
  if (onSuccess === 'keep') await attemptAbandoned(counters, email, client)
  else if (onSuccess === 'clear') await attemptSucceeded(counters, email, client)
  return { outcome: 'ok' }
}
