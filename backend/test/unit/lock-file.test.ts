// The data-directory lock against real processes: a zombie, a pid now used by another process,
// records from a dead process, another boot or a writer that died half-way are stale; a live
// owner (recorded in full, or as a bare pid by an older server) holds it.
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, afterEach, before, describe, it } from 'node:test'
import {
  acquireDataDirLock,
  currentOwner,
  LockHeldError,
  lockPath,
  parseOwner,
  procStat,
} from '../../src/db/lock-file.js'

const hasProc = procStat(process.pid) !== null
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** `sh` that starts a short child, then becomes `sleep` (which never reaps it): a zombie. */
async function zombieMaker(): Promise<{ parent: ChildProcess; zombie: number }> {
  // The child must outlive the shell: a shell still running when it exits reaps it (then there
  // is no zombie). `sleep 0` lost that race on a loaded machine; `exec sleep` never reaps.
  const parent = spawn('sh', ['-c', 'sleep 1 & echo $!; exec sleep 60'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  const zombie = await new Promise<number>((resolve) => {
    parent.stdout?.once('data', (d: Buffer) => resolve(Number(d.toString().trim())))
  })
  for (let i = 0; i < 300 && procStat(zombie)?.state !== 'Z'; i++) await sleep(20)
  return { parent, zombie }
}

describe('data-dir lock', () => {
  let dir: string
  const children: ChildProcess[] = []
  const live = () => {
    const child = spawn('sleep', ['60'], { stdio: 'ignore' })
    children.push(child)
    return child.pid as number
  }
  const record = (text: string) => writeFileSync(lockPath(dir), text)
  const takes = () => {
    const release = acquireDataDirLock(dir)
    release()
  }
  const refused = (pid: number) =>
    assert.throws(
      () => acquireDataDirLock(dir),
      (err) => err instanceof LockHeldError && err.pid === pid,
    )

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'rag-auth-lock-'))
  })
  afterEach(() => rmSync(lockPath(dir), { force: true }))
  after(() => {
    for (const c of children) c.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  })

  it('records who holds it, and releases it', () => {
    const release = acquireDataDirLock(dir)
    const owner = parseOwner(readFileSync(lockPath(dir), 'utf8'))
    assert.deepEqual(owner, currentOwner())
    assert.equal(owner?.pid, process.pid)
    if (hasProc) assert.ok(owner?.start && owner.boot, 'start time and boot id recorded')
    release()
    assert.equal(existsSync(lockPath(dir)), false)
  })

  it('is held by a live owner, recorded in full or as a bare pid', () => {
    const pid = live()
    record(JSON.stringify({ ...currentOwner(), pid, start: procStat(pid)?.start ?? null }))
    refused(pid)
    record(String(pid))
    refused(pid)
  })

  it('treats a zombie (dead, not yet reaped) as gone', { skip: !hasProc && 'no /proc' }, async () => {
    const { parent, zombie } = await zombieMaker()
    children.push(parent)
    assert.equal(procStat(zombie)?.state, 'Z', 'no zombie to test with')
    // kill(pid, 0) succeeds on a zombie: a check on the pid alone refuses here.
    assert.doesNotThrow(() => process.kill(zombie, 0))
    record(String(zombie))
    takes()
    record(JSON.stringify({ ...currentOwner(), pid: zombie, start: procStat(zombie)?.start }))
    takes()
  })

  it('treats a pid now used by another process as gone', { skip: !hasProc && 'no /proc' }, () => {
    const pid = live()
    const start = String(Number(procStat(pid)?.start) - 1234)
    record(JSON.stringify({ ...currentOwner(), pid, start }))
    takes()
  })

  it('replaces records of a dead process, of another boot, and of a writer that died half-way', async () => {
    const child = spawn('true')
    await new Promise((r) => child.once('exit', r))
    record(JSON.stringify({ ...currentOwner(), pid: child.pid }))
    takes()
    if (hasProc) {
      const pid = live()
      record(JSON.stringify({ pid, start: procStat(pid)?.start, boot: 'another-boot' }))
      takes()
    }
    record('')
    refused(0) // being written right now, as far as anyone can tell
    const old = new Date(Date.now() - 60_000)
    utimesSync(lockPath(dir), old, old)
    takes()
    record('{"pid": "not a pid"}')
    utimesSync(lockPath(dir), old, old)
    takes()
  })

  it('replaces a record of this very pid (a container restarted with the same pid)', () => {
    record(JSON.stringify({ pid: process.pid, start: '1', boot: currentOwner().boot }))
    takes()
  })
})
