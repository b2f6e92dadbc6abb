// Real server processes for multi-instance and fault tests: `node backend/dist/server.js` with
// its own environment, JSON logs captured, health waited for, stopped by signal.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmdirSync, rmSync, statSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const BACKEND = join(REPO_ROOT, 'backend')
/** The server under test; RAG_AUTH_SERVER_ENTRY points the process tests at another build. */
export const SERVER_ENTRY = process.env.RAG_AUTH_SERVER_ENTRY ?? join(BACKEND, 'dist/server.js')
export const IN_CI = process.env.CI === 'true'

/**
 * The fault-injection tests take minutes, so `npm test` skips them; `npm run test:faults` (and
 * .ci/run) runs them with RAG_AUTH_FAULT_TESTS=1.
 */
export function faultTestsSkipReason(): string | false {
  if (process.env.RAG_AUTH_FAULT_TESTS === '1') return false
  return 'fault-injection tests (several minutes): run `npm run test:faults`'
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

function newest(dir: string): number {
  let max = 0
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    max = Math.max(max, e.isDirectory() ? newest(p) : statSync(p).mtimeMs)
  }
  return max
}

/** Builds backend/dist when it is missing or older than backend/src (one builder at a time). */
export async function ensureBackendBuilt(): Promise<void> {
  if (process.env.RAG_AUTH_SERVER_ENTRY) return
  const stale = () =>
    !existsSync(SERVER_ENTRY) || newest(join(BACKEND, 'src')) > statSync(SERVER_ENTRY).mtimeMs
  if (!stale()) return
  const lock = join(tmpdir(), 'rag-auth-backend-build.lock')
  for (let i = 0; ; i++) {
    try {
      mkdirSync(lock)
      break
    } catch {
      // Another test file is building; a lock older than 2 minutes is a leftover.
      if (i > 240 || Date.now() - statSync(lock).mtimeMs > 120_000)
        rmSync(lock, { recursive: true, force: true })
      await sleep(500)
    }
  }
  try {
    if (stale())
      execFileSync('npm', ['run', 'build', '-w', 'backend', '--silent'], { cwd: REPO_ROOT, stdio: 'inherit' })
  } catch {
    // tsc still emits on type errors elsewhere in the tree; the tests then run what was emitted.
  } finally {
    rmdirSync(lock)
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      srv.close(() => resolve(port))
    })
  })
}

export interface LogLine {
  level?: number
  msg?: string
  event?: string
  [k: string]: unknown
}

export interface ServerProcess {
  name: string
  /** Its working directory (DATA_DIR defaults to <cwd>/data). */
  cwd: string
  port: number
  url: string
  child: ChildProcess
  /** Everything the process printed so far. */
  output(): string
  /** Its JSON log lines so far. */
  logs(): LogLine[]
  waitForLog(pred: (l: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>
  waitHealthy(timeoutMs?: number): Promise<void>
  alive(): boolean
  /** Sends a signal and resolves with the exit code (null after a signal death). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<{ code: number | null; signal: string | null }>
}

export interface StartOptions {
  name?: string
  env?: Record<string, string>
  /** Working directory (the DATA_DIR fallback and `.env` lookup); default a fresh temp dir. */
  cwd?: string
  port?: number
  /** Wait for /health 200 (default true). */
  healthy?: boolean
  healthTimeoutMs?: number
  /** Extra node options before the entry (e.g. `--import` of a loader hook). */
  nodeArgs?: string[]
}

/** Starts `node backend/dist/server.js`; call ensureBackendBuilt() once before. */
export async function startServer(opts: StartOptions = {}): Promise<ServerProcess> {
  const name = opts.name ?? 'server'
  const port = opts.port ?? (await freePort())
  const cwd = opts.cwd ?? mkdtempSync(join(tmpdir(), `rag-auth-${name}-`))
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: cwd,
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: join(cwd, 'data'),
    LOG_LEVEL: 'info',
    DEMO_CORPUS: 'false',
    ...opts.env,
  }
  const child = spawn(process.execPath, ['--enable-source-maps', ...(opts.nodeArgs ?? []), SERVER_ENTRY], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout?.on('data', (d) => {
    out += d
  })
  child.stderr?.on('data', (d) => {
    out += d
  })
  const url = `http://127.0.0.1:${port}`
  const logs = () =>
    out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as LogLine]
        } catch {
          return []
        }
      })
  const alive = () => child.exitCode === null && child.signalCode === null
  const server: ServerProcess = {
    name,
    cwd,
    port,
    url,
    child,
    output: () => out,
    logs,
    alive,
    async waitForLog(pred, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs
      for (;;) {
        const hit = logs().find(pred)
        if (hit) return hit
        if (Date.now() > until)
          throw new Error(`${name}: log line not seen within ${timeoutMs} ms\n${out.slice(-3000)}`)
        await sleep(50)
      }
    },
    async waitHealthy(timeoutMs = 60_000) {
      const until = Date.now() + timeoutMs
      for (;;) {
        if (!alive())
          throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}):\n${out.slice(-3000)}`)
        try {
          const res = await http(url, '/health', { timeoutMs: 3000 })
          if (res.status === 200) return
        } catch {}
        if (Date.now() > until)
          throw new Error(`${name}: not healthy within ${timeoutMs} ms\n${out.slice(-3000)}`)
        await sleep(100)
      }
    },
    stop(signal = 'SIGTERM', timeoutMs = 20_000) {
      if (!alive()) return Promise.resolve({ code: child.exitCode, signal: child.signalCode })
      return new Promise((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
        child.once('exit', (code, sig) => {
          clearTimeout(timer)
          resolve({ code, signal: sig })
        })
        child.kill(signal)
      })
    },
  }
  // A crashed test must not leave servers behind, nor the temp directory this call made
  // (a restart on the same directory passes it as `cwd`, so it lives until the test exits).
  process.once('exit', () => {
    if (alive()) child.kill('SIGKILL')
    if (!opts.cwd) rmSync(cwd, { recursive: true, force: true })
  })
  if (opts.healthy !== false) await server.waitHealthy(opts.healthTimeoutMs)
  return server
}

/** Removes a temp working directory made by startServer (after the process is gone). */
export function removeDir(dir: string) {
  rmSync(dir, { recursive: true, force: true })
}

export interface HttpResult {
  status: number
  headers: Headers
  body: unknown
  text: string
}

/** fetch with a JSON body/answer, a timeout, and never a throw for HTTP statuses. */
export async function http(
  base: string,
  path: string,
  init: {
    method?: string
    json?: unknown
    /** A raw body (e.g. FormData for an upload) instead of json. */
    body?: FormData | string
    token?: string
    headers?: Record<string, string>
    timeoutMs?: number
  } = {},
): Promise<HttpResult> {
  const headers: Record<string, string> = { ...init.headers }
  if (init.json !== undefined) headers['content-type'] = 'application/json'
  if (init.token) headers.authorization = `Bearer ${init.token}`
  // A plain (ref'd) timer that also settles the race itself, not AbortSignal.timeout: with that,
  // a test here once hung for 15 minutes on a fetch that never settled, with no timer left.
  const ms = init.timeoutMs ?? 30_000
  const ac = new AbortController()
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new Error(`${path}: no answer within ${ms} ms`)
      ac.abort(err)
      reject(err)
    }, ms)
  })
  const exchange = async () => {
    const res = await fetch(`${base}${path}`, {
      method: init.method ?? (init.json !== undefined || init.body !== undefined ? 'POST' : 'GET'),
      headers,
      body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
      signal: ac.signal,
    })
    return { res, text: await res.text() }
  }
  const { res, text } = await Promise.race([exchange(), expired]).finally(() => clearTimeout(timer))
  let body: unknown = null
  try {
    body = text ? JSON.parse(text) : null
  } catch {}
  return { status: res.status, headers: res.headers, body, text }
}

/** A fresh, unroutable-looking client address for X-Forwarded-For (never contacted). */
export function fakeClientIp(): string {
  const b = () => Math.floor(Math.random() * 254) + 1
  return `198.18.${b()}.${b()}`
}

export interface Load {
  /** Requests sent so far. */
  readonly sent: number
  /** Stops issuing new requests and waits for the in-flight ones. */
  stop(): Promise<void>
}

/**
 * `concurrency` loops each calling `once()` until stop() or `maxRequests` in all (bounded: load
 * tests here send only to 127.0.0.1 and stop by themselves).
 */
export function startLoad(once: () => Promise<void>, concurrency: number, maxRequests: number): Load {
  let sent = 0
  let stopped = false
  const loop = async () => {
    while (!stopped && sent < maxRequests) {
      sent++
      await once()
    }
  }
  const loops = Array.from({ length: concurrency }, loop)
  return {
    get sent() {
      return sent
    },
    async stop() {
      stopped = true
      await Promise.all(loops)
    },
  }
}

/**
 * A new, empty (unmigrated) database next to TEST_DATABASE_URL's, for server processes; null when
 * TEST_DATABASE_URL is not set. drop() removes it (connections forced off).
 */
export async function createEmptyDatabase(
  prefix = 'p',
): Promise<{ url: string; drop(): Promise<void> } | null> {
  const admin = process.env.TEST_DATABASE_URL
  if (!admin) return null
  const { default: postgres } = await import('postgres')
  const name = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`
  const sql = postgres(admin, { max: 1, onnotice: () => {} })
  await sql.unsafe(`create database ${name}`)
  const url = new URL(admin)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    async drop() {
      await sql.unsafe(`drop database if exists ${name} with (force)`)
      await sql.end()
    },
  }
}
