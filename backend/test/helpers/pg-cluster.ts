// A throw-away PostgreSQL 15 cluster of the test's own (initdb + pg_ctl as the `postgres` user),
// on a free port, so fault tests can stop and restart it without touching the machine's cluster.
import { execFileSync, spawnSync } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import { freePort, IN_CI } from './processes.js'

const BIN = process.env.PG_BIN_DIR ?? '/usr/lib/postgresql/15/bin'

function postgresIds(): { uid: number; gid: number } | null {
  const r = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' })
  const g = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' })
  if (r.status !== 0 || g.status !== 0) return null
  return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) }
}

/** For node:test `skip`: why a private cluster cannot run here, or false. Under CI it throws. */
export function pgClusterSkipReason(): string | false {
  let reason: string | false = false
  if (!existsSync(join(BIN, 'initdb')) || !existsSync(join(BIN, 'pg_ctl'))) reason = `no ${BIN}/initdb`
  else if (userInfo().uid !== 0) reason = 'needs root (initdb runs as the postgres user via runuser)'
  else if (!postgresIds()) reason = 'no postgres user'
  if (reason && IN_CI) throw new Error(`CI=true but a private Postgres cluster cannot start: ${reason}`)
  return reason
}

export class PgCluster {
  private running = false
  private constructor(
    private readonly base: string,
    readonly port: number,
  ) {}

  /** initdb + start on a free port (a few seconds). */
  static async start(): Promise<PgCluster> {
    const ids = postgresIds()
    if (!ids) throw new Error('no postgres user')
    const base = mkdtempSync(join(tmpdir(), 'rag-auth-pg-'))
    chownSync(base, ids.uid, ids.gid)
    const cluster = new PgCluster(base, await freePort())
    cluster.asPostgres([
      join(BIN, 'initdb'),
      '-D',
      cluster.data,
      '-A',
      'trust',
      '-U',
      'postgres',
      '--no-sync',
      '-E',
      'UTF8',
    ])
    cluster.start()
    // A crashed test must not leave a postmaster behind.
    process.once('exit', () => cluster.destroy())
    return cluster
  }

  get data(): string {
    return join(this.base, 'data')
  }

  /** Connection URL of a database in this cluster (default `postgres`). */
  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`
  }

  private asPostgres(args: string[]): string {
    return execFileSync('runuser', ['-u', 'postgres', '--', ...args], {
      cwd: this.base,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    })
  }

  private ctl(...args: string[]): string {
    return this.asPostgres([join(BIN, 'pg_ctl'), '-D', this.data, ...args])
  }

  psql(sql: string, database = 'postgres'): string {
    return this.asPostgres([
      join(BIN, 'psql'),
      '-h',
      '127.0.0.1',
      '-p',
      String(this.port),
      '-U',
      'postgres',
      '-d',
      database,
      '-Atqc',
      sql,
    ])
  }

  createDatabase(name: string): string {
    this.psql(`create database ${name}`)
    return this.url(name)
  }

  start(): void {
    if (this.running) return
    // fsync off: a test cluster need not survive the machine, only its own crash.
    const opts = `-p ${this.port} -k ${this.base} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`
    this.ctl('start', '-w', '-t', '30', '-l', join(this.base, 'log'), '-o', opts)
    this.running = true
  }

  /** `pg_ctl stop -m immediate` is a crash (no checkpoint; recovery on the next start). */
  stop(mode: 'immediate' | 'fast' = 'immediate'): void {
    if (!this.running) return
    this.ctl('stop', '-m', mode, '-w')
    this.running = false
  }

  destroy(): void {
    try {
      this.stop('immediate')
    } catch {}
    rmSync(this.base, { recursive: true, force: true })
  }
}
