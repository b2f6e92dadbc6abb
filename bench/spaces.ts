// `node --import tsx bench/spaces.ts [--db-url=<url>] [--keep] [--concurrency=8] [--only=member|reader] [--rounds=2]`: search inside
// spaces (issue 17). 100k synthetic chunks over 200 spaces: a 1k-chunk team space (documents 0–49),
// the shared library (90k chunks) and 198 small team spaces (the rest, ~45 chunks each). Measures
// GET /api/search as a signed-in user sends it (app.inject: session lookup, the caller's spaces
// resolved as memberships are now, retrieval filtered inside the SQL) with `concurrency` requests
// in flight: a member of the 1k space searching it (`space_id` named), and a reader whose readable
// spaces are the shared library, 500 known-item questions each (p50/p95, known-item recall in the
// top 8). (In-process retrieve() has no access step: `--direct` measures it too, for comparison.)
import { randomBytes } from 'node:crypto'
import { parseArgs } from 'node:util'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../backend/src/app.js'
import { createSession } from '../backend/src/auth/sessions.js'
import { testConfig } from '../backend/src/config.js'
import { type Database, openDatabase } from '../backend/src/db/client.js'
import { migrate } from '../backend/src/db/migrate.js'
import { insertSpace, SHARED_LIBRARY_ID, upsertSpaceMember } from '../backend/src/db/queries/spaces.js'
import { users } from '../backend/src/db/schema/index.js'
import { systemClock } from '../backend/src/lib/clock.js'
import { uuidv7 } from '../backend/src/lib/ids.js'
import { createRagContext } from '../backend/src/rag/context.js'
import { retrieve } from '../backend/src/rag/retrieve.js'
import { isKnownItemHit, type KnownItemQuestion, knownItemQuestions } from './corpus.js'
import { bulkSeedCorpus } from './lib/bulk-ingest.js'
import { createBenchDatabase } from './lib/pg-admin.js'

const { values } = parseArgs({
  options: {
    'db-url': { type: 'string' },
    keep: { type: 'boolean' },
    concurrency: { type: 'string', default: '8' },
    direct: { type: 'boolean' },
    // member: the member of the 1k-chunk space; reader: the shared library's reader; both by default.
    only: { type: 'string' },
    rounds: { type: 'string', default: '2' },
  },
})
const log = (m: string) => process.stderr.write(`[spaces ${new Date().toISOString().slice(11, 19)}] ${m}\n`)
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor((p / 100) * xs.length)] ?? 0
const SMALL_DOCS = 50
const SHARED_DOCS = 4_500
const TEAM_SPACES = 198

async function seed(db: Database): Promise<string> {
  const config = testConfig()
  const small = uuidv7()
  await insertSpace(db, { id: small, name: 'One thousand', kind: 'team' })
  let next = 0
  const grow = async (chunks: number, spaceId: string) => {
    const p = await bulkSeedCorpus(db, config, chunks, next, 1000, spaceId)
    next = p.nextDoc
    return p
  }
  await grow(SMALL_DOCS * 20, small)
  log('seeding the shared library (90k chunks)…')
  const shared = await grow(SHARED_DOCS * 20, SHARED_LIBRARY_ID)
  log(`shared library seeded at ${shared.chunksPerSecond.toFixed(0)} chunks/s`)
  for (let i = 0; i < TEAM_SPACES; i++) {
    const id = uuidv7()
    await insertSpace(db, { id, name: `Team ${i}`, kind: 'team' })
    await grow(i % 2 === 0 ? 40 : 60, id)
  }
  await db.exec('vacuum (analyze) chunk_terms, space_terms, chunks, documents, space_stats')
  await db.query("insert into kb_meta (key, value) values ('bench_small_space', $1)", [small])
  return small
}

interface Hit {
  source: string | null
  title: string
  heading: string | null
}

/** A user with a live session (the hash is no password: nobody signs in as it). */
async function benchUser(db: Database): Promise<{ id: string; token: string }> {
  const id = uuidv7()
  const now = new Date()
  await db.orm.insert(users).values({
    id,
    email: `bench-${randomBytes(6).toString('hex')}@example.com`,
    passwordHash: '!bench-no-password',
    role: 'user',
    createdAt: now,
    updatedAt: now,
  })
  const config = testConfig()
  const { token } = await createSession({ db, config, clock: systemClock }, id, {
    ip: null,
    userAgent: 'bench',
  })
  return { id, token }
}

async function measureRoute(
  app: FastifyInstance,
  token: string,
  qs: KnownItemQuestion[],
  spaceId: string | null,
  concurrency: number,
) {
  const ms: number[] = []
  let found = 0
  let next = 0
  const scope = spaceId ? `&space_id=${spaceId}` : ''
  const worker = async () => {
    while (next < qs.length) {
      const q = qs[next++] as KnownItemQuestion
      const t = performance.now()
      const res = await app.inject({
        method: 'GET',
        url: `/api/search?q=${encodeURIComponent(q.question)}&k=8${scope}`,
        headers: { authorization: `Bearer ${token}` },
      })
      ms.push(performance.now() - t)
      if (res.statusCode !== 200) throw new Error(`search answered ${res.statusCode}: ${res.body}`)
      const { results } = JSON.parse(res.body) as { results: Hit[] }
      if (results.some((h) => isKnownItemHit(h, q))) found++
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return `p50 ${pct(ms, 50).toFixed(1)} ms, p95 ${pct(ms, 95).toFixed(1)} ms, known-item recall ${found}/${qs.length}`
}

async function measure(db: Database, qs: KnownItemQuestion[], spaceIds: string[], concurrency: number) {
  const ctx = createRagContext(db, testConfig())
  const ms: number[] = []
  let found = 0
  let next = 0
  const worker = async () => {
    while (next < qs.length) {
      const q = qs[next++] as KnownItemQuestion
      const t = performance.now()
      const r = await retrieve(ctx, q.question, { k: 8 }, spaceIds)
      ms.push(performance.now() - t)
      if (r.some((h) => isKnownItemHit(h, q))) found++
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return `p50 ${pct(ms, 50).toFixed(1)} ms, p95 ${pct(ms, 95).toFixed(1)} ms, known-item recall ${found}/${qs.length}`
}

const docIndex = (q: KnownItemQuestion) => Number(q.source.match(/(\d+)\.md$/)?.[1])

async function main() {
  const owned = values['db-url'] ? null : await createBenchDatabase()
  const url = (values['db-url'] ?? owned?.url) as string
  const concurrency = Number(values.concurrency)
  const db = await openDatabase({ databaseUrl: url, pgliteDir: null, max: concurrency })
  try {
    await migrate(db)
    const known = await db.query<{ value: string }>(
      "select value from kb_meta where key = 'bench_small_space'",
    )
    const small = known[0]?.value ?? (await seed(db))
    const member = knownItemQuestions(500, SMALL_DOCS)
    const reader = knownItemQuestions(600, SMALL_DOCS + SHARED_DOCS, 11)
      .filter((q) => docIndex(q) >= SMALL_DOCS)
      .slice(0, 500)
    const memberUser = await benchUser(db)
    await upsertSpaceMember(db, small, memberUser.id, 'viewer')
    const readerUser = await benchUser(db)
    const app = await buildApp({
      // Thousands of searches from two users in a minute: the rate limit is not what is measured.
      config: testConfig({ RATE_LIMIT_GLOBAL: '1000000/minute' }),
      db,
    })
    await app.ready()
    try {
      const runs = (who: string) => values.only === undefined || values.only === who
      for (let round = 0; round < Number(values.rounds); round++) {
        if (runs('member'))
          log(
            `GET /api/search, member naming the 1k-chunk space: ${await measureRoute(app, memberUser.token, member, small, concurrency)}`,
          )
        if (runs('reader'))
          log(
            `GET /api/search, reader of the shared library: ${await measureRoute(app, readerUser.token, reader, null, concurrency)}`,
          )
        if (values.direct && runs('member'))
          log(`retrieve(), the 1k-chunk space: ${await measure(db, member, [small], concurrency)}`)
        if (values.direct && runs('reader'))
          log(
            `retrieve(), the shared library: ${await measure(db, reader, [SHARED_LIBRARY_ID], concurrency)}`,
          )
      }
    } finally {
      await app.close()
    }
  } finally {
    await db.close()
    if (owned && !values.keep) await owned.drop()
    else if (owned) log(`kept ${owned.url}`)
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
  process.exit(1)
})
