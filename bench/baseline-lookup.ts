// Baseline 2: the least an authenticated request can cost — bare Fastify (no logger, no
// plugins) plus the `postgres` client doing only the session-join query, prepared, on a pool
// of 10 like the product. The product's authenticated routes are compared to this.
import { createHash } from 'node:crypto'
import Fastify from 'fastify'
import postgres from 'postgres'
import { serveRpc } from './lib/procs.js'

const url = process.env.BENCH_DATABASE_URL
if (!url) throw new Error('BENCH_DATABASE_URL is required')
const sql = postgres(url, { max: 10, onnotice: () => {} })
// BENCH_LOOKUP_PREPARE=0 sends the query unnamed (Parse/Describe, then Bind/Execute: two round
// trips, as postgres-js does for `unsafe` with parameters) — for diagnosing the product's path.
const PREPARE = process.env.BENCH_LOOKUP_PREPARE !== '0'
const LOOKUP = `select s.id, s.user_id, s.token_hash, s.created_at, s.expires_at, s.absolute_expires_at,
  s.last_used_at, u.email, u.name, u.role, u.created_at as user_created_at
  from sessions s join users u on u.id = s.user_id where s.token_hash = $1`
const app = Fastify({ logger: false })

app.get('/lookup', async (request, reply) => {
  const m = /(?:^|;\s*)session_token=([A-Za-z0-9_-]{43})/.exec(request.headers.cookie ?? '')
  if (!m) return reply.status(401).send({ detail: 'Authentication required', code: 'auth_required' })
  const hash = createHash('sha256')
    .update(m[1] as string)
    .digest('hex')
  const [row] = await sql.unsafe(LOOKUP, [hash], { prepare: PREPARE })
  if (!row) return reply.status(401).send({ detail: 'Invalid or expired session', code: 'invalid_session' })
  return {
    user: {
      id: row.user_id,
      email: row.email,
      name: row.name,
      role: row.role,
      created_at: row.user_created_at,
    },
    session: { id: row.id, created_at: row.created_at, expires_at: row.expires_at },
  }
})

serveRpc({})
process.on('SIGTERM', async () => {
  await app.close()
  await sql.end({ timeout: 2 })
  process.exit(0)
})
await app.listen({ port: 0, host: '127.0.0.1' })
const address = app.server.address()
process.send?.({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 })
