// Throughput at 64 connections, every figure a ratio within this run: bare hello (baseline),
// bare lookup (baseline for authenticated routes), the product's /health and /api/auth/me.
// Rounds are interleaved (hello, lookup, me, health, hello, …) so that a burst of noise from
// other work on the machine hits all of them alike; the median round is reported.
import { type Bench, base, cookieOf } from '../lib/bench.js'
import { type LoadResult, type LoadSpec, roundRobin, runLoad } from '../lib/load.js'
import { fmtRatio, loadRow, statusNote } from '../lib/report.js'
import { seedDesignAvailable, seedSeedDesignTables, startSeedDesign } from '../lib/seed-design.js'

const CONNECTIONS = 64
const pid = (c: { proc: { pid?: number } }) => c.proc.pid as number

function median(results: LoadResult[]): LoadResult {
  const sorted = [...results].sort((a, b) => a.rps - b.rps)
  return sorted[Math.floor((sorted.length - 1) / 2)] as LoadResult
}

function cookieRotation(b: Bench) {
  const next = roundRobin(b.users.map(cookieOf))
  return () => ({ headers: { cookie: next() } })
}

export async function throughput(b: Bench): Promise<Record<string, LoadResult>> {
  const d = b.opts.durationS
  const specs: Record<string, LoadSpec> = {
    hello: { url: `${base(b.hello)}/hello`, connections: CONNECTIONS, durationS: d, serverPid: pid(b.hello) },
    lookup: {
      url: `${base(b.lookup)}/lookup`,
      connections: CONNECTIONS,
      durationS: d,
      next: cookieRotation(b),
      serverPid: pid(b.lookup),
    },
    me: {
      url: `${base(b.app)}/api/auth/me`,
      connections: CONNECTIONS,
      durationS: d,
      next: cookieRotation(b),
      serverPid: pid(b.app),
    },
    health: { url: `${base(b.app)}/health`, connections: CONNECTIONS, durationS: d, serverPid: pid(b.app) },
  }
  // Warm-up: JIT, connection pools, prepared statements.
  for (const s of Object.values(specs)) await runLoad({ ...s, durationS: 1 })
  const runs: Record<string, LoadResult[]> = { hello: [], lookup: [], me: [], health: [] }
  for (let round = 0; round < b.opts.rounds; round++) {
    for (const name of Object.keys(specs)) runs[name]?.push(await runLoad(specs[name] as LoadSpec))
  }
  const hello = median(runs.hello as LoadResult[])
  const lookup = median(runs.lookup as LoadResult[])
  const me = median(runs.me as LoadResult[])
  const health = median(runs.health as LoadResult[])
  const ok = (r: LoadResult) => r.s2xx === r.requests && r.errors === 0
  b.rows.push(
    loadRow('bare Fastify GET /hello (baseline)', hello, {
      ratio: '1.000',
      target: 'baseline',
      note: statusNote(hello),
    }),
    loadRow('bare lookup (Fastify + postgres, session join)', lookup, {
      ratio: `${fmtRatio(lookup.rps / hello.rps)} of hello`,
      target: 'baseline (ref. 0.26–0.36 of hello)',
      note: statusNote(lookup),
    }),
    loadRow('GET /api/auth/me (cookie, 64 users)', me, {
      ratio: `${fmtRatio(me.rps / lookup.rps)} of lookup; ${fmtRatio(me.rps / hello.rps)} of hello`,
      target: '≥ 0.7 × lookup, p99 ≤ 50 ms',
      pass: ok(me) && me.rps >= 0.7 * lookup.rps && me.p99 <= 50,
      note: statusNote(me),
    }),
    loadRow('GET /health', health, {
      ratio: `${fmtRatio(health.rps / hello.rps)} of hello`,
      target: '≥ 0.5 × hello',
      pass: ok(health) && health.rps >= 0.5 * hello.rps,
      note: statusNote(health),
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
      next: cookieRotation(b),
      serverPid: server.proc.pid as number,
    }
    await runLoad({ ...spec, durationS: 1 })
    const r = await runLoad(spec)
    const factor = me ? me.rps / r.rps : Number.NaN
    b.rows.push(
      loadRow("seed's design: FastAPI + sync SQLAlchemy, GET /api/me", r, {
        ratio: `me is ${factor.toFixed(1)}×`,
        target: 'me ≥ 12× this',
        pass: me ? factor >= 12 && r.s2xx > 0 : null,
        note: statusNote(r),
      }),
    )
  } finally {
    await server.stop()
  }
}
