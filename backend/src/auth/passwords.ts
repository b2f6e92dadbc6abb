// Password hashing (argon2id, OWASP parameters set explicitly) and the password policy:
// 8–256 characters counted as Unicode code points after NFC normalisation, never truncated, refused only when the
// lower-cased password is a common password or is the email / its local part (docs/api.md §3).
import { randomBytes } from 'node:crypto'
import { availableParallelism } from 'node:os'
import { type Algorithm, hash, type Options, parseOptions, verify } from '@node-rs/argon2'
import { AppError } from '../errors.js'

/** OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1. Set explicitly, not trusted to defaults. */
export const ARGON2_PARAMS = {
  // Algorithm is a const enum in the typings (not usable with isolatedModules): 2 = Argon2id.
  algorithm: 2 as Algorithm,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
  outputLen: 32,
} as const satisfies Options

export const PASSWORD_MIN = 8
export const PASSWORD_MAX = 256

/**
 * Canonical form that is hashed and checked: NFC, so the same password typed on systems that
 * compose accents differently (macOS vs Windows keyboards) still matches. Nothing is cut off.
 */
export function normalizePassword(password: string): string {
  return password.normalize('NFC')
}

/** Length in code points (what a person counts as characters; an emoji is one, not two). */
export function passwordLength(password: string): number {
  let n = 0
  for (const _ of password) n++
  return n
}

/**
 * At most this many argon2 computations run at once, one core left for the event loop. Each
 * takes ~24 ms of a core; with 50 sign-ins at once the libuv pool ran 4 of them on a 2-core
 * machine and the event loop waited for a core (delay p99 25–80 ms, bench/RESULTS.md). The
 * others wait in a bounded queue, in arrival order.
 */
export const HASH_CONCURRENCY = Math.max(1, availableParallelism() - 1)
/**
 * Waiting hashes beyond running ones. 64 per slot is about 1.5 s of waiting at ~24 ms each, and
 * holds the bench's burst of 50 simultaneous sign-ins on a 2-core host (one slot): with 32, 17 of
 * every 50 were refused (npm run bench, 2026-12-05). A burst beyond that is answered 503 at once
 * instead of making honest users wait minutes.
 */
export const HASH_QUEUE_MAX = HASH_CONCURRENCY * 64

/** The hash queue is full: rendered as 503 `service_unavailable` with Retry-After, not a wait. */
export class HashQueueFullError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super('service_unavailable', {
      detail: 'Too many password checks are waiting; try again shortly',
      headers: { 'retry-after': String(retryAfterSeconds) },
    })
    this.name = 'HashQueueFullError'
  }
}

/** A concurrency limit with a bounded FIFO queue of waiters. */
export class HashQueue {
  private running = 0
  private readonly waiters: (() => void)[] = []
  /** Moving average of one computation's duration, for the Retry-After estimate. */
  private avgMs = 50

  constructor(
    readonly concurrency: number,
    readonly maxWaiting: number,
  ) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running < this.concurrency) this.running++
    else if (this.waiters.length >= this.maxWaiting) throw new HashQueueFullError(this.retryAfterSeconds())
    else await new Promise<void>((resolve) => this.waiters.push(resolve))
    const started = performance.now()
    try {
      return await work()
    } finally {
      this.avgMs = 0.8 * this.avgMs + 0.2 * (performance.now() - started)
      // Hand the slot straight to the next waiter, or free it.
      const next = this.waiters.shift()
      if (next) next()
      else this.running--
    }
  }

  /** Time for the queue ahead to drain, at least a second. */
  retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(((this.waiters.length + 1) * this.avgMs) / this.concurrency / 1000))
  }

  load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiters.length }
  }
}

const hashQueue = new HashQueue(HASH_CONCURRENCY, HASH_QUEUE_MAX)

/** The number of argon2 computations running and waiting (for tests and diagnostics). */
export function hashLoad(): { running: number; waiting: number } {
  return hashQueue.load()
}

/** Hashes on the libuv thread pool, off the event loop. Throws HashQueueFullError when saturated. */
export function hashPassword(password: string): Promise<string> {
  return hashQueue.run(() => hash(normalizePassword(password), ARGON2_PARAMS))
}

/**
 * False for a wrong password and for a stored hash that cannot be decoded. Throws only
 * HashQueueFullError (the check did not happen, so it is neither a success nor a failure).
 */
export function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  return hashQueue.run(async () => {
    try {
      return await verify(storedHash, normalizePassword(password))
    } catch {
      return false
    }
  })
}

/** True when the stored hash was made with other parameters than today's (rehash on sign-in). */
export function needsRehash(storedHash: string): boolean {
  try {
    const p = parseOptions(storedHash)
    return (
      p.algorithm !== ARGON2_PARAMS.algorithm ||
      p.memoryCost !== ARGON2_PARAMS.memoryCost ||
      p.timeCost !== ARGON2_PARAMS.timeCost ||
      p.parallelism !== ARGON2_PARAMS.parallelism ||
      p.outputLen !== ARGON2_PARAMS.outputLen ||
      // 1 = version 0x13, the current one.
      p.version !== 1
    )
  } catch {
    return true
  }
}

let dummyHash: Promise<string> | null = null

/**
 * A hash of a random password, computed once: sign-in with an unknown email verifies against it
 * so that it costs the same as a wrong password.
 */
export function getDummyHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(24).toString('base64url'))
  return dummyHash
}

let commonPasswords: Promise<Set<string>> | null = null

/** The `passwords` dictionary of @zxcvbn-ts/language-common (~49k entries), loaded into a Set once. */
export function loadCommonPasswords(): Promise<Set<string>> {
  commonPasswords ??= import('@zxcvbn-ts/language-common').then(
    ({ dictionary }) => new Set(dictionary['passwords-common'].map((p) => p.toLowerCase())),
  )
  return commonPasswords
}

export type PasswordProblem = 'too_short' | 'too_long' | 'common' | 'matches_email'

/** Why a new password is refused, or null when it is acceptable. `email` is already normalised. */
export async function passwordProblem(password: string, email: string): Promise<PasswordProblem | null> {
  // Counted on the form that is hashed: a decomposed accent is one character, not two.
  const normalized = normalizePassword(password)
  const length = passwordLength(normalized)
  if (length < PASSWORD_MIN) return 'too_short'
  if (length > PASSWORD_MAX) return 'too_long'
  const lower = normalized.toLowerCase()
  if ((await loadCommonPasswords()).has(lower)) return 'common'
  const at = email.lastIndexOf('@')
  const local = at > 0 ? email.slice(0, at) : email
  if (lower === email.toLowerCase() || lower === local.toLowerCase()) return 'matches_email'
  return null
}

export const PASSWORD_PROBLEM_MESSAGES: Record<PasswordProblem, string> = {
  too_short: `Password must be at least ${PASSWORD_MIN} characters`,
  too_long: `Password must be at most ${PASSWORD_MAX} characters`,
  common: 'This password is too common; choose another',
  matches_email: 'The password must not be your email address',
}
