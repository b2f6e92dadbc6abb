// Per-account brute-force limit (contract §3): failed password checks for one normalised email are
// counted in the CounterStore (Redis when configured, so every instance sees the same count),
// whatever the client IP and whether or not the account exists.
//
// Each password check first increments the counter atomically and is refused (429) when that makes
// it exceed LOCKOUT_MAX — so concurrent guesses cannot slip past the limit between a read and a
// write, and at most LOCKOUT_MAX passwords are ever verified per window. A successful check clears
// the counter (as Better Auth and Lucia's examples do): a user who mistypes a few times and then
// gets it right starts afresh. Once locked, even the right password is refused until the fixed
// window (started by the first failure) passes; refused attempts do not extend it.
import type { CounterStore } from '../http/counter-store.js'

export const LOCKOUT_MAX = 5
export const LOCKOUT_WINDOW_MS = 15 * 60_000

export function lockoutKey(email: string): string {
  return `lockout:${email}`
}

export type AttemptResult = { locked: false; count: number } | { locked: true; retryAfterSeconds: number }

/** Counts one password check for this email; `locked` means refuse it without checking. */
export async function beginAttempt(counters: CounterStore, email: string): Promise<AttemptResult> {
  const { count, ttlMs } = await counters.incr(lockoutKey(email), LOCKOUT_WINDOW_MS)
  if (count > LOCKOUT_MAX) return { locked: true, retryAfterSeconds: Math.max(1, Math.ceil(ttlMs / 1000)) }
  return { locked: false, count }
}

/** The password was right: forget the earlier failures. */
export async function clearAttempts(counters: CounterStore, email: string): Promise<void> {
  await counters.reset(lockoutKey(email))
}

/** True when this failed attempt was the one that used up the allowance (for the auth.locked event). */
export function isLockingFailure(result: AttemptResult): boolean {
  return !result.locked && result.count === LOCKOUT_MAX
}
