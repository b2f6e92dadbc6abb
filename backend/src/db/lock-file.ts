// PGlite has one connection: one process owns a data directory. The server holds this lock file;
// a CLI that finds it held refuses politely (contract §1).
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs'
import { join } from 'node:path'

export const SERVER_RUNNING_MESSAGE =
  'the server is running: stop it, or upload through the UI / `POST /api/documents`'

export class LockHeldError extends Error {
  constructor(readonly pid: number) {
    super(SERVER_RUNNING_MESSAGE)
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export function lockPath(dataDir: string): string {
  return join(dataDir, 'rag-auth.lock')
}

/** Takes the lock (replacing a stale one left by a dead process); returns a release function. */
export function acquireDataDirLock(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true })
  const path = lockPath(dataDir)
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx')
      writeSync(fd, String(process.pid))
      closeSync(fd)
      return () => {
        try {
          if (readFileSync(path, 'utf8') === String(process.pid)) unlinkSync(path)
        } catch {
          // already gone
        }
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const pid = Number(readFileSync(path, 'utf8'))
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) throw new LockHeldError(pid)
      unlinkSync(path)
    }
  }
  throw new Error(`could not take the lock ${path}`)
}
