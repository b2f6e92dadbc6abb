// `node --import tsx bench/chat-statements.ts [--chunks=2000] [--questions=200] [--db-url=<kept db>] [--keep]`:
// what one chat question costs Postgres. Seeds a synthetic corpus (bulk ingestion, shared
// library), builds the app in-process on a pool that reaches Postgres through a loopback proxy
// reading the wire protocol, and asks the bench's questions one at a time (POST
// /api/chat/message, extractive, a new conversation each). Reports per question:
// - statements executed (Execute and simple Query messages the app sent), grouped by SQL text;
// - each group's server time: from when the statement was sent (or the previous one on that
//   connection finished) to its CommandComplete, on a quiet connection (one question at a time);
// - Postgres CPU: utime+stime of the app's backends (/proc/<pid>/stat) over the whole run.
// pg_stat_statements is not loaded on the shared server, hence the proxy.
import net from 'node:net'
import { parseArgs } from 'node:util'
import postgres from 'postgres'
import { buildApp } from '../backend/src/app.js'
import { createSession } from '../backend/src/auth/sessions.js'
import { testConfig } from '../backend/src/config.js'
import { openDatabase } from '../backend/src/db/client.js'
import { migrate } from '../backend/src/db/migrate.js'
import { insertUser } from '../backend/src/db/queries/users.js'
import { systemClock } from '../backend/src/lib/clock.js'
import { uuidv7 } from '../backend/src/lib/ids.js'
import { syntheticQuestions } from './corpus.js'
import { bulkSeedCorpus } from './lib/bulk-ingest.js'
import { ADMIN_URL, createBenchDatabase } from './lib/pg-admin.js'
import { readCpuSeconds } from './lib/procs.js'

const { values } = parseArgs({
  options: {
    chunks: { type: 'string', default: '2000' },
    questions: { type: 'string', default: '200' },
    'db-url': { type: 'string' },
    keep: { type: 'boolean' },
    route: { type: 'string', default: 'chat' },
  },
})
const log = (m: string) =>
  process.stderr.write(`[chat-statements ${new Date().toISOString().slice(11, 19)}] ${m}\n`)

interface Stat {
  calls: number
  ms: number
}

/** A loopback proxy to Postgres that counts and times the statements passing through it. */
async function statementProxy(targetPort: number) {
  const stats = new Map<string, Stat>()
  let recording = false
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1')
    const named = new Map<string, string>()
    let bound = ''
    // What the server owes an answer to, in order: Execute (ends with CommandComplete or an error),
    // simple Query (ends with ReadyForQuery), Sync (ReadyForQuery).
    const pending: { kind: 'exec' | 'simple' | 'sync'; text: string; sent: number }[] = []
    let lastDone = 0
    const complete = () => {
      const p = pending.shift() as (typeof pending)[number]
      const now = performance.now()
      if (recording && p.kind !== 'sync') {
        const s = stats.get(p.text) ?? { calls: 0, ms: 0 }
        s.calls++
        s.ms += now - Math.max(p.sent, lastDone)
        stats.set(p.text, s)
      }
      lastDone = now
    }
    let startup = true
    let fromClient = Buffer.alloc(0)
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk)
      fromClient = Buffer.concat([fromClient, chunk])
      for (;;) {
        if (startup) {
          if (fromClient.length < 4) break
          const len = fromClient.readInt32BE(0)
          if (fromClient.length < len) break
          fromClient = fromClient.subarray(len)
          startup = false
          continue
        }
        if (fromClient.length < 5) break
        const type = String.fromCharCode(fromClient[0] as number)
        const len = fromClient.readInt32BE(1)
        if (fromClient.length < 1 + len) break
        const body = fromClient.subarray(5, 1 + len)
        fromClient = fromClient.subarray(1 + len)
        const cstrings = () => body.toString('utf8').split('\0')
        if (type === 'P') {
          const [name = '', text = ''] = cstrings()
          named.set(name, text)
        } else if (type === 'B') {
          bound = named.get(cstrings()[1] ?? '') ?? '?'
        } else if (type === 'E') {
          pending.push({ kind: 'exec', text: bound, sent: performance.now() })
        } else if (type === 'Q') {
          pending.push({ kind: 'simple', text: cstrings()[0] ?? '', sent: performance.now() })
        } else if (type === 'S') {
          pending.push({ kind: 'sync', text: '', sent: performance.now() })
        }
      }
    })
    let fromServer = Buffer.alloc(0)
    upstream.on('data', (chunk: Buffer) => {
      client.write(chunk)
      fromServer = Buffer.concat([fromServer, chunk])
      while (fromServer.length >= 5) {
        const type = String.fromCharCode(fromServer[0] as number)
        const len = fromServer.readInt32BE(1)
        if (fromServer.length < 1 + len) break
        fromServer = fromServer.subarray(1 + len)
        // CommandComplete, EmptyQueryResponse, PortalSuspended end an Execute; ReadyForQuery ends a
        // simple Query or a Sync (after an error, the Executes before that Sync were skipped).
        const head = pending[0]?.kind
        if ((type === 'C' || type === 'I' || type === 's' || type === 'E') && head === 'exec') complete()
        else if (type === 'Z') {
          while (pending[0]?.kind === 'exec') pending.shift()
          if (pending[0]) complete()
        }
      }
    })
    for (const s of [client, upstream]) s.on('error', () => {})
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as net.AddressInfo).port,
    stats,
    record(on: boolean) {
      recording = on
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

const oneLine = (sql: string) => sql.replace(/\s+/g, ' ').trim()

async function main() {
  const owned = values['db-url'] ? null : await createBenchDatabase()
  const url = new URL(values['db-url'] ?? (owned?.url as string))
  const dbName = url.pathname.slice(1)
  const config = testConfig({
    RATE_LIMIT_GLOBAL: '10000000/minute',
    RATE_LIMIT_CHAT: '10000000/minute',
    RATE_LIMIT_AUTH: '10000000/minute',
  })
  const seedDb = await openDatabase({ databaseUrl: url.toString(), pgliteDir: null, max: 4 })
  let docs: number
  let token: string
  try {
    await migrate(seedDb)
    const [row] = await seedDb.query<{ c: string; d: string }>(
      'select (select count(*) from chunks) as c, (select count(*) from documents) as d',
    )
    const have = Number(row?.c)
    docs = Number(row?.d)
    const want = Number(values.chunks)
    if (have < want) {
      log(`seeding ${want - have} chunks…`)
      const p = await bulkSeedCorpus(seedDb, config, want - have, docs)
      docs += p.docs
    }
    await seedDb.exec('vacuum (analyze)')
    // A user of its own per run (a kept database already has earlier runs' users).
    const id = uuidv7()
    await insertUser(seedDb, {
      id,
      email: `stmt-${id}@bench.test`,
      name: 'Bench',
      passwordHash: 'x',
      createdAt: new Date(),
    })
    token = (
      await createSession({ db: seedDb, config, clock: systemClock }, id, {
        ip: '127.0.0.1',
        userAgent: 'bench',
      })
    ).token
  } finally {
    await seedDb.close()
  }

  const proxy = await statementProxy(Number(new URL(ADMIN_URL).port || 5432))
  const viaProxy = new URL(url)
  viaProxy.host = `127.0.0.1:${proxy.port}`
  const db = await openDatabase({ databaseUrl: viaProxy.toString(), pgliteDir: null, max: 10 })
  const app = await buildApp({ config, db, clock: systemClock })
  await app.ready()
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} })
  const backendCpu = async () => {
    const rows = await admin.unsafe('select pid from pg_stat_activity where datname = $1', [dbName])
    let s = 0
    for (const r of rows) s += readCpuSeconds(Number((r as unknown as { pid: number }).pid))
    return s
  }
  const questions = syntheticQuestions(Number(values.questions), docs)
  const ask = async (q: string) => {
    const res =
      values.route === 'search'
        ? await app.inject({
            method: 'GET',
            url: `/api/search?q=${encodeURIComponent(q)}&k=8`,
            headers: { authorization: `Bearer ${token}` },
          })
        : await app.inject({
            method: 'POST',
            url: '/api/chat/message',
            headers: { authorization: `Bearer ${token}` },
            payload: { message: q },
          })
    if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body}`)
  }
  try {
    // Warm-up: every connection opened and every statement prepared before measuring.
    for (const q of questions.slice(0, 20)) await ask(q)
    const cpu0 = await backendCpu()
    proxy.record(true)
    const t0 = performance.now()
    for (const q of questions) await ask(q)
    const wall = performance.now() - t0
    proxy.record(false)
    const cpu = (await backendCpu()) - cpu0
    const n = questions.length
    const groups = [...proxy.stats].sort((a, b) => b[1].ms - a[1].ms)
    const calls = groups.reduce((s, [, g]) => s + g.calls, 0)
    const ms = groups.reduce((s, [, g]) => s + g.ms, 0)
    const out = [
      `${values.route === 'search' ? 'GET /api/search' : 'POST /api/chat/message'}, ${n} questions one at a time, database ${dbName}`,
      `statements per question ${(calls / n).toFixed(2)}; server time per question ${(ms / n).toFixed(2)} ms; ` +
        `Postgres CPU per question ${((1000 * cpu) / n).toFixed(2)} ms; wall per question ${(wall / n).toFixed(2)} ms`,
      '',
      '| per question | ms | statement |',
      '| --- | --- | --- |',
      ...groups.map(
        ([text, g]) =>
          `| ${(g.calls / n).toFixed(2)} | ${(g.ms / n).toFixed(3)} | ${oneLine(text).slice(0, 110).replaceAll('|', '\\|')} |`,
      ),
    ]
    process.stdout.write(`${out.join('\n')}\n`)
  } finally {
    await app.close()
    await db.close()
    await admin.end({ timeout: 5 })
    await proxy.close()
    if (owned && !values.keep) await owned.drop()
    else log(`kept ${url.toString()}`)
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
  process.exit(1)
})
