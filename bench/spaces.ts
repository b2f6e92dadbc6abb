// `node --import tsx bench/spaces.ts [--db-url=<url>] [--keep] [--concurrency=8]`: search inside
// spaces (issue 17). 100k synthetic chunks over 200 spaces: a 1k-chunk team space (documents 0–49),
// the shared library (90k chunks) and 198 small team spaces (the rest, ~45 chunks each). Measures,
// in-process through retrieve() with `concurrency` searches in flight on the pool (the search route
// does not take spaces yet): a member searching the 1k space, and a reader of the shared library,
// 500 known-item questions each (p50/p95, known-item recall in the top 8).
import { parseArgs } from 'node:util'
import { testConfig } from '../backend/src/config.js'
import { type Database, openDatabase } from '../backend/src/db/client.js'
import { migrate } from '../backend/src/db/migrate.js'
import { insertSpace, SHARED_LIBRARY_ID } from '../backend/src/db/queries/spaces.js'
import { uuidv7 } from '../backend/src/lib/ids.js'
import { createRagContext } from '../backend/src/rag/context.js'
import { retrieve } from '../backend/src/rag/retrieve.js'
import { type KnownItemQuestion, knownItemQuestions } from './corpus.js'
import { bulkSeedCorpus } from './lib/bulk-ingest.js'
import { createBenchDatabase } from './lib/pg-admin.js'

const { values } = parseArgs({
  options: {
    'db-url': { type: 'string' },
    keep: { type: 'boolean' },
    concurrency: { type: 'string', default: '8' },
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
      if (r.some((h) => h.source === q.source && h.heading === q.heading)) found++
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
    for (let round = 0; round < 2; round++) {
      log(`member of the 1k-chunk space: ${await measure(db, member, [small], concurrency)}`)
      log(`reader of the shared library: ${await measure(db, reader, [SHARED_LIBRARY_ID], concurrency)}`)
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
