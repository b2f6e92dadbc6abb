// The product under test, one process: the same steps as backend/src/server.ts (config from the
// environment → database → buildApp → migrations → start-up tasks → listen), plus what the
// benchmark needs from inside: event-loop delay (monitorEventLoopDelay) and seeding over IPC.
// BENCH_BACKEND=dist runs the compiled build exactly as `npm start` does (no tsx: production
// memory and speed); otherwise the TypeScript sources under tsx (the PGlite child, which seeds).
import { mkdirSync, writeFileSync } from 'node:fs'
import { Session } from 'node:inspector'
import { dirname } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'

const fromDist = process.env.BENCH_BACKEND === 'dist'
const base = new URL(fromDist ? '../backend/dist/' : '../backend/src/', import.meta.url)
const load = (path) => import(new URL(path, base).href)

const { loadConfig } = await load('config.js')
const { openDatabase, pgliteDirOf } = await load('db/client.js')
const { buildApp } = await load('app.js')
const { migrate } = await load('db/migrate.js')
const { startupTasks } = await load('startup.js')

const { config } = loadConfig(process.env)
const db = await openDatabase({
  databaseUrl: config.databaseUrl,
  pgliteDir: config.databaseUrl ? null : pgliteDirOf(config.dataDir),
})
const app = await buildApp({ config, db })
await migrate(db)
await startupTasks(app, { config, db })

// Enabled only while a scenario asks for it, so the timer costs nothing elsewhere.
const RESOLUTION_MS = 1
let eld = null
const ms = (ns) => Math.round(ns / 1e4) / 100
let profiler = null
const post = (method, params = {}) =>
  new Promise((resolve, reject) =>
    profiler.post(method, params, (err, result) => (err ? reject(err) : resolve(result))),
  )

const handlers = {
  'eld-start': () => {
    eld?.disable()
    eld = monitorEventLoopDelay({ resolution: RESOLUTION_MS })
    eld.enable()
    return { ok: true }
  },
  'eld-stop': () => {
    if (!eld) return { error: 'not started' }
    eld.disable()
    const r = {
      resolutionMs: RESOLUTION_MS,
      p50: ms(eld.percentile(50)),
      p99: ms(eld.percentile(99)),
      max: ms(eld.max),
      samples: eld.count,
    }
    eld = null
    return r
  },
  // CPU profile of the steady state only (start-up excluded), for `--profile` diagnostics.
  'profile-start': async () => {
    profiler = new Session()
    profiler.connect()
    await post('Profiler.enable')
    await post('Profiler.start')
    return { ok: true }
  },
  'profile-stop': async (args) => {
    const { profile } = await post('Profiler.stop')
    mkdirSync(dirname(args.path), { recursive: true })
    writeFileSync(args.path, JSON.stringify(profile))
    profiler.disconnect()
    profiler = null
    return { path: args.path }
  },
  seed: async (args) => {
    if (fromDist) return { error: 'seeding needs the TypeScript sources (run without BENCH_BACKEND=dist)' }
    const seed = await import('./lib/seed.ts')
    const users = await seed.seedUsers(db, config, args.users)
    const corpus = args.bulk
      ? await (await import('./lib/bulk-ingest.ts')).bulkSeedCorpus(db, config, args.chunks)
      : await seed.seedCorpus(db, config, args.chunks)
    return { users, corpus }
  },
}

process.on('message', async (m) => {
  if (m?.type !== 'rpc') return
  let result
  try {
    const h = handlers[m.cmd]
    result = h ? await h(m.args) : { error: `unknown rpc ${m.cmd}` }
  } catch (err) {
    result = { error: err instanceof Error ? err.message : String(err) }
  }
  process.send?.({ type: 'rpc', id: m.id, result })
})

let closing = false
async function shutdown() {
  if (closing) return
  closing = true
  await app.close()
  await db.close()
  process.exit(0)
}
process.on('SIGTERM', shutdown)
process.on('disconnect', shutdown)

await app.listen({ port: 0, host: '127.0.0.1' })
const address = app.server.address()
process.send?.({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 })
