// `npm run eval [-- --data <dir>] [--postgres <url>] [--distractors=N]`: retrieval quality on SciFact (BEIR test
// split). Ingests the 5,183 abstracts into a fresh database (in-memory PGlite, or a scratch
// database created on the given Postgres server and dropped afterwards), runs the 300 test claims
// through retrieve() — the same code path as /api/search, with the relevance floor off and k=100 —
// and prints nDCG@10 and Recall@100 computed as pytrec_eval does.
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import postgres from 'postgres'
import { testConfig } from '../config.js'
import { type Database, openDatabase } from '../db/client.js'
import { migrate } from '../db/migrate.js'
import { sharedLibraryId } from '../db/queries/spaces.js'
import { createRagContext } from '../rag/context.js'
import { addDistractors } from '../rag/eval-distractors.js'
import { documentRanking, meanMetric, ndcgAt, parseQrels, percentile, recallAt } from '../rag/eval-metrics.js'
import { type PreparedDocument, prepareDocument } from '../rag/ingest.js'
import { ingestBulk } from '../rag/ingest-bulk.js'
import { retrieve } from '../rag/retrieve.js'
import { runCli } from './common.js'

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const DEFAULT_DATA = join(REPO_ROOT, '../shared/eval-data/scifact')
const SOURCE_PREFIX = 'scifact:'

interface Line {
  _id: string
  title?: string
  text: string
  metadata?: { split?: string }
}

function readJsonl(path: string): Line[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Line)
}

async function scratchDatabase(serverUrl: string): Promise<{ db: Database; drop(): Promise<void> }> {
  const name = `scifact_eval_${randomBytes(4).toString('hex')}`
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database ${name}`)
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  const db = await openDatabase({ databaseUrl: url.toString(), pgliteDir: null, max: 4 })
  return {
    db,
    async drop() {
      await db.close()
      await admin.unsafe(`drop database if exists ${name} with (force)`)
      await admin.end()
    },
  }
}

const log = (line: string) => process.stdout.write(`${line}\n`)

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      postgres: { type: 'string' },
      limit: { type: 'string' },
      exact: { type: 'boolean' },
      distractors: { type: 'string' },
    },
  })
  const dir = resolve(values.data ?? DEFAULT_DATA)
  const corpus = readJsonl(join(dir, 'corpus.jsonl'))
  const qrels = parseQrels(readFileSync(join(dir, 'qrels/test.tsv'), 'utf8'))
  const queries = readJsonl(join(dir, 'queries.jsonl')).filter(
    (q) => q.metadata?.split === 'test' && qrels.has(q._id),
  )
  const limit = values.limit ? Number(values.limit) : queries.length
  log(`SciFact (BEIR test): ${corpus.length} documents, ${queries.length} queries, ${qrels.size} with qrels`)

  const opened = values.postgres
    ? await scratchDatabase(values.postgres)
    : { db: await openDatabase({ databaseUrl: null, pgliteDir: null }), drop: async () => {} }
  const { db } = opened
  try {
    await migrate(db)
    const ctx = createRagContext(db, testConfig())
    let t0 = performance.now()
    let cpu0 = process.cpuUsage()
    const cpuSeconds = () => {
      const c = process.cpuUsage(cpu0)
      return (c.user + c.system) / 1e6
    }
    const prepared: PreparedDocument[] = []
    for (const d of corpus) {
      prepared.push(
        await prepareDocument({
          title: d.title || d._id,
          content: d.text,
          format: 'text',
          source: `${SOURCE_PREFIX}${d._id}`,
        }),
      )
    }
    const parseS = (performance.now() - t0) / 1000
    const parseCpu = cpuSeconds()
    t0 = performance.now()
    cpu0 = process.cpuUsage()
    const bulk = await ingestBulk(ctx, prepared, {
      exact: values.exact === true,
      privateDatabase: true,
      onBatch: (n) => process.stderr.write(`\ringested ${n}/${prepared.length}`),
    })
    process.stderr.write('\n')
    const ingestS = (performance.now() - t0) / 1000
    // CPU time of this process as well: on a shared, loaded machine wall time mostly measures the
    // neighbours (PGlite runs in this process; with Postgres the server's CPU is not counted).
    const ingestCpu = cpuSeconds()
    const rate = (n: number, s: number) => Math.round(n / s)
    log(
      `ingest [${db.kind}]: ${bulk.created} documents, ${bulk.chunks} chunks; ` +
        `parse+chunk ${parseS.toFixed(1)} s (${parseCpu.toFixed(1)} s CPU), ` +
        `database ${ingestS.toFixed(1)} s (${ingestCpu.toFixed(1)} s CPU): ` +
        `${rate(bulk.chunks, parseS + ingestS)} chunks/s end to end, ` +
        `${rate(bulk.chunks, parseCpu + ingestCpu)} chunks per CPU-second`,
    )

    if (values.distractors) {
      const d = await addDistractors(ctx, Number(values.distractors), {
        onProgress: (n) => process.stderr.write(`\rdistractors ${n}`),
      })
      process.stderr.write('\n')
      log(`distractors: ${d.chunks} synthetic chunks added`)
    }
    const spaceIds = [await sharedLibraryId(db)]
    const docOf = new Map<string, string>()
    const rows = await db.query<{ id: string; source: string }>('select id, source from documents')
    for (const r of rows) docOf.set(String(r.id), String(r.source).slice(SOURCE_PREFIX.length))
    const rankings = new Map<string, string[]>()
    const evalMs: number[] = []
    for (const q of queries.slice(0, limit)) {
      const t = performance.now()
      const hits = await retrieve(ctx, q.text, { k: 100, floor: false }, spaceIds)
      evalMs.push(performance.now() - t)
      rankings.set(q._id, documentRanking(hits.map((h) => ({ doc: docOf.get(h.document_id) ?? '' }))))
    }
    const searchMs: number[] = []
    for (const q of queries.slice(0, limit)) {
      const t = performance.now()
      await retrieve(ctx, q.text, { k: 8 }, spaceIds)
      searchMs.push(performance.now() - t)
    }
    const scored = new Map([...qrels].filter(([qid]) => rankings.has(qid)))
    const ndcg = meanMetric(scored, rankings, (r, rel) => ndcgAt(r, rel, 10))
    const recall = meanMetric(scored, rankings, (r, rel) => recallAt(r, rel, 100))
    log(`nDCG@10 ${ndcg.toFixed(4)}   Recall@100 ${recall.toFixed(4)}   (${scored.size} queries)`)
    const ms = (v: number[]) =>
      `p50 ${percentile(v, 50).toFixed(1)} ms, p95 ${percentile(v, 95).toFixed(1)} ms`
    log(`latency: retrieve k=100 (eval) ${ms(evalMs)}; retrieve k=8 with floor (search) ${ms(searchMs)}`)
    return 0
  } finally {
    await opened.drop()
    if (!values.postgres) await db.close()
  }
}

runCli(main)
