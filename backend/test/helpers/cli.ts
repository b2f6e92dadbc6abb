// The operator CLIs (`npm run user`, `space`, `ingest`) run as child processes, as an operator
// runs them (minus the build step), against a scratch PGlite DATA_DIR or a Postgres test database.
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before } from 'node:test'
import { fileURLToPath } from 'node:url'
import { type Database, openDatabase, pgliteDirOf } from '../../src/db/client.js'
import { createTestDatabase, type DbKind, type TestDatabase } from './db.js'

const BACKEND_DIR = fileURLToPath(new URL('../../', import.meta.url))
// Absolute, so that a CLI can run from any working directory (ingest reads paths relative to it).
const TSX = import.meta.resolve('tsx')

export type CliName = 'user' | 'space' | 'ingest'

export interface CliRun {
  code: number | null
  stdout: string
  stderr: string
}

export interface RunOptions {
  /** Written to the CLI's stdin, which is then closed. */
  stdin?: string
  /** Added to the suite's DATA_DIR / DATABASE_URL. */
  env?: Record<string, string>
  /** The CLI's working directory; the backend folder unless given. */
  cwd?: string
}

function spawnCli(cli: CliName, args: string[], env: Record<string, string>, opts: RunOptions) {
  return new Promise<CliRun>((resolve, reject) => {
    const entry = join(BACKEND_DIR, 'src/cli', `${cli}.ts`)
    const child = spawn(process.execPath, ['--import', TSX, entry, ...args], {
      cwd: opts.cwd ?? BACKEND_DIR,
      // Only what the CLI needs: no DATABASE_URL or DATA_DIR leaking in from the test runner.
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'silent', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString()
    })
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString()
    })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
    child.stdin.end(opts.stdin ?? '')
  })
}

/**
 * A scratch folder (`dir`) holding the CLI's DATA_DIR and, on Postgres, a test database, per
 * describe block (registered with before/after); `run` starts a CLI against them and `withDb`
 * opens the same database from the test between runs.
 */
export function cliSuite(kind: DbKind) {
  let dir: string | undefined
  let tdb: TestDatabase | null = null
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rag-auth-cli-'))
    mkdirSync(join(dir, 'data'))
    if (kind === 'postgres') tdb = await createTestDatabase(kind)
  })
  after(async () => {
    await tdb?.cleanup()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })
  const suite = {
    get dir(): string {
      if (!dir) throw new Error('CLI suite not set up yet')
      return dir
    },
    get dataDir(): string {
      return join(suite.dir, 'data')
    },
    /** What every run gets: the data directory, and on Postgres the database's URL. */
    get env(): Record<string, string> {
      return { ...(tdb ? { DATABASE_URL: tdb.url as string } : {}), DATA_DIR: suite.dataDir }
    },
    run: (cli: CliName, args: string[], opts: RunOptions = {}) =>
      spawnCli(cli, args, { ...suite.env, ...opts.env }, opts),
    /** The CLI's database, opened by the test between runs (PGlite: only while no CLI runs). */
    async withDb<T>(fn: (db: Database) => Promise<T>): Promise<T> {
      if (tdb) return fn(tdb.db)
      const db = await openDatabase({ databaseUrl: null, pgliteDir: pgliteDirOf(suite.dataDir) })
      try {
        return await fn(db)
      } finally {
        await db.close()
      }
    },
  }
  return suite
}
