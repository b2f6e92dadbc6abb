// docs/api.md §6: with REDIS_URL, instances share rate-limit counts.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import type { FastifyBaseLogger } from 'fastify'
import { systemClock } from '../../src/lib/clock.js'
import { type CounterStore, createCounterStore } from '../../src/lib/counter-store.js'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import {
  createTestDatabase,
  dbKinds,
  redisSkipReason,
  TEST_REDIS_URL,
  type TestDatabase,
} from '../helpers/db.js'
import { lockoutRules } from '../helpers/lockout-rules.js'

const silent = {
  warn() {},
  info() {},
  error() {},
  debug() {},
  fatal() {},
  trace() {},
  child: () => silent,
  level: 'silent',
}

describe('Redis rate-limit store', { skip: redisSkipReason() }, () => {
  const kind = dbKinds()[0] as 'pglite'
  let tdb: TestDatabase
  let a: TestApp
  let b: TestApp
  let storeA: CounterStore
  let storeB: CounterStore

  before(async () => {
    tdb = await createTestDatabase(kind)
    const prefix = `test:${randomBytes(6).toString('hex')}:`
    // biome-ignore lint/suspicious/noExplicitAny: a silent logger stub
    storeA = await createCounterStore(TEST_REDIS_URL, systemClock, silent as any, prefix)
    // biome-ignore lint/suspicious/noExplicitAny: a silent logger stub
    storeB = await createCounterStore(TEST_REDIS_URL, systemClock, silent as any, prefix)
    await new Promise((r) => setTimeout(r, 300)) // let both connect
    a = await buildTestApp(kind, { RATE_LIMIT_HEALTH: '3/minute' }, { tdb, counters: storeA })
    b = await buildTestApp(kind, { RATE_LIMIT_HEALTH: '3/minute' }, { tdb, counters: storeB })
  })
  after(async () => {
    await a.close()
    await b.close()
    await storeA.close()
    await storeB.close()
    await tdb.cleanup()
  })

  it('shares counts between two app instances', async () => {
    const codes = []
    for (const t of [a, b, a, b]) codes.push((await t.app.inject({ url: '/health' })).statusCode)
    assert.deepEqual(codes, [200, 200, 200, 429])
    const res = await b.app.inject({ url: '/health' })
    assert.equal(res.statusCode, 429)
    assert.equal(res.headers['ratelimit-limit'], '3')
  })
})

describe('lockout rules on the Redis store', { skip: redisSkipReason() }, () => {
  lockoutRules(async () => {
    const store = await createCounterStore(
      TEST_REDIS_URL,
      systemClock,
      silent as unknown as FastifyBaseLogger,
      `test:${randomBytes(6).toString('hex')}:`,
    )
    const redis = (store as unknown as { primary: { redis: { status: string } } }).primary.redis
    for (let i = 0; i < 100 && redis.status !== 'ready'; i++) await new Promise((r) => setTimeout(r, 20))
    assert.equal(redis.status, 'ready')
    return store
  })

  it('decr keeps the window and never revives an expired key', async () => {
    const prefix = `test:${randomBytes(6).toString('hex')}:`
    const store = await createCounterStore(
      TEST_REDIS_URL,
      systemClock,
      silent as unknown as FastifyBaseLogger,
      prefix,
    )
    const redis = (store as unknown as { primary: { redis: import('ioredis').Redis } }).primary.redis
    for (let i = 0; i < 100 && redis.status !== 'ready'; i++) await new Promise((r) => setTimeout(r, 20))
    try {
      await store.incr('k', 60_000)
      await store.incr('k', 60_000)
      await store.decr('k')
      const c = await store.get('k')
      assert.equal(c.count, 1)
      assert.ok(c.ttlMs > 55_000 && c.ttlMs <= 60_000, `ttl ${c.ttlMs}`)
      await store.decr('k')
      await store.decr('k')
      assert.equal(await redis.get(`${prefix}k`), '0')
      await store.decr('missing')
      assert.equal(await redis.exists(`${prefix}missing`), 0)
    } finally {
      await store.close()
    }
  })
})
