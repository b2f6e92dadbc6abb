// Retrieval and chat through the HTTP API with natural-language questions (OR semantics).
import { join } from 'node:path'
import { syntheticQuestions } from '../corpus.js'
import { type Bench, base, cookieOf, productEnv } from '../lib/bench.js'
import { roundRobin, runLoad } from '../lib/load.js'
import { spawnChild, tsxArgs } from '../lib/procs.js'
import { loadRow, statusNote } from '../lib/report.js'
import type { CorpusProgress, SeededUser } from '../lib/seed.js'

const QUESTIONS = syntheticQuestions(500)

function searchNext(cookies: string[]) {
  const q = roundRobin(QUESTIONS)
  const c = roundRobin(cookies)
  return () => ({ path: `/api/search?q=${encodeURIComponent(q())}&k=8`, headers: { cookie: c() } })
}

export async function search(b: Bench, label: string, target: number | null): Promise<void> {
  const spec = {
    url: `${base(b.app)}/api/search`,
    connections: 8,
    durationS: b.opts.durationS * 2,
    next: searchNext(b.users.map(cookieOf)),
  }
  await runLoad({ ...spec, durationS: 1 })
  const r = await runLoad(spec)
  b.rows.push(
    loadRow(`GET /api/search, ${label}, 8 conns`, r, {
      target: target === null ? 'info' : `p95 ≤ ${target} ms`,
      pass: target === null ? null : r.s2xx === r.requests && r.p95 <= target,
      note: statusNote(r),
    }),
  )
}

export async function chat(b: Bench): Promise<void> {
  const q = roundRobin(QUESTIONS)
  const c = roundRobin(b.users.map(cookieOf))
  const spec = {
    url: `${base(b.app)}/api/chat/message`,
    method: 'POST' as const,
    connections: 10,
    durationS: b.opts.durationS * 2,
    next: () => ({
      headers: { cookie: c(), 'content-type': 'application/json' },
      body: JSON.stringify({ message: q() }),
    }),
  }
  await runLoad({ ...spec, durationS: 1 })
  const r = await runLoad(spec)
  b.rows.push(
    loadRow(`POST /api/chat/message (extractive), ${b.corpus.chunks} chunks, 10 users`, r, {
      target: 'p95 ≤ 100 ms',
      pass: r.s2xx === r.requests && r.errors === 0 && r.p95 <= 100,
      note: statusNote(r),
    }),
  )
}

/** PGlite: its own server process (one owner per data dir), seeded inside it, 1 connection. */
export async function pgliteSearch(b: Bench): Promise<void> {
  const child = await spawnChild({
    name: 'product-pglite',
    args: tsxArgs('server-child.mjs'),
    env: productEnv({ DATA_DIR: join(b.logDir, 'pglite-data') }),
    logDir: b.logDir,
    readyTimeoutMs: 120_000,
  })
  try {
    const seeded = await child.rpc<{ users: SeededUser[]; corpus: CorpusProgress; error?: string }>(
      'seed',
      { users: 2, chunks: b.opts.pgliteChunks, bulk: true },
      900_000,
    )
    if (seeded.error) throw new Error(`PGlite seeding: ${seeded.error}`)
    b.ingest.push({ label: 'PGlite, bulk variant', progress: seeded.corpus })
    const spec = {
      url: `${base(child)}/api/search`,
      connections: 1,
      durationS: b.opts.durationS * 2,
      next: searchNext(seeded.users.map(cookieOf)),
    }
    await runLoad({ ...spec, durationS: 1 })
    const r = await runLoad(spec)
    const full = seeded.corpus.chunks >= 100_000
    b.rows.push(
      loadRow(`GET /api/search on PGlite, ${seeded.corpus.chunks} chunks, 1 conn`, r, {
        target: 'p95 ≤ 150 ms (at 100k chunks)',
        pass: full ? r.s2xx === r.requests && r.p95 <= 150 : null,
        note: [statusNote(r), full ? '' : 'smaller corpus than the target: info only']
          .filter(Boolean)
          .join('; '),
      }),
    )
  } finally {
    await child.stop()
  }
}
