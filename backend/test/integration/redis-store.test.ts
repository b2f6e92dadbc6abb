// Contract §6: with REDIS_URL, instances share rate-limit counts.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { type CounterStore, createCounterStore } from '../../src/http/counter-store.js'
import { systemClock } from '../../src/lib/clock.js'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import {
  createTestDatabase,
  dbKinds,
  redisSkipReason,
  TEST_REDIS_URL,
  type TestDatabase,
} from '../helpers/db.js'

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
