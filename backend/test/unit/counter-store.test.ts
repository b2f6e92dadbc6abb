import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { FakeClock } from '../../src/lib/clock.js'
import { CounterStoreFullError, MemoryCounterStore } from '../../src/lib/counter-store.js'

describe('MemoryCounterStore', () => {
  it('counts within a fixed window and resets after it (fake clock)', async () => {
    const clock = new FakeClock()
    const store = new MemoryCounterStore(clock)
    assert.deepEqual(await store.incr('k', 1000), { count: 1, ttlMs: 1000 })
    clock.advance(400)
    assert.deepEqual(await store.incr('k', 1000), { count: 2, ttlMs: 600 })
    assert.deepEqual(await store.get('k'), { count: 2, ttlMs: 600 })
    clock.advance(600)
    assert.deepEqual(await store.get('k'), { count: 0, ttlMs: 0 })
    assert.deepEqual(await store.incr('k', 1000), { count: 1, ttlMs: 1000 })
  })

  it('keeps keys apart and can reset one', async () => {
    const store = new MemoryCounterStore(new FakeClock())
    await store.incr('a', 1000)
    await store.incr('a', 1000)
    await store.incr('b', 1000)
    await store.reset('a')
    assert.equal((await store.get('a')).count, 0)
    assert.equal((await store.get('b')).count, 1)
  })

  it('stays bounded in size', async () => {
    const store = new MemoryCounterStore(new FakeClock(), 10)
    for (let i = 0; i < 50; i++) await store.incr(`k${i}`, 60_000)
    let live = 0
    for (let i = 0; i < 50; i++) if ((await store.get(`k${i}`)).count > 0) live++
    assert.ok(live <= 10, `live=${live}`)
    assert.equal((await store.get('k49')).count, 1)
  })

  it('never evicts a lockout counter to make room; a full lockout table refuses new ones instead', async () => {
    const store = new MemoryCounterStore(new FakeClock(), { maxEntries: 10, maxKept: 20, sweepIntervalMs: 0 })
    for (let i = 0; i < 6; i++) await store.incr('lockout:c:victim', 60_000)
    for (let i = 0; i < 1000; i++) await store.incr(`rl:global:ip:10.0.${i >> 8}.${i & 255}`, 60_000)
    for (let i = 0; i < 19; i++) await store.incr(`lockout:c:other-${i}`, 60_000)
    assert.deepEqual(store.size(), { evictable: 10, kept: 20 })
    await assert.rejects(store.incr('lockout:c:one-too-many', 60_000), CounterStoreFullError)
    // Existing lockout counters keep counting; rate-limit keys still rotate.
    assert.equal((await store.incr('lockout:c:victim', 60_000)).count, 7)
    assert.equal((await store.incr('rl:global:ip:new', 60_000)).count, 1)
    store.close()
  })

  it('stays O(1) per increment when full (no scan of the whole map)', () => {
    const store = new MemoryCounterStore(new FakeClock(), { sweepIntervalMs: 0 })
    const started = performance.now()
    for (let i = 0; i < 300_000; i++) store.incrNow(`rl:global:ip:${i}`, 60_000)
    const ms = performance.now() - started
    assert.deepEqual(store.size(), { evictable: 100_000, kept: 0 })
    // ~1 µs each here; a scan of 100k entries per increment would take minutes.
    assert.ok(ms < 10_000, `${ms} ms`)
    store.close()
  })

  it('drops expired counters in a timed sweep', async () => {
    const clock = new FakeClock()
    const store = new MemoryCounterStore(clock, { sweepIntervalMs: 5 })
    for (let i = 0; i < 100; i++) await store.incr(`rl:k${i}`, 1000)
    for (let i = 0; i < 100; i++) await store.incr(`lockout:k${i}`, 5000)
    clock.advance(1000)
    await sleep(50)
    assert.deepEqual(store.size(), { evictable: 0, kept: 100 })
    clock.advance(4000)
    await sleep(50)
    assert.deepEqual(store.size(), { evictable: 0, kept: 0 })
    await store.close()
  })

  it('decr takes one back within the window, never below zero, and never revives a key', async () => {
    const clock = new FakeClock()
    const store = new MemoryCounterStore(clock, { sweepIntervalMs: 0 })
    await store.incr('k', 1000)
    await store.incr('k', 1000)
    await store.decr('k')
    assert.deepEqual(await store.get('k'), { count: 1, ttlMs: 1000 })
    await store.decr('k')
    await store.decr('k')
    assert.deepEqual(await store.get('k'), { count: 0, ttlMs: 1000 })
    await store.decr('missing')
    assert.deepEqual(await store.get('missing'), { count: 0, ttlMs: 0 })
    clock.advance(1000)
    await store.decr('k')
    assert.deepEqual(await store.incr('k', 1000), { count: 1, ttlMs: 1000 })
  })
})
