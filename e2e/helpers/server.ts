import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { GOOD_PASSWORD } from './wait'

export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)))

export interface TestServer {
  baseURL: string
  /** Same as baseURL. */
  url: string
  port: number
  dataDir: string
  /** Recent server output, for failure messages. */
  output(): string
  stop(): Promise<void>
}

export interface StartOptions {
  adminEmails?: string[]
  /** One admin email (joined with adminEmails). */
  adminEmail?: string
  /** Extra or overriding environment variables for the server. */
  env?: Record<string, string>
}

/** Variables from the developer's shell that would make a run depend on outside services. */
const INHERITED_BLOCKLIST = [
  'DATABASE_URL',
  'REDIS_URL',
  'LLM_BASE_URL',
  'LLM_API_KEY',
  'LLM_MODEL',
  'EMBEDDING_BASE_URL',
  'EMBEDDING_API_KEY',
  'EMBEDDING_MODEL',
  'EMBEDDING_DIMENSIONS',
  'FRONTEND_URL',
  'SIGNUP',
  'SECRET_KEY',
  'TRUST_PROXY',
  'NODE_ENV',
]

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolvePort(port))
    })
  })
}

function serverEnv(port: number, dataDir: string, options: StartOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env }
  for (const name of INHERITED_BLOCKLIST) delete env[name]
  return {
    ...env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    DEMO_CORPUS: 'true',
    LOG_LEVEL: 'warn',
    ADMIN_EMAILS: [...(options.adminEmails ?? []), ...(options.adminEmail ? [options.adminEmail] : [])].join(
      ',',
    ),
    // Signing up with a listed address does not make an admin: the server makes those accounts
    // at start (verified), and the tests sign in with this password.
    ADMIN_PASSWORD: GOOD_PASSWORD,
    // Every browser test signs in from 127.0.0.1: the default 10/minute would throttle the suite.
    RATE_LIMIT_AUTH: '1000/minute',
    RATE_LIMIT_GLOBAL: '10000/minute',
    RATE_LIMIT_CHAT: '1000/minute',
    ...options.env,
  }
}

async function waitForHealth(baseURL: string, child: ChildProcess, output: () => string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `server exited (${child.exitCode ?? child.signalCode}) before it was healthy:\n${output()}`,
      )
    }
    try {
      const response = await fetch(`${baseURL}/health`, { signal: AbortSignal.timeout(2000) })
      if (response.status === 200) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`server not healthy after ${timeoutMs / 1000} s:\n${output()}`)
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true)
  return new Promise((resolveExit) => {
    const timer = setTimeout(() => resolveExit(false), timeoutMs)
    child.once('exit', () => {
      clearTimeout(timer)
      resolveExit(true)
    })
  })
}

/**
 * Starts the real server (`node backend/dist/server.js`) on a free port with a fresh data
 * directory and the demo corpus, and waits for `GET /health` → 200 (up to 180 s; a busy machine may
 * raise it with `E2E_SERVER_TIMEOUT_MS`).
 * `E2E_SERVER_ENTRY` may point at another entry file (development only).
 */
export async function startServer(options: StartOptions = {}): Promise<TestServer> {
  const port = await freePort()
  const dataDir = await mkdtemp(join(tmpdir(), 'rag-auth-e2e-'))
  const entry = resolve(REPO_ROOT, process.env.E2E_SERVER_ENTRY ?? 'backend/dist/server.js')
  const child = spawn(process.execPath, [entry], {
    cwd: REPO_ROOT,
    env: serverEnv(port, dataDir, options),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let log = ''
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const baseURL = `http://127.0.0.1:${port}`
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      if (!(await waitForExit(child, 15_000))) {
        child.kill('SIGKILL')
        await waitForExit(child, 5_000)
      }
    }
    await rm(dataDir, { recursive: true, force: true })
  }
  try {
    await waitForHealth(baseURL, child, () => log, Number(process.env.E2E_SERVER_TIMEOUT_MS ?? 180_000))
  } catch (error) {
    await stop()
    throw error
  }
  return { baseURL, url: baseURL, port, dataDir, output: () => log, stop }
}
