import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MemoryCounterStore } from '../../src/http/counter-store.js'
import { FakeClock } from '../../src/lib/clock.js'

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
})
