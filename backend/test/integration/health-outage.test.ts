// docs/api.md §2: /health says 503 within ~2 s when the database does not answer, API requests get
// 503 JSON, the process survives, and everything recovers by itself when the database returns.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { testConfig } from '../../src/config.js'
import { type Database, openDatabase } from '../../src/db/client.js'
import { json } from '../helpers/app.js'
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from '../helpers/db.js'
import { seedSession } from '../helpers/session.js'
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js'

const skip = TEST_DATABASE_URL ? false : 'needs TEST_DATABASE_URL (a real Postgres to cut off)'

describe('database outage', { skip }, () => {
  let tdb: TestDatabase
  let proxy: TcpProxy
  let db: Database
  let app: FastifyInstance
  let token: string

  before(async () => {
    tdb = await createTestDatabase('postgres')
    const target = new URL(tdb.url as string)
    proxy = await startTcpProxy(target.hostname, Number(target.port || 5432))
    const viaProxy = new URL(tdb.url as string)
    viaProxy.hostname = '127.0.0.1'
    viaProxy.port = String(proxy.port)
    db = await openDatabase({ databaseUrl: viaProxy.toString(), pgliteDir: null, max: 2 })
    app = await buildApp({ config: testConfig(), db })
    await app.ready()
    token = (await seedSession(tdb.db, testConfig())).token
  })
  after(async () => {
    await app.close()
    await db.close()
    await proxy.close()
    await tdb.cleanup()
  })

  it('is healthy while the database answers', async () => {
    const res = await app.inject({ url: '/health' })
    assert.equal(res.statusCode, 200)
    assert.equal(json(res).status, 'healthy')
  })

  it('answers 503 quickly while it does not, then recovers by itself', async () => {
    await proxy.cut()
    const started = Date.now()
    const down = await app.inject({ url: '/health' })
    assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`)
    assert.equal(down.statusCode, 503)
    assert.deepEqual(
      { ...json<Record<string, unknown>>(down), timestamp: 'x', version: 'x' },
      {
        status: 'unhealthy',
        timestamp: 'x',
        version: 'x',
        checks: { database: 'error' },
      },
    )

    const api = await app.inject({ url: '/api/nope', headers: { authorization: `Bearer ${token}` } })
    assert.equal(api.statusCode, 503)
    assert.deepEqual(Object.keys(json(api)).sort(), ['code', 'detail'])
    assert.equal(json(api).code, 'service_unavailable')

    await proxy.restore()
    let status = 0
    for (let i = 0; i < 40 && status !== 200; i++) {
      status = (await app.inject({ url: '/health' })).statusCode
      if (status !== 200) await new Promise((r) => setTimeout(r, 250))
    }
    assert.equal(status, 200)
    const back = await app.inject({ url: '/api/nope', headers: { authorization: `Bearer ${token}` } })
    assert.equal(back.statusCode, 404)
  })
})
