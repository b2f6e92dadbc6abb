// Fault (c): SIGTERM under load (a rolling deploy, a Space restart). Requests in flight when the
// signal arrives complete normally, nothing answers 5xx, and the process exits with code 0.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  ensureBackendBuilt,
  fakeClientIp,
  faultTestsSkipReason,
  http,
  type ServerProcess,
  sleep,
  startLoad,
  startServer,
} from '../helpers/processes.js'

const HIGH_LIMITS = {
  RATE_LIMIT_GLOBAL: '100000/minute',
  RATE_LIMIT_HEALTH: '100000/minute',
  RATE_LIMIT_AUTH: '100000/minute',
  TRUST_PROXY: '1',
}

interface Outcome {
  path: string
  startedAt: number
  endedAt: number
  status: number
  error?: string
}

describe('faults: SIGTERM under load', { skip: faultTestsSkipReason(), timeout: 180_000 }, () => {
  let srv: ServerProcess
  let token: string
  const email = 'shutdown@example.com'
  const password = 'a quiet lighthouse 42'

  before(async () => {
    await ensureBackendBuilt()
    srv = await startServer({ name: 'sigterm', env: HIGH_LIMITS, healthTimeoutMs: 120_000 })
    const reg = await http(srv.url, '/api/auth/register', { json: { email, password } })
    assert.equal(reg.status, 201, reg.text)
    token = (reg.body as { session: { token: string } }).session.token
  })

  after(async () => {
    await srv?.stop('SIGKILL')
  })

  it('completes in-flight requests, answers no 5xx, and exits 0', async () => {
    const outcomes: Outcome[] = []
    // Sign-in (argon2, a few tens of ms), an authenticated read, and the health check.
    const calls: [string, () => ReturnType<typeof http>][] = [
      [
        'sign-in',
        () =>
          http(srv.url, '/api/auth/sign-in', {
            json: { email, password },
            headers: { 'x-forwarded-for': fakeClientIp() },
          }),
      ],
      ['me', () => http(srv.url, '/api/auth/me', { token })],
      ['health', () => http(srv.url, '/health')],
    ]
    let n = 0
    const load = startLoad(
      async () => {
        const [path, call] = calls[n++ % calls.length] as (typeof calls)[number]
        const startedAt = Date.now()
        try {
          const r = await call()
          outcomes.push({ path, startedAt, endedAt: Date.now(), status: r.status })
        } catch (err) {
          const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message
          outcomes.push({ path, startedAt, endedAt: Date.now(), status: -1, error: cause })
          await sleep(20)
        }
      },
      8,
      5000,
    )
    for (let i = 0; i < 150 && outcomes.length < 12; i++) await sleep(100)
    assert.ok(outcomes.length >= 12, `load is running (${outcomes.length} answered)`)
    const exit = srv.stop('SIGTERM')
    const signalAt = Date.now()
    const { code, signal } = await exit
    const exitedAt = Date.now()
    await load.stop()

    const inFlight = outcomes.filter((o) => o.startedAt < signalAt && o.endedAt >= signalAt)
    const later = outcomes.filter((o) => o.startedAt >= signalAt)
    const summary = (list: Outcome[]) =>
      list.reduce<Record<string, number>>((acc, o) => {
        const k = `${o.path} ${o.status === -1 ? o.error : o.status}`
        acc[k] = (acc[k] ?? 0) + 1
        return acc
      }, {})
    process.stdout.write(
      `# SIGTERM: exit ${code} after ${exitedAt - signalAt} ms; in flight ${JSON.stringify(summary(inFlight))}; after the signal ${JSON.stringify(summary(later))}\n`,
    )
    assert.equal(signal, null, 'exited by itself, not killed')
    assert.equal(code, 0, 'exit code 0')
    for (const o of inFlight)
      assert.ok(
        o.status >= 200 && o.status < 500,
        `in flight at SIGTERM: ${o.path} → ${o.status} ${o.error ?? ''}`,
      )
    // After the signal a client may find the port closed (connection refused): never a 5xx.
    for (const o of outcomes) assert.ok(o.status < 500, `${o.path} → ${o.status}`)
    for (const o of later) {
      if (o.status === -1)
        assert.match(String(o.error), /ECONNREFUSED|ECONNRESET|UND_ERR_SOCKET|fetch failed/)
    }
  })
})
