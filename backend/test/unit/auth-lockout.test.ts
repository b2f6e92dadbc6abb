import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  beginAttempt,
  clearAttempts,
  isLockingFailure,
  LOCKOUT_MAX,
  LOCKOUT_WINDOW_MS,
} from '../../src/auth/lockout.js'
import { MemoryCounterStore } from '../../src/http/counter-store.js'
import { FakeClock } from '../../src/lib/clock.js'

describe('per-account lockout', () => {
  it('allows 5 checks per 15-minute window, then refuses with the time left', async () => {
    const clock = new FakeClock()
    const store = new MemoryCounterStore(clock)
    for (let i = 1; i <= LOCKOUT_MAX; i++) {
      const r = await beginAttempt(store, 'a@example.com')
      assert.deepEqual(r, { locked: false, count: i })
      assert.equal(isLockingFailure(r), i === LOCKOUT_MAX)
    }
    clock.advance(5 * 60_000)
    assert.deepEqual(await beginAttempt(store, 'a@example.com'), { locked: true, retryAfterSeconds: 600 })
    // Refused attempts do not push the window further out.
    clock.advance(10 * 60_000 - 1)
    assert.deepEqual(await beginAttempt(store, 'a@example.com'), { locked: true, retryAfterSeconds: 1 })
    clock.advance(1)
    assert.deepEqual(await beginAttempt(store, 'a@example.com'), { locked: false, count: 1 })
    assert.equal(LOCKOUT_WINDOW_MS, 15 * 60_000)
  })

  it('is per email, and a success clears it', async () => {
    const store = new MemoryCounterStore(new FakeClock())
    for (let i = 0; i < 4; i++) await beginAttempt(store, 'a@example.com')
    assert.deepEqual(await beginAttempt(store, 'b@example.com'), { locked: false, count: 1 })
    await clearAttempts(store, 'a@example.com')
    assert.deepEqual(await beginAttempt(store, 'a@example.com'), { locked: false, count: 1 })
  })
})
