// `npm run bench [-- --quick | --soak] [--record]`: starts the baselines and the real server
// (production config, fresh Postgres database bench_<random>), seeds users, sessions and a
// synthetic corpus through the product's ingestion, runs every scenario of issue 7 against
// 127.0.0.1 only, prints absolute figures and ratios with PASS/FAIL, and drops the database.
import { execSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../backend/src/config.js'
import { type Database, openDatabase } from '../backend/src/db/client.js'
import { migrate } from '../backend/src/db/migrate.js'
import { type Bench, productEnv, startProduct } from './lib/bench.js'
import { bulkSeedCorpus, checkEquivalence } from './lib/bulk-ingest.js'
import { parseOptions } from './lib/options.js'
import { createBenchDatabase, postgresVersion } from './lib/pg-admin.js'
import { type Child, REPO_DIR, spawnChild, tsxArgs } from './lib/procs.js'
import { renderTable } from './lib/report.js'
import { recordResults } from './lib/results-file.js'
import { seedCorpus, seedUsers } from './lib/seed.js'
import { throughputTool } from './lib/wrk.js'
import { idleRss, settledRss } from './scenarios/memory.js'
import { chat, chatV1, memberSearch, pgliteSearch, search } from './scenarios/retrieval.js'
import { signinBurst } from './scenarios/signin-burst.js'
import { soak } from './scenarios/soak.js'
import { seedDesign, throughput } from './scenarios/throughput.js'
import { historyLine, ingestRows } from './summary.js'

const opts = parseOptions(process.argv.slice(2))
const log = (msg: string) =>
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`)
const wanted = (name: string) => !opts.only || opts.only.has(name)
const started = Date.now()
const loadAtStart = loadavg().map((x) => x.toFixed(2))

function build() {
  // What `npm start` does; a type error elsewhere in the tree still emits JavaScript.
  try {
    execSync('node scripts/ensure-built.mjs', { cwd: REPO_DIR, stdio: ['ignore', 'ignore', 'inherit'] })
  } catch {
    log('warning: the build reported errors; benchmarking the JavaScript it emitted')
  }
}

async function grow(b: Bench, db: Database, target: number, label: string) {
  const missing = target - b.corpus.chunks
  if (missing <= 0) return
  log(`bulk-seeding ${missing} chunks (${label})…`)
  // ingestBulk ends with VACUUM (ANALYZE) of the search tables, so the timing includes it.
  const p = await bulkSeedCorpus(db, b.config, missing, b.corpus.nextDoc)
  b.corpus = { nextDoc: p.nextDoc, chunks: b.corpus.chunks + p.chunks }
  b.ingest.push({ label, progress: p })
}

async function productPathSample(b: Bench, db: Database, chunks: number, label: string) {
  log(`ingesting ${chunks} chunks through ingestDocument (${label})…`)
  const p = await seedCorpus(db, b.config, chunks, b.corpus.nextDoc)
  b.corpus = { nextDoc: p.nextDoc, chunks: b.corpus.chunks + p.chunks }
  b.ingest.push({ label: `ingestDocument, ${label}`, progress: p })
}

async function scenarios(b: Bench) {
  const sample = opts.mode === 'quick' ? 400 : 2_000
  await productPathSample(b, b.db, Math.min(sample, opts.chatChunks), 'from an empty corpus')
  await checkEquivalence(3, b.corpus.nextDoc)
  await grow(b, b.db, opts.chatChunks, `bulk variant to ${opts.chatChunks}`)
  if (opts.mode === 'soak') {
    log(`soak: ${opts.soakSeconds} s of mixed traffic…`)
    await soak(b)
    return
  }
  let me: Awaited<ReturnType<typeof throughput>>['me'] | undefined
  if (wanted('throughput')) {
    log('throughput: hello, lookup, me, health…')
    me = (await throughput(b)).me
  }
  if (wanted('seed-design')) {
    log("seed's design…")
    await seedDesign(b, me)
  }
  if (wanted('memory')) await idleRss(b, 'after warm-up', false)
  if (wanted('signin')) {
    log('sign-in burst…')
    await signinBurst(b)
  }
  if (wanted('chat')) {
    log('chat…')
    const reference = await chat(b)
    log('chat through /v1 with API keys…')
    await chatV1(b, reference)
  }
  // spaces: the member's search of issue 17, beside the shared library at --search-chunks.
  if (wanted('search') || wanted('spaces')) {
    const final = opts.searchChunks <= b.corpus.chunks
    if (wanted('search')) {
      log(`search at ${b.corpus.chunks} chunks…`)
      await search(b, `${b.corpus.chunks} chunks`, final ? 50 : null)
    }
    if (!final) {
      await grow(b, b.db, opts.searchChunks, `bulk variant to ${opts.searchChunks}`)
      if (wanted('search')) {
        log(`search at ${b.corpus.chunks} chunks…`)
        await search(b, `${b.corpus.chunks} chunks`, 50)
      }
    }
    if (wanted('spaces')) {
      log(`search inside a 1k-chunk team space beside ${b.corpus.chunks} shared chunks…`)
      await memberSearch(b)
    }
    if (!final) {
      await productPathSample(
        b,
        b.db,
        opts.mode === 'quick' ? 200 : 500,
        `on top of ${b.corpus.chunks} chunks`,
      )
    }
  }
  // PGlite runs in a server of its own while the product sits idle for its settled RSS.
  const pglite = async () => {
    if (!wanted('pglite')) return
    log(`PGlite: seeding ${opts.pgliteChunks} chunks in its server, then search…`)
    await pgliteSearch(b)
  }
  if (wanted('memory')) await settledRss(b, pglite)
  else await pglite()
}

/** Which load tool ran which scenarios (ratios are only computed within one tool). */
function loadLine(): string {
  const tail = 'one server per child process, 127.0.0.1 only.'
  if (opts.mode === 'soak' || (!wanted('throughput') && !wanted('seed-design'))) {
    return `Load: autocannon in the bench process; ${tail}`
  }
  const tool = throughputTool(opts.load)
  const tp = tool === 'wrk -t1' ? 'wrk -t1 (its own process)' : 'autocannon in the bench process'
  return `Load: ${tp} for the throughput scenarios (hello, lookup, me, health, seed's design); autocannon in the bench process for the others; ${tail}`
}

async function main() {
  const logDir = mkdtempSync(join(tmpdir(), 'rag-bench-'))
  log(`mode ${opts.mode}; logs in ${logDir}; load average ${loadAtStart.join(' ')}`)
  build()
  const bdb = await createBenchDatabase()
  const children: Child[] = []
  let db: Database | null = null
  const cleanup = async () => {
    await Promise.allSettled(children.map((c) => c.stop()))
    await db?.close().catch(() => {})
    await bdb.drop().catch((err) => log(`could not drop ${bdb.name}: ${err}`))
  }
  process.once('SIGINT', () => {
    log('interrupted: cleaning up')
    cleanup().finally(() => process.exit(130))
  })
  let b: Bench | null = null
  try {
    db = await openDatabase({ databaseUrl: bdb.url, pgliteDir: null, max: 4 })
    await migrate(db)
    const { config } = loadConfig(productEnv({ DATABASE_URL: bdb.url }))
    log(`seeding ${opts.users} users with sessions…`)
    const users = await seedUsers(db, config, opts.users)
    const env = { BENCH_DATABASE_URL: bdb.url }
    const spawnBaseline = (file: string, name = file, extra: Record<string, string> = {}) =>
      spawnChild({
        name,
        args: tsxArgs(`${file}.ts`),
        env: { ...env, ...extra },
        logDir,
        readyTimeoutMs: 30_000,
      })
    const hello = await spawnBaseline('baseline-hello')
    children.push(hello)
    const helloLogged = await spawnBaseline('baseline-hello', 'baseline-hello-logged', {
      BENCH_HELLO_LOGGER: '1',
    })
    children.push(helloLogged)
    const lookup = await spawnBaseline('baseline-lookup')
    children.push(lookup)
    const app = await startProduct(bdb.url, logDir)
    children.push(app)
    b = {
      opts,
      logDir,
      rows: [],
      dbUrl: bdb.url,
      db,
      config,
      users,
      hello,
      helloLogged,
      lookup,
      app,
      corpus: { nextDoc: 0, chunks: 0 },
      ingest: [],
      notes: [],
    }
    await scenarios(b)
  } finally {
    await cleanup()
  }
  b.rows.push(...ingestRows(b))
  const minutes = ((Date.now() - started) / 60_000).toFixed(1)
  const loadAtEnd = loadavg().map((x) => x.toFixed(2))
  const header = [
    `Run ${new Date().toISOString()} — \`npm run bench${opts.mode === 'full' ? '' : ` -- --${opts.mode}`}\`, ${minutes} min`,
    `Machine: ${execSync('nproc').toString().trim()} cores, Node ${process.version}, PostgreSQL ${await postgresVersion()}; load average at start ${loadAtStart.join(' ')}, at end ${loadAtEnd.join(' ')}`,
    loadLine(),
  ].join('\n\n')
  const table = renderTable(b.rows)
  process.stdout.write(`\n${header}\n\n${table}\n`)
  const failed = b.rows.filter((r) => r.pass === false).length
  const passed = b.rows.filter((r) => r.pass === true).length
  process.stdout.write(`\n${passed} passed, ${failed} failed\n`)
  if (opts.record) {
    recordResults(`${header}\n\n${table}`, historyLine(b, loadAtStart[0] as string, passed, failed))
    log('bench/RESULTS.md updated')
  }
  rmSync(logDir, { recursive: true, force: true })
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
  process.exit(1)
})
