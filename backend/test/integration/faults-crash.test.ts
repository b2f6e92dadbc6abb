// Fault (d): kill -9 in the middle of a large ingestion (an upload of a few thousand chunks), on
// Postgres and on the embedded PGlite. After a restart the server starts, and no document is
// half-ingested: every document's chunk_count equals its chunk rows, no orphan chunks or
// postings, the BM25 statistics match, and the same upload then succeeds in full.
import assert from 'node:assert/strict'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import postgres from 'postgres'
import { type Database, openDatabase, pgliteDirOf } from '../../src/db/client.js'
import { bigMarkdown } from '../helpers/big-markdown.js'
import { PgCluster, pgClusterSkipReason } from '../helpers/pg-cluster.js'
import {
  ensureBackendBuilt,
  faultTestsSkipReason,
  http,
  removeDir,
  type ServerProcess,
  sleep,
  startServer,
} from '../helpers/processes.js'

const ADMIN = 'admin@example.com'
const PASSWORD = 'a quiet lighthouse 42'

function upload(srv: ServerProcess, token: string, name: string, markdown: string) {
  const form = new FormData()
  form.append('file', new Blob([markdown], { type: 'text/markdown' }), name)
  return http(srv.url, '/api/documents', { body: form, token, timeoutMs: 600_000 })
}

/** The admin account is made at start from ADMIN_PASSWORD (signing up does not make an admin). */
async function signInAdmin(srv: ServerProcess): Promise<string> {
  const r = await http(srv.url, '/api/auth/sign-in', { json: { email: ADMIN, password: PASSWORD } })
  assert.equal(r.status, 200, r.text)
  return (r.body as { session: { token: string } }).session.token
}

/** Integrity of the knowledge base, in SQL both engines accept. */
async function integrity(query: (sql: string) => Promise<Record<string, unknown>[]>) {
  const n = async (sql: string) => Number(Object.values((await query(sql))[0] ?? {})[0] ?? 0)
  const has = async (table: string) =>
    (await n(`select count(*) from pg_tables where tablename = '${table}'`)) > 0
  const report = {
    documents: await n('select count(*) from documents'),
    chunks: await n('select count(*) from chunks'),
    miscounted: await n(
      'select count(*) from documents d where d.chunk_count <> (select count(*) from chunks c where c.document_id = d.id)',
    ),
    orphanChunks: await n(
      'select count(*) from chunks c where not exists (select 1 from documents d where d.id = c.document_id)',
    ),
    orphanPostings: (await has('chunk_terms'))
      ? await n(
          'select count(*) from chunk_terms t where not exists (select 1 from chunks c where c.id = t.chunk_id)',
        )
      : 0,
    statsDrift: (await has('space_stats'))
      ? await n(
          'select abs((select coalesce(sum(chunk_count), 0) from space_stats) - (select count(*) from chunks))',
        )
      : 0,
  }
  assert.deepEqual(
    {
      miscounted: report.miscounted,
      orphanChunks: report.orphanChunks,
      orphanPostings: report.orphanPostings,
      statsDrift: report.statsDrift,
    },
    { miscounted: 0, orphanChunks: 0, orphanPostings: 0, statsDrift: 0 },
    `half-ingested state: ${JSON.stringify(report)}`,
  )
  return report
}

function dirBytes(dir: string): number {
  let total = 0
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    try {
      total += e.isDirectory() ? dirBytes(p) : statSync(p).size
    } catch {}
  }
  return total
}

interface Variant {
  name: string
  skip: string | false
  /** Start (or restart) the server on the same storage. */
  start(): Promise<ServerProcess>
  /** Resolves once the upload is inside its database transaction (best evidence available). */
  midTransaction(started: number): Promise<string>
  /** Integrity queries, run with the server stopped or running as the engine allows. */
  check(srv: ServerProcess): Promise<Awaited<ReturnType<typeof integrity>>>
  cleanup(): Promise<void>
}

function postgresVariant(): Variant {
  let pg: PgCluster | undefined
  let url = ''
  let sql: postgres.Sql | undefined
  return {
    name: 'postgres',
    skip: faultTestsSkipReason() || pgClusterSkipReason(),
    async start() {
      if (!pg) {
        pg = await PgCluster.start()
        url = pg.createDatabase('crash')
        sql = postgres(url, { max: 1, onnotice: () => {} })
      }
      return startServer({
        name: 'crash-pg',
        env: { DATABASE_URL: url, ADMIN_EMAILS: ADMIN, ADMIN_PASSWORD: PASSWORD },
      })
    },
    async midTransaction() {
      // A backend of the app's database inside a transaction for a while: the ingestion's.
      for (let i = 0; i < 1200; i++) {
        const rows = await (sql as postgres.Sql).unsafe(
          `select count(*)::int as n from pg_stat_activity where datname = 'crash' and pid <> pg_backend_pid()
           and xact_start < now() - interval '1500 milliseconds' and state in ('active', 'idle in transaction')`,
        )
        if ((rows[0]?.n as number) > 0) return 'pg_stat_activity shows the ingestion transaction open'
        await sleep(50)
      }
      throw new Error('the ingestion transaction was never seen')
    },
    async check() {
      return integrity((q) => (sql as postgres.Sql).unsafe(q) as Promise<Record<string, unknown>[]>)
    },
    async cleanup() {
      await sql?.end()
      pg?.destroy()
    },
  }
}

function pgliteVariant(): Variant {
  let cwd: string | undefined
  let baseline = 0
  return {
    name: 'pglite',
    skip: faultTestsSkipReason(),
    async start() {
      const srv = await startServer({
        name: 'crash-pglite',
        env: { ADMIN_EMAILS: ADMIN, ADMIN_PASSWORD: PASSWORD },
        healthTimeoutMs: 180_000,
        ...(cwd ? { cwd } : {}),
      })
      cwd ??= srv.cwd
      return srv
    },
    async midTransaction() {
      // No view into PGlite from outside: its WAL growing on disk while the upload is in flight.
      const dir = pgliteDirOf(join(cwd as string, 'data'))
      baseline = dirBytes(dir)
      for (let i = 0; i < 3000; i++) {
        const grown = dirBytes(dir) - baseline
        if (grown > 6 * 1024 * 1024) return `the data directory grew by ${(grown / 1048576).toFixed(1)} MiB`
        await sleep(20)
      }
      throw new Error('the ingestion never started writing')
    },
    async check(srv) {
      // PGlite has one owner: stop the server, open the directory here, check, close.
      assert.equal((await srv.stop('SIGTERM')).code, 0)
      const db: Database = await openDatabase({
        databaseUrl: null,
        pgliteDir: pgliteDirOf(join(cwd as string, 'data')),
      })
      try {
        return await integrity((q) => db.query(q))
      } finally {
        await db.close()
      }
    },
    async cleanup() {
      if (cwd) removeDir(cwd)
    },
  }
}

for (const variant of [postgresVariant(), pgliteVariant()]) {
  describe(`faults: kill -9 during a large ingestion [${variant.name}]`, {
    skip: variant.skip,
    timeout: 900_000,
  }, () => {
    let srv: ServerProcess | undefined
    after(async () => {
      await srv?.stop('SIGKILL')
      await variant.cleanup()
    })

    it('leaves no half-ingested document, restarts, and ingests the same upload in full', async () => {
      await ensureBackendBuilt()
      srv = await variant.start()
      let token = await signInAdmin(srv)
      const small = await upload(srv, token, 'small.md', bigMarkdown(60, 1, 'Crash test document'))
      assert.equal(small.status, 201, small.text)
      const smallChunks = (small.body as { chunks: number }).chunks

      // Large enough that the ingestion transaction stays open for seconds on a quiet machine
      // too (700 sections once committed in under the 1.5 s that midTransaction waits for).
      const big = bigMarkdown(1400, 2, 'Crash test document')
      const started = Date.now()
      const inFlight = upload(srv, token, 'big.md', big).then(
        (r) => `answered ${r.status}`,
        (err: Error) => `failed: ${(err.cause as { code?: string })?.code ?? err.message}`,
      )
      // An upload that ends first (too fast, or refused) is named instead of waited out.
      const evidence = await Promise.race([
        variant.midTransaction(started),
        inFlight.then((outcome) => {
          throw new Error(`the upload ended before the kill: ${outcome} after ${Date.now() - started} ms`)
        }),
      ])
      const crashed = srv
      await crashed.stop('SIGKILL')
      const killedAfter = Date.now() - started
      const outcome = await inFlight
      assert.match(outcome, /^failed/, 'the upload did not complete before the kill')

      const t0 = Date.now()
      srv = await variant.start()
      const restartMs = Date.now() - t0
      token = await signInAdmin(srv)
      const list = await http(srv.url, '/api/documents', { token })
      assert.equal(list.status, 200, list.text)
      const docs = (list.body as { documents: { source: string | null; chunks: number }[] }).documents
      assert.deepEqual(
        docs.map((d) => [d.source, d.chunks]),
        [['small.md', smallChunks]],
        'only the complete document is listed',
      )
      const search = await http(srv.url, '/api/search?q=section', { token })
      assert.equal(search.status, 200, search.text)

      const again = await upload(srv, token, 'big.md', big)
      assert.equal(again.status, 201, again.text)
      const bigChunks = (again.body as { chunks: number }).chunks
      const report = await variant.check(srv)
      assert.equal(report.documents, 2)
      assert.equal(report.chunks, smallChunks + bigChunks)
      process.stdout.write(
        `# kill -9 [${variant.name}]: killed ${killedAfter} ms into a ${bigChunks}-chunk upload (${evidence}); upload ${outcome}; restart healthy in ${restartMs} ms; ${JSON.stringify(report)}\n`,
      )
    })
  })
}
