// The lockout rules of docs/api.md §3 on the in-process store with a fake clock. The same rules on
// Redis (real time, no clock travel) are in integration/lockout-store.test.ts.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  ACCOUNT_MAX,
  ACCOUNT_WINDOW_MS,
  attemptAbandoned,
  attemptSucceeded,
  beginAttempt,
  CLIENT_MAX,
  CLIENT_WINDOW_MS,
  guardedCheck,
  lockedBy,
} from '../../src/auth/lockout.js'
import { HashQueueFullError } from '../../src/auth/passwords.js'
import { FakeClock } from '../../src/lib/clock.js'
import { MemoryCounterStore } from '../../src/lib/counter-store.js'
import { lockoutRules } from '../helpers/lockout-rules.js'

const MINUTE = 60_000
const newStore = (clock = new FakeClock()) => new MemoryCounterStore(clock, { sweepIntervalMs: 0 })

describe('lockout rules on the in-process store', () => {
  lockoutRules(() => newStore())
})

describe('lockout windows (fake clock)', () => {
  it('per client: 5 checks in 15 minutes; refused attempts do not extend the window', async () => {
    const clock = new FakeClock()
    const store = newStore(clock)
    for (let i = 1; i <= CLIENT_MAX; i++) {
      const r = await beginAttempt(store, 'a@example.com', '192.0.2.1')
      assert.deepEqual(r, { locked: false, clientCount: i, accountCount: i })
      assert.equal(lockedBy(r), i === CLIENT_MAX ? 'client' : null)
    }
    clock.advance(5 * MINUTE)
    assert.deepEqual(await beginAttempt(store, 'a@example.com', '192.0.2.1'), {
      locked: true,
      scope: 'client',
      retryAfterSeconds: 600,
    })
    clock.advance(10 * MINUTE - 1)
    assert.deepEqual(await beginAttempt(store, 'a@example.com', '192.0.2.1'), {
      locked: true,
      scope: 'client',
      retryAfterSeconds: 1,
    })
    clock.advance(1)
    const again = await beginAttempt(store, 'a@example.com', '192.0.2.1')
    assert.equal(again.locked, false)
    assert.equal(CLIENT_WINDOW_MS, 15 * MINUTE)
  })

  it('per account: 50 failures from 50 clients lock it for everyone for the rest of the hour', async () => {
    const clock = new FakeClock()
    const store = newStore(clock)
    for (let i = 1; i <= ACCOUNT_MAX; i++) {
      const r = await beginAttempt(store, 'v@example.com', `198.51.100.${i}`)
      assert.equal(r.locked, false)
      assert.equal(lockedBy(r), i === ACCOUNT_MAX ? 'account' : null)
      clock.advance(MINUTE)
    }
    // 50 minutes in: 10 minutes of the hour are left, for a client never seen before too.
    assert.deepEqual(await beginAttempt(store, 'v@example.com', '203.0.113.9'), {
      locked: true,
      scope: 'account',
      retryAfterSeconds: 600,
    })
    // The refusal did not cost that client one of its own five.
    clock.advance(10 * MINUTE)
    assert.deepEqual(await beginAttempt(store, 'v@example.com', '203.0.113.9'), {
      locked: false,
      clientCount: 1,
      accountCount: 1,
    })
    assert.equal(ACCOUNT_WINDOW_MS, 60 * MINUTE)
  })

  it('counters for several windows expire in a timed sweep without touching live ones', async () => {
    const clock = new FakeClock()
    const store = newStore(clock)
    for (let i = 0; i < 4; i++) await beginAttempt(store, `u${i}@example.com`, '192.0.2.1')
    assert.deepEqual(store.size(), { evictable: 0, kept: 8 })
    clock.advance(CLIENT_WINDOW_MS)
    assert.equal(store.sweep(), 4)
    assert.deepEqual(store.size(), { evictable: 0, kept: 4 })
    clock.advance(ACCOUNT_WINDOW_MS)
    assert.equal(store.sweep(), 4)
    assert.deepEqual(store.size(), { evictable: 0, kept: 0 })
  })
})

describe('guardedCheck', () => {
  const email = 'g@example.com'
  const client = '192.0.2.7'

  it('a full hash queue hands both reservations back and rethrows the 503', async () => {
    const store = newStore()
    await beginAttempt(store, email, client)
    await assert.rejects(
      guardedCheck(store, email, client, async () => {
        throw new HashQueueFullError(3)
      }),
      (err: HashQueueFullError) => err.statusCode === 503 && err.headers?.['retry-after'] === '3',
    )
    const next = await beginAttempt(store, email, client)
    assert.deepEqual(next, { locked: false, clientCount: 2, accountCount: 2 })
  })

  it('success clears the client counter and does not count for the account', async () => {
    const store = newStore()
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(await guardedCheck(store, email, client, async () => false), {
        outcome: 'wrong',
        lockedBy: null,
      })
    }
    assert.deepEqual(await guardedCheck(store, email, client, async () => true), { outcome: 'ok' })
    assert.deepEqual(await beginAttempt(store, email, client), {
      locked: false,
      clientCount: 1,
      accountCount: 4,
    })
    await attemptAbandoned(store, email, client)
    await attemptSucceeded(store, email, client)
    assert.deepEqual(await beginAttempt(store, email, client), {
      locked: false,
      clientCount: 1,
      accountCount: 3,
    })
  })
})
