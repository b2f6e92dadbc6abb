// `node --import tsx bench/known-item.ts --sizes=10000,100000 [--db-url=<url>] [--keep] [--concurrency=8] [--rounds=1]`:
// the retrieval curve without HTTP. Grows one synthetic corpus (bulk ingestion, shared library)
// to each size in turn and measures, at each, the known-item recall of 500 bench questions (the
// source section in the top 8 of retrieve() as /api/search calls it) and the latency of those
// searches with `concurrency` in flight on the pool, plus how many were provably exact and how
// many pruning passes of the SQL plan they took (0: answered from the server's remembered posting
// lists, rag/posting-cache.ts; the latency is then the first, cold, asking of each question).
// `--db-url` reuses a database seeded before (nothing is dropped).
import { parseArgs } from 'node:util'
import { testConfig } from '../backend/src/config.js'
import { type Database, openDatabase } from '../backend/src/db/client.js'
import { migrate } from '../backend/src/db/migrate.js'
import { SHARED_LIBRARY_ID } from '../backend/src/db/queries/spaces.js'
import { bm25Search } from '../backend/src/rag/bm25.js'
import { createRagContext } from '../backend/src/rag/context.js'
import { retrieve } from '../backend/src/rag/retrieve.js'
import { isKnownItemHit, knownItemQuestions } from './corpus.js'
import { bulkSeedCorpus } from './lib/bulk-ingest.js'
import { createBenchDatabase } from './lib/pg-admin.js'

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000' },
    'db-url': { type: 'string' },
    keep: { type: 'boolean' },
    concurrency: { type: 'string', default: '8' },
    questions: { type: 'string', default: '500' },
    pglite: { type: 'boolean' },
    rounds: { type: 'string', default: '1' },
  },
})
const log = (m: string) =>
  process.stderr.write(`[known-item ${new Date().toISOString().slice(11, 19)}] ${m}\n`)
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN
}

async function corpusSize(db: Database): Promise<{ chunks: number; docs: number }> {
  const rows = await db.query<{ c: string; d: string }>(
    'select (select count(*) from chunks) as c, (select count(*) from documents) as d',
  )
  return { chunks: Number(rows[0]?.c), docs: Number(rows[0]?.d) }
}

async function measure(db: Database, docs: number, concurrency: number, n: number) {
  const ctx = createRagContext(db, testConfig())
  const questions = knownItemQuestions(n, docs)
  // Round 1 asks each question for the first time (the posting lists it needs are read then);
  // later rounds ask them again (--rounds), as a server that has answered them before.
  const rounds: { p50: number; p95: number }[] = []
  let found = 0
  for (let round = 1; round <= Number(values.rounds); round++) {
    const ms: number[] = []
    let next = 0
    const worker = async () => {
      while (next < questions.length) {
        const q = questions[next++] as (typeof questions)[number]
        const t = performance.now()
        const r = await retrieve(ctx, q.question, { k: 8 }, [SHARED_LIBRARY_ID])
        ms.push(performance.now() - t)
        if (round === 1 && r.some((h) => isKnownItemHit(h, q))) found++
      }
    }
    await Promise.all(Array.from({ length: concurrency }, worker))
    rounds.push({ p50: pct(ms, 50), p95: pct(ms, 95) })
  }
  let exact = 0
  let passes = 0
  // Exactness and passes of the lexical side alone (retrieve asks for 50 candidates).
  for (const q of questions) {
    const r = await bm25Search(db, q.question, [SHARED_LIBRARY_ID], 50)
    if (r.exact) exact++
    passes += r.passes
  }
  return { found, n, rounds, exact, passes: passes / n }
}

async function main() {
  const sizes = String(values.sizes).split(',').map(Number)
  const owned = values['db-url'] || values.pglite ? null : await createBenchDatabase()
  const url = values['db-url'] ?? owned?.url ?? null
  const db = await openDatabase({ databaseUrl: url, pgliteDir: null, max: Number(values.concurrency) })
  try {
    await migrate(db)
    const lines = [
      '| chunks | known-item recall (top 8) | p50 / p95 ms, by round | provably exact | passes/question |',
    ]
    lines.push('| --- | --- | --- | --- | --- |')
    for (const size of sizes) {
      let { chunks, docs } = await corpusSize(db)
      if (chunks < size) {
        log(`seeding ${size - chunks} chunks…`)
        const p = await bulkSeedCorpus(db, testConfig(), size - chunks, docs)
        log(`seeded at ${p.chunksPerSecond.toFixed(0)} chunks/s`)
        ;({ chunks, docs } = await corpusSize(db))
      }
      log(`measuring at ${chunks} chunks…`)
      const m = await measure(db, docs, Number(values.concurrency), Number(values.questions))
      const line = `| ${chunks} | ${((100 * m.found) / m.n).toFixed(1)} % (${m.found}/${m.n}) | ${m.rounds.map((r) => `${r.p50.toFixed(1)} / ${r.p95.toFixed(1)}`).join(', ')} | ${m.exact}/${m.n} | ${m.passes.toFixed(2)} |`
      log(line)
      lines.push(line)
    }
    process.stdout.write(`${db.kind}, ${values.concurrency} in flight\n${lines.join('\n')}\n`)
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
