// The seed's FastAPI design (bench/seed-design/app.py), for the "≥ 12× the seed" comparison.
// Optional: needs Debian's python3-fastapi, python3-uvicorn, python3-sqlalchemy, python3-psycopg2
// (and python3-httptools / python3-uvloop for uvicorn[standard] as the seed pins).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { closeSync, openSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import type { Database } from '../../backend/src/db/client.js'
import { BENCH_DIR, tail } from './procs.js'
import type { SeededUser } from './seed.js'

const PYTHON = '/usr/bin/python3'

export function seedDesignAvailable(): string | null {
  const r = spawnSync(PYTHON, ['-c', 'import fastapi, uvicorn, sqlalchemy, psycopg2'], { stdio: 'ignore' })
  return r.status === 0
    ? null
    : 'needs python3-fastapi python3-uvicorn python3-sqlalchemy python3-psycopg2 (apt-get install)'
}

/** The seed's tables beside the product's, holding the same users and (plain-text) tokens. */
export async function seedSeedDesignTables(db: Database, users: SeededUser[]): Promise<void> {
  await db.exec(`create table seed_users (id varchar(36) primary key, email varchar(255) unique not null,
      name varchar(255), created_at timestamp);
    create table seed_sessions (id varchar(36) primary key, user_id varchar(36) not null references seed_users(id),
      session_token varchar(255) unique not null, expires_at timestamp not null, created_at timestamp)`)
  for (const u of users) {
    await db.query('insert into seed_users (id, email, name, created_at) values ($1, $2, $3, now())', [
      u.id,
      u.email,
      'Bench',
    ])
    await db.query(
      `insert into seed_sessions (id, user_id, session_token, expires_at, created_at)
       values (gen_random_uuid()::text, $1, $2, now() + interval '7 days', now())`,
      [u.id, u.token],
    )
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => {
      const a = s.address()
      const port = typeof a === 'object' && a ? a.port : 0
      s.close(() => resolve(port))
    })
    s.on('error', reject)
  })
}

export interface SeedDesignServer {
  port: number
  proc: ChildProcess
  stop(): Promise<void>
}

export async function startSeedDesign(databaseUrl: string, logDir: string): Promise<SeedDesignServer> {
  const port = await freePort()
  const logPath = join(logDir, 'seed-design.log')
  const fd = openSync(logPath, 'a')
  const url = databaseUrl.replace(/^postgres:/, 'postgresql:')
  const proc = spawn(PYTHON, [join(BENCH_DIR, 'seed-design/app.py'), url, String(port)], {
    stdio: ['ignore', fd, fd],
    env: { PATH: process.env.PATH ?? '' },
  })
  closeSync(fd)
  // Bounded wait for the port to answer.
  for (let i = 0; i < 100; i++) {
    if (proc.exitCode !== null) throw new Error(`seed design exited:\n${tail(logPath)}`)
    try {
      await fetch(`http://127.0.0.1:${port}/health`)
      break
    } catch {
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  return {
    port,
    proc,
    async stop() {
      if (proc.exitCode !== null) return
      const exited = new Promise((r) => proc.on('exit', r))
      proc.kill('SIGTERM')
      const t = setTimeout(() => proc.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(t)
    },
  }
}
