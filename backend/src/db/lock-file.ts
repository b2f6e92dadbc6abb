// PGlite has one connection: one process owns a data directory. The server holds this lock file;
// a CLI that finds it held refuses politely (docs/api.md §1).
//
// A pid alone does not say whether its owner lives: after `kill -9` the owner may be a zombie
// nobody has reaped yet (kill(pid, 0) still succeeds), and in a container its pid is soon reused
// by another process — both made a supervisor's immediate restart fail. So the file records the
// owner's identity: pid, start time (field 22 of /proc/<pid>/stat, in clock ticks since boot) and
// the boot id. The lock is held only while a process with that pid, that start time and that
// boot is alive and not a zombie. Without /proc (macOS), the pid is all there is to go by.
import { closeSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs'
import { join } from 'node:path'

export const SERVER_RUNNING_MESSAGE =
  'the server is running: stop it, or upload through the UI / `POST /api/documents`'

export class LockHeldError extends Error {
  /** The holder's pid; 0 when its record is still being written. */
  constructor(readonly pid: number) {
    super(SERVER_RUNNING_MESSAGE)
  }
}

/** Who holds a lock; `start` and `boot` are null where /proc does not tell (or an old file). */
export interface LockOwner {
  pid: number
  start: string | null
  boot: string | null
}

/** A lock file still empty this long after it was made is a writer that died (ms). */
const HALF_WRITTEN_GRACE_MS = 10_000

export function lockPath(dataDir: string): string {
  return join(dataDir, 'rag-auth.lock')
}

/** State (R, S, Z, …) and start time of a process from /proc, or null when not readable. */
export function procStat(pid: number): { state: string; start: string } | null {
  let text: string
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return null
  }
  // The command name (field 2) is in parentheses and may itself contain spaces and ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
  const state = fields[0]
  const start = fields[19]
  return state && start ? { state, start } : null
}

function bootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null
  } catch {
    return null
  }
}

export function currentOwner(): LockOwner {
  return { pid: process.pid, start: procStat(process.pid)?.start ?? null, boot: bootId() }
}

/** The recorded owner: JSON, or a bare pid (files written before identities were recorded). */
export function parseOwner(text: string): LockOwner | null {
  const trimmed = text.trim()
  if (/^\d+$/.test(trimmed)) return { pid: Number(trimmed), start: null, boot: null }
  try {
    const v = JSON.parse(trimmed) as Partial<LockOwner>
    if (!Number.isInteger(v.pid) || (v.pid as number) <= 0) return null
    const str = (x: unknown) => (typeof x === 'string' && x ? x : null)
    return { pid: v.pid as number, start: str(v.start), boot: str(v.boot) }
  } catch {
    return null
  }
}

function signalAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Whether the process that wrote this record is still running. */
function ownerAlive(owner: LockOwner): boolean {
  // Our own pid is a previous life of this pid (a container restarted with the same one).
  if (owner.pid === process.pid) return false
  const boot = bootId()
  if (owner.boot && boot && owner.boot !== boot) return false // written before a reboot
  const stat = procStat(owner.pid)
  if (!stat) return signalAlive(owner.pid) // no /proc here, or not ours to read
  if (stat.state === 'Z' || stat.state === 'X') return false // dead, not yet reaped
  return owner.start === null || owner.start === stat.start
}

function halfWritten(path: string): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs < HALF_WRITTEN_GRACE_MS
  } catch {
    return false
  }
}

function removeStale(path: string) {
  try {
    unlinkSync(path)
  } catch (err) {
    // Another starter removed it first: the next attempt decides between us.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
}

/** Takes the lock (replacing a stale one left by a dead process); returns a release function. */
export function acquireDataDirLock(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true })
  const path = lockPath(dataDir)
  const me = JSON.stringify(currentOwner())
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx')
      writeSync(fd, me)
      closeSync(fd)
      return () => {
        try {
          if (readFileSync(path, 'utf8') === me) unlinkSync(path)
        } catch {
          // already gone
        }
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const owner = parseOwner(readFileSync(path, 'utf8'))
      // An unreadable record is another starter between its create and its write, unless old.
      if (!owner && halfWritten(path)) throw new LockHeldError(0)
      if (owner && ownerAlive(owner)) throw new LockHeldError(owner.pid)
      removeStale(path)
    }
  }
  throw new Error(`could not take the lock ${path}`)
}
