// docs/api.md §8: at most 3 answers per user are generated at once; the 4th is 429 rate_limited.
// The slots live in the counter store, so with REDIS_URL they hold across instances: slot i of
// a user is the key `answers:<user>:<i>`, taken by the request whose increment made it 1 and
// freed by deleting it. A slot also expires after its lease, so one held by an instance that
// died is not lost for good; answers are bounded in time (LLM_TIMEOUT_SECONDS × 5 and their
// delivery), and the lease is longer than that.
import type { FastifyBaseLogger } from 'fastify'
import { rateLimitedError } from '../errors.js'
import type { CounterStore } from '../lib/counter-store.js'

export const ANSWERS_PER_USER = 3
/** What a refused request is told to wait: answers usually take seconds. */
export const ANSWER_SLOT_RETRY_AFTER_SECONDS = 5

/** Frees the slot; idempotent, never rejects. Awaited before the answer's last byte is sent. */
export type ReleaseSlot = () => Promise<void>

export interface AnswerSlots {
  /** Takes one of the user's slots, or throws 429 rate_limited; the release is idempotent. */
  acquire(userId: string): Promise<ReleaseSlot>
}

export function answerSlots(
  counters: CounterStore,
  opts: { leaseMs: number; log: FastifyBaseLogger; perUser?: number },
): AnswerSlots {
  const perUser = opts.perUser ?? ANSWERS_PER_USER
  return {
    async acquire(userId) {
      for (let i = 0; i < perUser; i++) {
        const key = `answers:${userId}:${i}`
        const { count } = await counters.incr(key, opts.leaseMs)
        if (count === 1) return releaser(counters, key, opts.log)
      }
      throw rateLimitedError(ANSWER_SLOT_RETRY_AFTER_SECONDS, perUser)
    },
  }
}

function releaser(counters: CounterStore, key: string, log: FastifyBaseLogger): ReleaseSlot {
  let released: Promise<void> | null = null
  return () => {
    // A failed delete leaves the slot to its lease; it never fails the answer.
    released ??= counters.reset(key).catch((err: unknown) => {
      log.warn({ err, key }, 'answer slot not released')
    })
    return released
  }
}
