import { accessSync, constants, mkdirSync } from 'node:fs'
import { resolve } from 'node:path'

/**
 * DATA_DIR, created if needed. The image uses /data (a Space's persistent storage when enabled);
 * when it is not writable, fall back to /app/data with a log line (docs/api.md §1).
 */
export function resolveDataDir(dir: string): { path: string; note: string | null } {
  const wanted = resolve(dir)
  try {
    mkdirSync(wanted, { recursive: true })
    accessSync(wanted, constants.W_OK)
    return { path: wanted, note: null }
  } catch {
    const fallback = resolve(process.cwd(), 'data')
    mkdirSync(fallback, { recursive: true })
    return { path: fallback, note: `DATA_DIR ${wanted} is not writable: using ${fallback} instead` }
  }
}
