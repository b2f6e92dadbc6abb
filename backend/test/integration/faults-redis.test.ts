// Fault (b): Redis goes away. Two server processes share a private redis-server for rate-limit
// counts; it is killed: every request still succeeds (each instance falls back to its own
// in-process counts, with a `redis.unavailable` warning); it comes back on the same port: the
// instances log `redis.recovered` and share their counts again.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  createEmptyDatabase,
  ensureBackendBuilt,
  faultTestsSkipReason,
  http,
  type ServerProcess,
  startServer,
} from '../helpers/processes.js'
import { RedisServer, redisServerSkipReason } from '../helpers/redis-server.js'

const skip = faultTestsSkipReason() || redisServerSkipReason()
const LIMIT = 1000

async function remaining(srv: ServerProcess): Promise<number> {
  const r = await http(srv.url, '/health')
  assert.equal(r.status, 200, `${srv.name} /health → ${r.status} ${r.text}`)
  const value = Number(r.headers.get('ratelimit-remaining'))
  assert.ok(Number.isInteger(value), 'RateLimit-Remaining is sent')
  return value
}

describe('faults: Redis goes away and comes back', { skip, timeout: 180_000 }, () => {
  let redis: RedisServer
  let a: ServerProcess
  let b: ServerProcess
  let db: Awaited<ReturnType<typeof createEmptyDatabase>>

  before(async () => {
    await ensureBackendBuilt()
    redis = await RedisServer.start()
    // One Postgres database for both (as deployed); each on its own PGlite without TEST_DATABASE_URL.
    db = await createEmptyDatabase('redisfault')
    const env = {
      REDIS_URL: redis.url,
      RATE_LIMIT_HEALTH: `${LIMIT}/minute`,
      RATE_LIMIT_AUTH: '1000/minute',
      ...(db ? { DATABASE_URL: db.url } : {}),
    }
    const timeout = { healthTimeoutMs: 120_000 }
    ;[a, b] = await Promise.all([
      startServer({ name: 'redis-a', env, ...timeout }),
      startServer({ name: 'redis-b', env, ...timeout }),
    ])
  })

  after(async () => {
    await Promise.all([a?.stop('SIGKILL'), b?.stop('SIGKILL')])
    await redis?.destroy()
    await db?.drop()
  })

  it('shares rate-limit counts through Redis', async () => {
    const ra = await remaining(a)
    const rb = await remaining(b)
    assert.equal(rb, ra - 1, 'B sees the request A counted')
  })

  it('keeps answering while Redis is down, with a warning, each instance counting alone', async () => {
    await redis.kill()
    const statuses: number[] = []
    for (let i = 0; i < 40; i++) statuses.push((await http(i % 2 ? b.url : a.url, '/health')).status)
    assert.deepEqual([...new Set(statuses)], [200], 'every request succeeds')
    // Routes that count attempts in the store (register's per-IP limit) work too.
    const reg = await http(a.url, '/api/auth/register', {
      json: { email: 'redis-down@example.com', password: 'a quiet lighthouse 42' },
    })
    assert.equal(reg.status, 201, reg.text)
    for (const srv of [a, b]) {
      const line = await srv.waitForLog((l) => l.event === 'redis.unavailable')
      assert.equal(line.level, 40, 'logged as a warning')
    }
    const a1 = await remaining(a)
    await remaining(b)
    const a2 = await remaining(a)
    assert.equal(a2, a1 - 1, "A's in-process count ignores B's requests")
  })

  it('shares counts again once Redis is back on the same port', async () => {
    const t0 = Date.now()
    await redis.start()
    await Promise.all([a, b].map((s) => s.waitForLog((l) => l.event === 'redis.recovered', 15_000)))
    const recoveredMs = Date.now() - t0
    const ra = await remaining(a)
    const rb = await remaining(b)
    assert.equal(rb, ra - 1, 'B sees the request A counted')
    assert.ok(
      (await redis.get('rag-auth:rl:GET:/health:ip:127.0.0.1')) >= 2 || ra < LIMIT,
      'counts live in Redis',
    )
    process.stdout.write(`# redis: both instances recovered ${recoveredMs} ms after the restart\n`)
  })

  it('stops cleanly on SIGTERM', async () => {
    const [ea, eb] = await Promise.all([a.stop('SIGTERM'), b.stop('SIGTERM')])
    assert.deepEqual([ea.code, eb.code], [0, 0])
  })
})
