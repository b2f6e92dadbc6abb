// Retrieval and chat through the HTTP API with natural-language questions (OR semantics).
import { join } from 'node:path'
import { insertSpace, upsertSpaceMember } from '../../backend/src/db/queries/spaces.js'
import { uuidv7 } from '../../backend/src/lib/ids.js'
import { isKnownItemHit, knownItemQuestions, syntheticQuestions } from '../corpus.js'
import { type Bench, base, cookieOf, productEnv, profiled } from '../lib/bench.js'
import { bulkSeedCorpus } from '../lib/bulk-ingest.js'
import { type LoadResult, roundRobin, runLoad } from '../lib/load.js'
import { type Child, spawnChild, tsxArgs } from '../lib/procs.js'
import { loadRow, statusNote } from '../lib/report.js'
import type { CorpusProgress, SeededUser } from '../lib/seed.js'
import { runThroughput } from '../lib/wrk.js'

const questions = (docs: number) => syntheticQuestions(500, docs)

/** `&space_id=…` when a search names one space, else nothing (the caller's readable spaces). */
const scopeOf = (spaceId: string | null) => (spaceId ? `&space_id=${spaceId}` : '')

/** One request per question (500), cookies in turn: replayable by wrk as well as autocannon. */
function searchRequests(cookies: string[], docs: number, spaceId: string | null) {
  return questions(docs).map((q, i) => ({
    path: `/api/search?q=${encodeURIComponent(q)}&k=8${scopeOf(spaceId)}`,
    headers: { cookie: cookies[i % cookies.length] as string },
  }))
}

/** Known-item recall (issue 18): at least this share of the 500 questions finds its section. */
export const KNOWN_ITEM_TARGET = 0.95

/**
 * Known-item recall: of the 500 load questions (each built from one section's words), how many
 * find that section among the 8 results of GET /api/search, asked one at a time.
 */
async function knownItemRecall(
  url: string,
  cookie: string,
  docs: number,
  spaceId: string | null,
): Promise<number> {
  const qs = knownItemQuestions(500, docs)
  let found = 0
  for (const q of qs) {
    const r = await fetch(`${url}/api/search?q=${encodeURIComponent(q.question)}&k=8${scopeOf(spaceId)}`, {
      headers: { cookie },
    })
    const body = (await r.json()) as {
      results?: { source: string | null; title: string; heading: string | null }[]
    }
    if (body.results?.some((h) => isKnownItemHit(h, q))) found++
  }
  return found / qs.length
}

const recallNote = (recall: number) =>
  `known-item recall ${(100 * recall).toFixed(1)} % of 500 (target ≥ ${100 * KNOWN_ITEM_TARGET} %)`

/**
 * The search load against one server: its 500 questions with the users' cookies in turn, after
 * a 1 s warm-up, through the throughput scenarios' tool (wrk -t1 when installed: a GET-only
 * load whose generator should take as little of the 2 cores as possible).
 */
async function searchLoad(
  b: Bench,
  server: Child,
  users: SeededUser[],
  docs: number,
  connections: number,
  spaceId: string | null = null,
): Promise<{ r: LoadResult; recall: number }> {
  const spec = {
    url: `${base(server)}/api/search`,
    connections,
    durationS: b.opts.durationS * 2,
    rotate: searchRequests(users.map(cookieOf), docs, spaceId),
    serverPid: server.proc.pid as number,
    // Only the product server uses the local Postgres (the PGlite one has its database inside).
    localPostgres: server === b.app,
  }
  const recall = await knownItemRecall(base(server), cookieOf(users[0] as SeededUser), docs, spaceId)
  await runThroughput({ ...spec, durationS: 1 }, b.opts.load)
  // BENCH_PROFILE_DIR=<dir>: a CPU profile of the server during the measured search run.
  const r = await profiled(server, `search-${docs}docs`, () => runThroughput(spec, b.opts.load))
  return { r, recall }
}

export async function search(b: Bench, label: string, target: number | null): Promise<void> {
  const { r, recall } = await searchLoad(b, b.app, b.users, b.corpus.nextDoc, 8)
  const recalled = recall >= KNOWN_ITEM_TARGET
  b.rows.push(
    loadRow(`GET /api/search, ${label}, 8 conns`, r, {
      value: `recall ${(100 * recall).toFixed(1)} %`,
      target:
        target === null
          ? `recall ≥ ${100 * KNOWN_ITEM_TARGET} %`
          : `p95 ≤ ${target} ms, recall ≥ ${100 * KNOWN_ITEM_TARGET} %`,
      pass:
        target === null ? recalled : r.s2xx === r.requests && r.errors === 0 && r.p95 <= target && recalled,
      note: [r.tool, statusNote(r), recallNote(recall)].filter(Boolean).join('; '),
    }),
  )
}

/** The member search of issue 17: a team space of 1k chunks beside the shared library. */
const TEAM_DOCS = 50
export const MEMBER_SEARCH_TARGET_MS = 15

/**
 * Issue 17: the seeded users become viewers of a new 1k-chunk team space (the corpus's first 50
 * documents again, as other chunks in another space) and search it by name (`space_id`), with
 * the shared library's `b.corpus.chunks` chunks beside it: the access step and the filtered
 * postings, p95 ≤ 15 ms, and the known-item recall inside the space.
 */
export async function memberSearch(b: Bench): Promise<void> {
  const spaceId = uuidv7()
  await insertSpace(b.db, { id: spaceId, name: 'Bench team space', kind: 'team' })
  await bulkSeedCorpus(b.db, b.config, TEAM_DOCS * 20, 0, TEAM_DOCS, spaceId)
  for (const u of b.users) await upsertSpaceMember(b.db, spaceId, u.id, 'viewer')
  const { r, recall } = await searchLoad(b, b.app, b.users, TEAM_DOCS, 8, spaceId)
  b.rows.push(
    loadRow(
      `GET /api/search, member naming a 1k-chunk team space (+ ${b.corpus.chunks} shared), 8 conns`,
      r,
      {
        value: `recall ${(100 * recall).toFixed(1)} %`,
        target: `p95 ≤ ${MEMBER_SEARCH_TARGET_MS} ms`,
        pass: r.s2xx === r.requests && r.errors === 0 && r.p95 <= MEMBER_SEARCH_TARGET_MS,
        note: [r.tool, statusNote(r), recallNote(recall)].filter(Boolean).join('; '),
      },
    ),
  )
}

export async function chat(b: Bench): Promise<LoadResult> {
  const q = roundRobin(questions(b.corpus.nextDoc))
  const c = roundRobin(b.users.map(cookieOf))
  const spec = {
    url: `${base(b.app)}/api/chat/message`,
    method: 'POST' as const,
    connections: 10,
    durationS: b.opts.durationS * 2,
    serverPid: b.app.proc.pid as number,
    next: () => ({
      headers: { cookie: c(), 'content-type': 'application/json' },
      body: JSON.stringify({ message: q() }),
    }),
  }
  await runLoad({ ...spec, durationS: 1 })
  // BENCH_PROFILE_DIR=<dir>: a CPU profile of the server during the measured chat run.
  const r = await profiled(b.app, 'chat', () => runLoad(spec))
  b.rows.push(
    loadRow(`POST /api/chat/message (extractive), ${b.corpus.chunks} chunks, 10 users`, r, {
      target: 'p95 ≤ 100 ms',
      pass: r.s2xx === r.requests && r.errors === 0 && r.p95 <= 100,
      note: statusNote(r),
    }),
  )
  return r
}

/** An API key per user (docs/api.md §11), made the way a person makes one: password asked again. */
async function apiKeyOf(url: string, user: SeededUser): Promise<string> {
  const res = await fetch(`${url}/api/auth/api-keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ password: user.password, name: 'bench' }),
  })
  if (res.status !== 201) throw new Error(`API key not created: ${res.status} ${await res.text()}`)
  return ((await res.json()) as { key: string }).key
}

/**
 * Issue 19: the same questions through POST /v1/chat/completions with API keys, p95 within 10 %
 * of /api/chat/message's in the same run (`reference`).
 */
export async function chatV1(b: Bench, reference: LoadResult): Promise<void> {
  const q = roundRobin(questions(b.corpus.nextDoc))
  const keys: string[] = []
  for (const user of b.users) keys.push(await apiKeyOf(base(b.app), user))
  const k = roundRobin(keys)
  const spec = {
    url: `${base(b.app)}/v1/chat/completions`,
    method: 'POST' as const,
    connections: 10,
    durationS: b.opts.durationS * 2,
    serverPid: b.app.proc.pid as number,
    next: () => ({
      headers: { authorization: `Bearer ${k()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'rag-auth', messages: [{ role: 'user', content: q() }] }),
    }),
  }
  await runLoad({ ...spec, durationS: 1 })
  const r = await profiled(b.app, 'chat-v1', () => runLoad(spec))
  const bound = reference.p95 * 1.1
  b.rows.push(
    loadRow(`POST /v1/chat/completions (extractive, API keys), ${b.corpus.chunks} chunks, 10 users`, r, {
      target: `p95 ≤ 1.1 × /api/chat/message's (${bound.toFixed(1)} ms)`,
      pass: r.s2xx === r.requests && r.errors === 0 && r.p95 <= bound,
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
    const { r, recall } = await searchLoad(b, child, seeded.users, seeded.corpus.nextDoc, 1)
    const full = seeded.corpus.chunks >= 100_000
    b.rows.push(
      loadRow(`GET /api/search on PGlite, ${seeded.corpus.chunks} chunks, 1 conn`, r, {
        target: 'p95 ≤ 150 ms (at 100k chunks)',
        pass: full ? r.s2xx === r.requests && r.p95 <= 150 : null,
        value: `recall ${(100 * recall).toFixed(1)} %`,
        note: [
          r.tool,
          statusNote(r),
          recallNote(recall),
          full ? '' : 'smaller corpus than the target: info only',
        ]
          .filter(Boolean)
          .join('; '),
      }),
    )
  } finally {
    await child.stop()
  }
}
