import { accessSync, constants, mkdirSync } from 'node:fs'
import { resolve } from 'node:path'

/** The image's DATA_DIR: a Space's persistent storage, when one is mounted there. */
export const IMAGE_DATA_DIR = '/data'

/** A DATA_DIR that cannot be used: reported as one `config error:` line, exit 1 (docs/api.md §1). */
export class DataDirError extends Error {}

function writable(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true })
    accessSync(dir, constants.W_OK)
    return true
  } catch {
    return false
  }
}

/**
 * DATA_DIR, created if needed. The image uses /data (a Space's persistent storage when enabled);
 * when that is not writable, fall back to /app/data with a log line (docs/api.md §1). Any other
 * DATA_DIR the operator chose is used or refused, never silently swapped for ./data (where the
 * database would not be where they look for it, and may not outlive the container).
 */
export function resolveDataDir(dir: string): { path: string; note: string | null } {
  const wanted = resolve(dir)
  if (writable(wanted)) return { path: wanted, note: null }
  if (wanted !== IMAGE_DATA_DIR) {
    throw new DataDirError(
      `DATA_DIR: ${wanted} is not a writable folder; point DATA_DIR at one this user may write (or set DATABASE_URL)`,
    )
  }
  const fallback = resolve(process.cwd(), 'data')
  mkdirSync(fallback, { recursive: true })
  return { path: fallback, note: `DATA_DIR ${wanted} is not writable: using ${fallback} instead` }
}
