// Shared by the operator CLIs (user, ingest, …): config from the environment, the database opened
// directly (Postgres via DATABASE_URL, or PGlite in DATA_DIR), migrated, and — for PGlite — the
// data-dir lock taken so a CLI never opens a directory a running server owns (docs/api.md §1).
import { type ParseArgsConfig, parseArgs } from 'node:util'
import type { AuditEventType } from '../auth/audit.js'
import type { Config } from '../config.js'
import { type Database, openDatabase, pgliteDirOf } from '../db/client.js'
import { acquireDataDirLock, LockHeldError, SERVER_RUNNING_MESSAGE } from '../db/lock-file.js'
import { migrate } from '../db/migrate.js'
import { unattendedEvent } from '../db/queries/audit.js'
import { resolveDataDir } from '../lib/data-dir.js'
import { configFromEnvOrExit } from '../lib/env.js'

export interface CliDatabase {
  db: Database
  config: Config
  /** Closes the database and releases the PGlite lock; safe to call twice. */
  close(): Promise<void>
}

/** Exit codes shared by the CLIs. */
export const EXIT_OK = 0
export const EXIT_FAILURE = 1
export const EXIT_USAGE = 2

/** A refusal the CLI prints as one `error:` line, exiting with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = EXIT_FAILURE,
  ) {
    super(message)
  }
}

/**
 * The exit code when there is nothing to run: no arguments (the usage on stderr, exit 2) or a
 * request for help (the usage on stdout, exit 0); null otherwise.
 */
export function usageOrHelp(argv: readonly string[], usage: string): number | null {
  if (argv.length === 0) {
    process.stderr.write(usage)
    return EXIT_USAGE
  }
  if (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    process.stdout.write(usage)
    return EXIT_OK
  }
  return null
}

/** Rows under a header, each column as wide as its widest cell. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)))
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd()
  return [line(header), ...rows.map(line)].join('\n')
}

/** Prints one line to stderr and exits; never a stack trace. */
export function fail(message: string, code = EXIT_FAILURE): never {
  process.stderr.write(`error: ${message}\n`)
  process.exit(code)
}

/**
 * A CLI's arguments through node:util `parseArgs`, strictly: an unknown option, an option without
 * its value or a positional where none is allowed is a usage error (the problem, then the usage,
 * on stderr; exit 2).
 */
export function parseCliArgs<T extends ParseArgsConfig>(
  config: T,
  usage: string,
): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config)
  } catch (err) {
    const code = (err as { code?: unknown }).code
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) {
      fail(`${(err as Error).message}\n\n${usage.trimEnd()}`, EXIT_USAGE)
    }
    throw err
  }
}

export async function openCliDatabase(): Promise<CliDatabase> {
  const { config: loaded } = configFromEnvOrExit()
  let config = loaded
  let release: (() => void) | null = null
  let pgliteDir: string | null = null
  if (!config.databaseUrl) {
    const dataDir = resolveDataDir(config.dataDir)
    if (dataDir.note) process.stderr.write(`note: ${dataDir.note}\n`)
    config = { ...config, dataDir: dataDir.path }
    try {
      release = acquireDataDirLock(dataDir.path)
    } catch (err) {
      if (err instanceof LockHeldError) {
        process.stderr.write(`${SERVER_RUNNING_MESSAGE}\n`)
        process.exit(EXIT_FAILURE)
      }
      throw err
    }
    pgliteDir = pgliteDirOf(dataDir.path)
  }
  let db: Database
  try {
    db = await openDatabase({ databaseUrl: config.databaseUrl, pgliteDir, max: 2 })
    await migrate(db)
  } catch (err) {
    release?.()
    throw err
  }
  let closed = false
  return {
    db,
    config,
    async close() {
      if (closed) return
      closed = true
      try {
        await db.close()
      } finally {
        release?.()
      }
    },
  }
}

/** Runs a CLI's main, turning an unexpected error into one line and exit 1. */
export function runCli(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      const msg = err instanceof Error ? err.message : String(err)
      process.stderr.write(`error: ${msg}\n`)
      process.exit(EXIT_FAILURE)
    },
  )
}

/**
 * An audit event done by the operator at a shell: no actor, no IP (docs/api.md §14). Every change
 * the CLIs make to an account or a space is one, as the same change by an admin is, so it shows in
 * the admin log and in the person's own "Recent activity".
 */
export function cliAudit(type: AuditEventType, subjectId: string, details: Record<string, unknown> = {}) {
  return unattendedEvent(type, subjectId, { ...details, by: 'cli' })
}
