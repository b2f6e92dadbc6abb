// The shared state of one benchmark run and how the product is started in production config.
import { join } from 'node:path'
import type { Config } from '../../backend/src/config.js'
import type { Database } from '../../backend/src/db/client.js'
import type { BenchOptions } from './options.js'
import { type Child, spawnChild } from './procs.js'
import type { Row } from './report.js'
import type { CorpusProgress, SeededUser } from './seed.js'

export interface Bench {
  opts: BenchOptions
  logDir: string
  rows: Row[]
  dbUrl: string
  db: Database
  config: Config
  users: SeededUser[]
  hello: Child
  /** The same bare hello with Fastify's default pino logging (the reference row). */
  helloLogged: Child
  lookup: Child
  app: Child
  /** Next synthetic document index and chunks ingested so far. */
  corpus: { nextDoc: number; chunks: number }
  ingest: { label: string; progress: CorpusProgress }[]
  notes: string[]
}

export const UNLIMITED = '10000000/minute'

/** Production config: NODE_ENV=production, info logs (to the child's log file), every check on. */
export function productEnv(extra: Record<string, string>): Record<string, string> {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    PORT: '0',
    DEMO_CORPUS: 'false',
    // The limiter stays on (every request counts), it just must not refuse.
    RATE_LIMIT_GLOBAL: UNLIMITED,
    RATE_LIMIT_AUTH: UNLIMITED,
    RATE_LIMIT_CHAT: UNLIMITED,
    RATE_LIMIT_HEALTH: UNLIMITED,
    ...extra,
  }
}

/** The real server on Postgres, from the compiled build (what `npm start` runs). */
export function startProduct(
  dbUrl: string,
  logDir: string,
  name = 'product',
  nodeArgs: string[] = [],
): Promise<Child> {
  return spawnChild({
    name,
    args: ['--enable-source-maps', ...nodeArgs, 'bench/server-child.mjs'],
    env: productEnv({ DATABASE_URL: dbUrl, BENCH_BACKEND: 'dist' }),
    logDir,
    readyTimeoutMs: 60_000,
  })
}

/**
 * Runs `fn`; when BENCH_PROFILE_DIR is set (and `when` holds), under a CPU profile of `server`'s
 * steady state, saved as <dir>/<name>.cpuprofile. The profiler slows the server: a profiled run's
 * figures are for reading the profile, not for comparing.
 */
export async function profiled<T>(
  server: Child,
  name: string,
  fn: () => Promise<T>,
  when = true,
): Promise<T> {
  const dir = process.env.BENCH_PROFILE_DIR
  if (!dir || !when) return fn()
  await server.rpc('profile-start')
  const result = await fn()
  await server.rpc('profile-stop', { path: join(dir, `${name}.cpuprofile`) })
  return result
}

export const base = (c: { port: number }) => `http://127.0.0.1:${c.port}`
export const cookieOf = (u: SeededUser) => `session_token=${u.token}`
