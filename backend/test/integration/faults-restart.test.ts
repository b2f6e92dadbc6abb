// Fault (e): a supervisor's immediate restart after `kill -9`. `npm start` runs in its own process
// group (npm → start.mjs → server); the whole group is SIGKILLed in the middle of a large upload,
// and `npm start` is run again at once, on the same PGlite data directory. The dead server may
// still be a zombie then (nobody has reaped it: on a host whose init does not reap orphans it
// stays one) and its pid may belong to someone else soon: the data-dir lock must see it is gone.
// The restarted server starts, lists only complete documents, and takes the same upload in full;
// afterwards no document is half-ingested.
import assert from 'node:assert/strict'
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { type Database, openDatabase, pgliteDirOf } from '../../src/db/client.js'
import { lockPath, parseOwner, procStat } from '../../src/db/lock-file.js'
import { bigMarkdown } from '../helpers/big-markdown.js'
import {
  ensureBackendBuilt,
  faultTestsSkipReason,
  freePort,
  http,
  REPO_ROOT,
  removeDir,
  sleep,
} from '../helpers/processes.js'

const ADMIN = 'admin@example.com'
const PASSWORD = 'a quiet lighthouse 42'

function dirBytes(dir: string): number {
  let total = 0
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    try {
      total += e.isDirectory() ? dirBytes(p) : statSync(p).size
    } catch {}
  }
  return total
}

interface NpmStart {
  /** npm's pid: the process group's id. */
  pgid: number
  url: string
  output(): string
  exited(): boolean
  /** Ends a wrapper (see below), whose zombies init then reaps. */
  cleanup(): void
}

/**
 * A parent that never reaps: it makes itself the "child subreaper" of what it starts, so every
 * process of the group it starts stays a zombie once dead, until it exits — a supervisor or an
 * init that has not reaped the dead server yet, made deterministic (an init that reaps at once
 * would otherwise win the race against the restart on some hosts and lose it on others).
 */
const NON_REAPING_PARENT = `
import ctypes, os, sys
if ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) != 0: sys.exit('prctl failed')
pid = os.fork()
if pid == 0:
    os.setsid()
    os.execvp('npm', ['npm', 'start'])
print(pid, flush=True)
sys.stdin.read()
`

const python3 = spawnSync('python3', ['-c', 'import ctypes'], { stdio: 'ignore' }).status === 0

/** `npm start` as its own process group (a supervisor's view of the app), healthy. */
async function npmStart(env: Record<string, string>, port: number, nonReaping: boolean): Promise<NpmStart> {
  const child = nonReaping
    ? spawn('python3', ['-c', NON_REAPING_PARENT], { cwd: REPO_ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] })
    : spawn('npm', ['start'], { cwd: REPO_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout?.on('data', (d) => {
    out += d
  })
  child.stderr?.on('data', (d) => {
    out += d
  })
  let pgid = nonReaping ? 0 : (child.pid as number)
  for (let i = 0; i < 200 && !pgid; i++) {
    await sleep(50)
    pgid = Number(/^(\d+)\n/.exec(out)?.[1] ?? 0)
  }
  assert.ok(pgid > 0, `npm start did not start: ${out}`)
  const cleanup = () => {
    try {
      process.kill(-pgid, 'SIGKILL')
    } catch {}
    child.stdin?.end()
  }
  process.once('exit', cleanup)
  const exited = () => {
    const state = procStat(pgid)?.state
    return state === undefined || state === 'Z'
  }
  const started: NpmStart = { pgid, url: `http://127.0.0.1:${port}`, output: () => out, exited, cleanup }
  const until = Date.now() + 300_000
  for (;;) {
    if (exited()) throw new Error(`npm start exited:\n${out.slice(-3000)}`)
    try {
      if ((await http(started.url, '/health', { timeoutMs: 3000 })).status === 200) return started
    } catch {}
    if (Date.now() > until) throw new Error(`npm start: not healthy in time\n${out.slice(-3000)}`)
    await sleep(100)
  }
}

/** Signals the whole process group and waits until npm is dead. */
async function killGroup(run: NpmStart, signal: NodeJS.Signals) {
  process.kill(-run.pgid, signal)
  for (let i = 0; i < 600 && !run.exited(); i++) await sleep(50)
}

function upload(base: string, token: string, name: string, markdown: string) {
  const form = new FormData()
  form.append('file', new Blob([markdown], { type: 'text/markdown' }), name)
  return http(base, '/api/documents', { body: form, token, timeoutMs: 600_000 })
}

async function signIn(base: string): Promise<string> {
  const r = await http(base, '/api/auth/sign-in', { json: { email: ADMIN, password: PASSWORD } })
  assert.equal(r.status, 200, r.text)
  return (r.body as { session: { token: string } }).session.token
}

async function integrity(db: Database) {
  const n = async (sql: string) => Number(Object.values((await db.query(sql))[0] ?? {})[0] ?? 0)
  return {
    documents: await n('select count(*) from documents'),
    miscounted: await n(
      'select count(*) from documents d where d.chunk_count <> (select count(*) from chunks c where c.document_id = d.id)',
    ),
    orphanChunks: await n(
      'select count(*) from chunks c where not exists (select 1 from documents d where d.id = c.document_id)',
    ),
  }
}

describe('faults: kill -9 of the `npm start` process group, restarted at once [pglite]', {
  skip: faultTestsSkipReason(),
  timeout: 900_000,
}, () => {
  const cwd = mkdtempSync(join(tmpdir(), 'rag-auth-restart-'))
  const dataDir = join(cwd, 'data')
  const runs: NpmStart[] = []
  after(() => {
    for (const r of runs) r.cleanup()
    removeDir(cwd)
  })

  it('starts again at once, and no document is half-ingested', async () => {
    await ensureBackendBuilt()
    const port = await freePort()
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: cwd,
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      DEMO_CORPUS: 'false',
    }
    execFileSync('npm', ['run', '--silent', 'user', '--', 'create', ADMIN, '--admin'], {
      cwd: REPO_ROOT,
      env,
      input: `${PASSWORD}\n`,
      stdio: ['pipe', 'ignore', 'inherit'],
    })
    // Under a parent that does not reap (when python3 can make one): the dead server stays a zombie.
    let run = await npmStart(env, port, python3)
    runs.push(run)
    let token = await signIn(run.url)
    const small = await upload(run.url, token, 'small.md', bigMarkdown(60, 1, 'Restart test document'))
    assert.equal(small.status, 201, small.text)
    const smallChunks = (small.body as { chunks: number }).chunks

    const owner = parseOwner(readFileSync(lockPath(dataDir), 'utf8'))
    assert.ok(owner, 'the server holds the data-dir lock')
    const big = bigMarkdown(1400, 2, 'Restart test document')
    const inFlight = upload(run.url, token, 'big.md', big).then(
      (r) => `answered ${r.status}`,
      (err: Error) => `failed: ${(err.cause as { code?: string })?.code ?? err.message}`,
    )
    // No view into PGlite from outside: its files growing while the upload is in flight.
    const pgdir = pgliteDirOf(dataDir)
    const baseline = dirBytes(pgdir)
    let grown = 0
    for (let i = 0; i < 3000 && grown < 6 * 1024 * 1024; i++) {
      await sleep(20)
      grown = dirBytes(pgdir) - baseline
    }
    assert.ok(grown >= 6 * 1024 * 1024, 'the ingestion never started writing')
    await killGroup(run, 'SIGKILL')
    assert.match(await inFlight, /^failed/, 'the upload completed before the kill')
    const deadServer = procStat(owner.pid)?.state ?? 'reaped'

    // At once, as a supervisor would.
    const t0 = Date.now()
    run = await npmStart(env, port, false)
    runs.push(run)
    const restartMs = Date.now() - t0
    token = await signIn(run.url)
    const list = await http(run.url, '/api/documents', { token })
    assert.equal(list.status, 200, list.text)
    const docs = (list.body as { documents: { source: string | null; chunks: number }[] }).documents
    assert.deepEqual(
      docs.map((d) => [d.source, d.chunks]),
      [['small.md', smallChunks]],
      'only the complete document is listed',
    )
    const again = await upload(run.url, token, 'big.md', big)
    assert.equal(again.status, 201, again.text)
    // Stop the server (gracefully) and wait until it is gone before opening its directory here.
    const server = parseOwner(readFileSync(lockPath(dataDir), 'utf8'))
    assert.ok(server && server.pid !== owner.pid, 'the new server holds the lock')
    process.kill(server.pid, 'SIGTERM')
    for (let i = 0; i < 600 && !['Z', 'gone'].includes(procStat(server.pid)?.state ?? 'gone'); i++) {
      await sleep(50)
    }
    await killGroup(run, 'SIGKILL')

    const db = await openDatabase({ databaseUrl: null, pgliteDir: pgdir })
    try {
      assert.deepEqual(await integrity(db), { documents: 2, miscounted: 0, orphanChunks: 0 })
    } finally {
      await db.close()
    }
    process.stdout.write(
      `# kill -9 of npm start's group: the dead server (pid ${owner.pid}) was ${deadServer === 'Z' ? 'a zombie' : deadServer} at the restart; healthy again in ${restartMs} ms\n`,
    )
  })
})
