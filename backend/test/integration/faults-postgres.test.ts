// Fault (a): the database goes away under load. A private Postgres cluster is crashed
// (`pg_ctl stop -m immediate`) while a real server process answers requests: requests get
// 503 `service_unavailable` JSON, /health says "database":"error" within ~2 s, the process
// stays up, and it serves 200 again by itself once the cluster is back.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { PgCluster, pgClusterSkipReason } from '../helpers/pg-cluster.js'
import {
  ensureBackendBuilt,
  fakeClientIp,
  faultTestsSkipReason,
  type HttpResult,
  http,
  type ServerProcess,
  sleep,
  startLoad,
  startServer,
} from '../helpers/processes.js'

const skip = faultTestsSkipReason() || pgClusterSkipReason()
const HIGH_LIMITS = { RATE_LIMIT_GLOBAL: '100000/minute', RATE_LIMIT_HEALTH: '100000/minute' }

interface Seen {
  phase: 'up' | 'down' | 'back'
  path: string
  status: number
  body: unknown
  ms: number
}

describe('faults: Postgres goes away under load', { skip, timeout: 180_000 }, () => {
  let pg: PgCluster
  let srv: ServerProcess
  let token: string
  const ip = fakeClientIp()

  before(async () => {
    await ensureBackendBuilt()
    pg = await PgCluster.start()
    const url = pg.createDatabase('app')
    srv = await startServer({ name: 'pgfault', env: { DATABASE_URL: url, TRUST_PROXY: '1', ...HIGH_LIMITS } })
    const reg = await http(srv.url, '/api/auth/register', {
      json: { email: 'fault@example.com', password: 'a quiet lighthouse 42' },
      headers: { 'x-forwarded-for': ip },
    })
    assert.equal(reg.status, 201, reg.text)
    token = (reg.body as { session: { token: string } }).session.token
  })

  after(async () => {
    await srv?.stop('SIGKILL')
    pg?.destroy()
  })

  it('answers 503 JSON while it is down, never dies, and recovers by itself', async () => {
    const seen: Seen[] = []
    let phase: Seen['phase'] = 'up'
    const paths = ['/api/auth/me', '/health']
    let n = 0
    const load = startLoad(
      async () => {
        const path = paths[n++ % paths.length] as string
        const t0 = Date.now()
        let r: HttpResult
        try {
          r = await http(srv.url, path, { token, timeoutMs: 10_000 })
        } catch (err) {
          seen.push({ phase, path, status: -1, body: String(err), ms: Date.now() - t0 })
          return
        }
        seen.push({ phase, path, status: r.status, body: r.body, ms: Date.now() - t0 })
        await sleep(10)
      },
      4,
      20_000,
    )
    await sleep(1500)
    const upCount = seen.length
    assert.ok(upCount > 20, `load is running (${upCount} requests)`)

    phase = 'down'
    const stoppedAt = Date.now()
    pg.stop('immediate')
    // /health must say so within about 2 s (its ping times out at 2 s).
    let healthDownAfter = -1
    for (let i = 0; i < 60 && healthDownAfter < 0; i++) {
      const h = await http(srv.url, '/health', { timeoutMs: 5000 })
      if (h.status === 503) {
        healthDownAfter = Date.now() - stoppedAt
        assert.deepEqual((h.body as { checks: unknown }).checks, { database: 'error' })
        assert.equal((h.body as { status: string }).status, 'unhealthy')
      } else await sleep(100)
    }
    assert.ok(healthDownAfter >= 0 && healthDownAfter < 3000, `/health 503 after ${healthDownAfter} ms`)
    await sleep(3000)
    assert.ok(srv.alive(), 'the server process is still running with the database down')

    phase = 'back'
    const restartAt = Date.now()
    pg.start()
    let recoveredAfter = -1
    for (let i = 0; i < 150 && recoveredAfter < 0; i++) {
      const t0 = Date.now()
      const [h, me] = await Promise.all([
        http(srv.url, '/health', { timeoutMs: 10_000 }),
        http(srv.url, '/api/auth/me', { token, timeoutMs: 10_000 }),
      ]).catch((err: Error) => {
        throw new Error(
          `probe after restart failed after ${Date.now() - t0} ms: ${err.message}\n${srv.output().slice(-4000)}`,
        )
      })
      if (h.status === 200 && me.status === 200) recoveredAfter = Date.now() - restartAt
      else await sleep(100)
    }
    await sleep(1000)
    await load.stop()
    assert.ok(
      recoveredAfter >= 0 && recoveredAfter < 5000,
      `recovers after the cluster restarts (${recoveredAfter} ms)`,
    )
    assert.ok(srv.alive(), 'still running')

    const down = seen.filter((s) => s.phase === 'down')
    const statuses = (list: Seen[]) =>
      list.reduce<Record<string, number>>((acc, s) => {
        acc[`${s.path} ${s.status}`] = (acc[`${s.path} ${s.status}`] ?? 0) + 1
        return acc
      }, {})
    // While down: 503 with the contract body, or 200 for requests answered just before the crash.
    for (const s of down) {
      assert.ok(s.status === 503 || s.status === 200, `${s.path} → ${s.status} ${JSON.stringify(s.body)}`)
      if (s.status === 503 && s.path !== '/health') {
        assert.deepEqual(Object.keys(s.body as object).sort(), ['code', 'detail'])
        assert.equal((s.body as { code: string }).code, 'service_unavailable')
      }
    }
    assert.ok(
      down.filter((s) => s.status === 503 && s.path === '/api/auth/me').length > 0,
      'API requests saw 503',
    )
    assert.ok(
      !seen.some((s) => s.status === 500 || s.status === -1),
      `no 500 and no dropped connection: ${JSON.stringify(statuses(seen))}`,
    )
    const slowest = Math.max(...down.map((s) => s.ms))
    // Regression: postgres-js' default reconnect backoff (up to 20 s) made requests hang that long.
    assert.ok(slowest < 4000, `requests fail fast while down (slowest ${slowest} ms)`)
    const fatal = srv.logs().filter((l) => (l.level ?? 0) >= 60)
    assert.deepEqual(fatal, [], 'no fatal log line')
    process.stdout.write(
      `# pg outage: ${seen.length} requests; /health 503 after ${healthDownAfter} ms; recovered ${recoveredAfter} ms after restart; slowest while down ${slowest} ms; ${JSON.stringify(statuses(down))}\n`,
    )
  })
})
