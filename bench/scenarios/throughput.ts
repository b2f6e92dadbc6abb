// Throughput at 64 connections, every figure a ratio within this run: bare hello (baseline),
// bare hello with Fastify's default logging (reference), bare lookup (baseline for authenticated
// routes), the product's /health and /api/auth/me.
// Rounds are interleaved (hello, lookup, me, health, hello, …) so that a burst of noise from
// other work on the machine hits all of them alike; the median round is reported.
// Load from wrk -t1 when installed, autocannon otherwise (bench/lib/wrk.ts, --load=…): every
// scenario here, warm-ups included, uses the same tool, so the ratios compare like with like.
import { type Bench, base, cookieOf, profiled } from '../lib/bench.js'
import type { LoadResult, LoadSpec } from '../lib/load.js'
import type { Child } from '../lib/procs.js'
import { fmtRatio, loadRow, statusNote } from '../lib/report.js'
import { seedDesignAvailable, seedSeedDesignTables, startSeedDesign } from '../lib/seed-design.js'
import { runThroughput } from '../lib/wrk.js'

const CONNECTIONS = 64
const pid = (c: { proc: { pid?: number } }) => c.proc.pid as number

/** The middle element by `value` (the lower middle of an even count). */
function medianBy<T>(xs: T[], value: (x: T) => number): T {
  const sorted = [...xs].sort((a, b) => value(a) - value(b))
  return sorted[Math.floor((sorted.length - 1) / 2)] as T
}

const median = (results: LoadResult[]) => medianBy(results, (r) => r.rps)

/**
 * The median over rounds of `a.rps / b.rps`, the two measured in the same round seconds apart.
 * The machine's speed drifts during a run (a shared host: other work comes and goes), and a
 * ratio of two runs made back to back cancels most of that drift, where a ratio of medians taken
 * minutes apart does not. `rounds` lists each round's ratio, for the note.
 */
function pairedRatio(a: LoadResult[], b: LoadResult[]): { median: number; rounds: string } {
  const each = a.map((r, i) => r.rps / (b[i] as LoadResult).rps)
  return { median: medianBy(each, (x) => x), rounds: each.map((x) => x.toFixed(2)).join(', ') }
}

/** One session cookie per seeded user, cycled per request (wrk pre-builds the requests). */
function cookieRotation(b: Bench): Record<string, string>[] {
  return b.users.map((u) => ({ cookie: cookieOf(u) }))
}

/** Which tool measured the row, then server CPU and any non-2xx / errors. */
function note(r: LoadResult): string {
  const rest = statusNote(r)
  return rest ? `${r.tool}; ${rest}` : r.tool
}

export async function throughput(b: Bench): Promise<Record<string, LoadResult>> {
  const d = b.opts.durationS
  const run = (s: LoadSpec) => runThroughput(s, b.opts.load)
  // Every scenario here: 64 connections for the run's duration against one server's path;
  // the authenticated ones cycle through the seeded users' cookies.
  const at = (server: Child, path: string, signedIn = false): LoadSpec => ({
    url: `${base(server)}${path}`,
    connections: CONNECTIONS,
    durationS: d,
    serverPid: pid(server),
    // The hello baselines never touch the database.
    localPostgres: server !== b.hello && server !== b.helloLogged,
    ...(signedIn ? { rotateHeaders: cookieRotation(b) } : {}),
  })
  const specs: Record<string, LoadSpec> = {
    hello: at(b.hello, '/hello'),
    helloLogged: at(b.helloLogged, '/hello'),
    lookup: at(b.lookup, '/lookup', true),
    me: at(b.app, '/api/auth/me', true),
    health: at(b.app, '/health'),
  }
  // Warm-up: JIT, connection pools, prepared statements.
  for (const s of Object.values(specs)) await run({ ...s, durationS: 1 })
  const runs: Record<string, LoadResult[]> = Object.fromEntries(Object.keys(specs).map((k) => [k, []]))
  // The product's event-loop delay during each of its runs: a latency tail with a quiet event
  // loop comes from outside Node (the database, the machine), one with a busy loop from inside.
  const eld = new Map<LoadResult, string>()
  for (let round = 0; round < b.opts.rounds; round++) {
    for (const name of Object.keys(specs)) {
      const product = name === 'me' || name === 'health'
      if (product) await b.app.rpc('eld-start')
      // BENCH_PROFILE_DIR=<dir>: CPU profiles of the server in the last round's me and health runs.
      const last = product && round === b.opts.rounds - 1
      const r = await profiled(b.app, name, () => run(specs[name] as LoadSpec), last)
      if (product) {
        const e = await b.app.rpc<{ p99?: number; max?: number; error?: string }>('eld-stop')
        eld.set(r, e.error ? '' : `event loop p99 ${e.p99} ms, max ${e.max} ms`)
      }
      runs[name]?.push(r)
    }
  }
  const hello = median(runs.hello as LoadResult[])
  const helloLogged = median(runs.helloLogged as LoadResult[])
  const lookup = median(runs.lookup as LoadResult[])
  const me = median(runs.me as LoadResult[])
  const health = median(runs.health as LoadResult[])
  const ok = (r: LoadResult) => r.s2xx === r.requests && r.errors === 0
  // The targets' ratios: me right after lookup, health three runs after hello, in every round.
  const meToLookup = pairedRatio(runs.me as LoadResult[], runs.lookup as LoadResult[])
  const healthToHello = pairedRatio(runs.health as LoadResult[], runs.hello as LoadResult[])
  b.rows.push(
    loadRow('bare Fastify GET /hello (baseline)', hello, {
      ratio: '1.000',
      target: 'baseline',
      note: note(hello),
    }),
    loadRow("bare Fastify GET /hello with Fastify's default pino logging", helloLogged, {
      ratio: `${fmtRatio(helloLogged.rps / hello.rps)} of hello`,
      target: 'reference (issue: 0.66 of hello)',
      note: `${note(helloLogged)}; what logging alone costs on this machine`,
    }),
    loadRow('bare lookup (Fastify + postgres, session join)', lookup, {
      ratio: `${fmtRatio(lookup.rps / hello.rps)} of hello`,
      target: 'baseline (ref. 0.26–0.36 of hello)',
      note: note(lookup),
    }),
    loadRow('GET /api/auth/me (cookie, 64 users)', me, {
      ratio: `${fmtRatio(meToLookup.median)} of lookup; ${fmtRatio(me.rps / hello.rps)} of hello`,
      target: '≥ 0.7 × lookup, p99 ≤ 50 ms',
      pass: ok(me) && meToLookup.median >= 0.7 && me.p99 <= 50,
      note: [note(me), `of lookup by round ${meToLookup.rounds}`, eld.get(me)].filter(Boolean).join('; '),
    }),
    loadRow('GET /health', health, {
      ratio: `${fmtRatio(healthToHello.median)} of hello; ${fmtRatio(health.rps / helloLogged.rps)} of logged hello`,
      target: '≥ 0.5 × hello',
      pass: ok(health) && healthToHello.median >= 0.5,
      note: [note(health), `of hello by round ${healthToHello.rounds}`, eld.get(health)]
        .filter(Boolean)
        .join('; '),
    }),
  )
  return { hello, lookup, me, health }
}

/** The seed's FastAPI design on the same database, users and tokens. */
export async function seedDesign(b: Bench, me: LoadResult | undefined): Promise<void> {
  const missing = seedDesignAvailable()
  if (missing) {
    b.rows.push({
      scenario: "seed's design (FastAPI)",
      target: '≥ 12× slower than me',
      pass: null,
      note: `skipped: ${missing}`,
    })
    return
  }
  await seedSeedDesignTables(b.db, b.users)
  const server = await startSeedDesign(b.dbUrl, b.logDir)
  try {
    const spec: LoadSpec = {
      url: `http://127.0.0.1:${server.port}/api/me`,
      connections: CONNECTIONS,
      durationS: b.opts.durationS,
      rotateHeaders: cookieRotation(b),
      serverPid: server.proc.pid as number,
    }
    const run = (s: LoadSpec) => runThroughput(s, b.opts.load)
    await run({ ...spec, durationS: 1 })
    const r = await run(spec)
    // Only a ratio between runs of the same load tool.
    const same = me !== undefined && me.tool === r.tool
    const factor = same ? me.rps / r.rps : Number.NaN
    b.rows.push(
      loadRow("seed's design: FastAPI + sync SQLAlchemy, GET /api/me", r, {
        ratio: `me is ${factor.toFixed(1)}×`,
        target: 'me ≥ 12× this',
        pass: same ? factor >= 12 && r.s2xx > 0 : null,
        note: note(r),
      }),
    )
  } finally {
    await server.stop()
  }
}
