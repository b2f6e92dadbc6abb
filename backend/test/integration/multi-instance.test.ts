// Several instances (docs/api.md §1, DESIGN "Scaling out"): two real server processes on one fresh
// Postgres database and one Redis, started at the same moment on the empty database. Sessions,
// revocation, rate-limit counts and the knowledge base are shared; nothing is per-instance.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import postgres from 'postgres'
import { listMigrations } from '../../src/db/migrate.js'
import {
  createEmptyDatabase,
  ensureBackendBuilt,
  fakeClientIp,
  http,
  IN_CI,
  type ServerProcess,
  startServer,
} from '../helpers/processes.js'

function skipReason(): string | false {
  const missing = ['TEST_DATABASE_URL', 'TEST_REDIS_URL'].filter((v) => !process.env[v])
  if (missing.length === 0) return false
  if (IN_CI)
    throw new Error(`CI=true but ${missing.join(' and ')} not set: the multi-instance test cannot run`)
  return `${missing.join(' and ')} not set`
}

const run = Math.random().toString(36).slice(2, 8)
const ADMIN = `admin-${run}@example.com`
const PASSWORD = 'a quiet lighthouse 42'

describe('several instances on one Postgres and one Redis', { skip: skipReason(), timeout: 300_000 }, () => {
  let a: ServerProcess
  let b: ServerProcess
  let db: Awaited<ReturnType<typeof createEmptyDatabase>>

  before(async () => {
    await ensureBackendBuilt()
    db = await createEmptyDatabase('multi')
    const env = {
      DATABASE_URL: db?.url as string,
      REDIS_URL: process.env.TEST_REDIS_URL as string,
      ADMIN_EMAILS: ADMIN,
      // Both instances bootstrap the admin at once; one creates it, the other finds it made.
      ADMIN_PASSWORD: PASSWORD,
      RATE_LIMIT_AUTH: '3/minute',
      // Behind the test's "proxy": each scenario is its own client address, so parallel test
      // files sharing this Redis never share a counter.
      TRUST_PROXY: '1',
    }
    // Both at once on the empty database: the migrations race under the advisory lock.
    ;[a, b] = await Promise.all([
      startServer({ name: 'instance-a', env, healthTimeoutMs: 120_000 }),
      startServer({ name: 'instance-b', env, healthTimeoutMs: 120_000 }),
    ])
  })

  after(async () => {
    await Promise.all([a?.stop('SIGKILL'), b?.stop('SIGKILL')])
    await db?.drop()
  })

  it('both start at once on the empty database and migrate it exactly once', async () => {
    for (const srv of [a, b]) {
      const errors = srv.logs().filter((l) => (l.level ?? 0) >= 50)
      assert.deepEqual(errors, [], `${srv.name} logged no error`)
    }
    const migrated = [a, b].filter((s) => s.logs().some((l) => l.msg === 'database migrated'))
    assert.equal(migrated.length, 1, 'one instance applied the migrations, the other found them done')
    const sql = postgres(db?.url as string, { max: 1, onnotice: () => {} })
    try {
      const tags = (await sql`select tag from schema_migrations order by tag`).map((r) => r.tag)
      assert.deepEqual(
        tags,
        listMigrations()
          .map((m) => m.tag)
          .sort(),
      )
    } finally {
      await sql.end()
    }
  })

  it('answers /health on both', async () => {
    for (const srv of [a, b]) {
      const r = await http(srv.url, '/health')
      assert.equal(r.status, 200)
      assert.deepEqual((r.body as { checks: unknown }).checks, { database: 'ok' })
    }
  })

  it('accepts on B a session created on A, and refuses it on B at once after sign-out on A', async () => {
    const ip = fakeClientIp()
    const reg = await http(a.url, '/api/auth/register', {
      json: { email: `user-${run}@example.com`, password: PASSWORD },
      headers: { 'x-forwarded-for': ip },
    })
    assert.equal(reg.status, 201, reg.text)
    const token = (reg.body as { session: { token: string } }).session.token
    const cookie = (reg.headers.get('set-cookie') ?? '').split(';')[0] as string

    const viaBearer = await http(b.url, '/api/auth/me', { token })
    assert.equal(viaBearer.status, 200, viaBearer.text)
    assert.equal((viaBearer.body as { user: { email: string } }).user.email, `user-${run}@example.com`)
    const viaCookie = await http(b.url, '/api/auth/me', { headers: { cookie } })
    assert.equal(viaCookie.status, 200, 'the cookie works on B too')

    const out = await http(a.url, '/api/auth/sign-out', { method: 'POST', token })
    assert.equal(out.status, 204)
    const after = await http(b.url, '/api/auth/me', { token })
    assert.equal(after.status, 401)
    assert.equal((after.body as { code: string }).code, 'invalid_session')
  })

  it('shares rate-limit counts: 2 sign-ins on A + 2 on B → the 4th is 429', async () => {
    const ip = fakeClientIp()
    const email = `limits-${run}@example.com`
    const headers = { 'x-forwarded-for': ip }
    // Registering counts toward the per-IP auth limit too: use another address for it.
    const reg = await http(a.url, '/api/auth/register', {
      json: { email, password: PASSWORD },
      headers: { 'x-forwarded-for': fakeClientIp() },
    })
    assert.equal(reg.status, 201, reg.text)
    const statuses: number[] = []
    let last = await http(a.url, '/api/auth/sign-in', { json: { email, password: PASSWORD }, headers })
    statuses.push(last.status)
    for (const srv of [a, b, b]) {
      last = await http(srv.url, '/api/auth/sign-in', { json: { email, password: PASSWORD }, headers })
      statuses.push(last.status)
    }
    assert.deepEqual(statuses, [200, 200, 200, 429])
    assert.equal((last.body as { code: string }).code, 'rate_limited')
    assert.ok(Number(last.headers.get('retry-after')) > 0, 'Retry-After')
  })

  it('finds on B, by search, a document an admin ingested on A', async () => {
    const signedIn = await http(a.url, '/api/auth/sign-in', {
      json: { email: ADMIN, password: PASSWORD },
      headers: { 'x-forwarded-for': fakeClientIp() },
    })
    assert.equal(signedIn.status, 200, signedIn.text)
    const token = (signedIn.body as { session: { token: string } }).session.token
    const word = `zephyrquartz${run}`
    const doc = await http(a.url, '/api/documents', {
      token,
      json: {
        title: 'Shared knowledge',
        content: `# Shared knowledge\n\nThe ${word} protocol keeps every instance in step.\n`,
        format: 'markdown',
      },
    })
    assert.equal(doc.status, 201, doc.text)
    const id = (doc.body as { id: string }).id
    const found = await http(b.url, `/api/search?q=${word}`, { token })
    assert.equal(found.status, 200, found.text)
    const results = (found.body as { results: { document_id: string }[] }).results
    assert.equal(results[0]?.document_id, id)
  })

  it('both stop cleanly on SIGTERM', async () => {
    const [ea, eb] = await Promise.all([a.stop('SIGTERM'), b.stop('SIGTERM')])
    assert.deepEqual([ea.code, eb.code], [0, 0])
  })
})
