import { randomUUID } from 'node:crypto'

/**
 * UUID v7 (time-ordered), generated in TS because PG15 and PGlite disagree on uuidv7(): 48 bits
 * of milliseconds, then the random bits and variant of a v4 UUID with its version set to 7.
 * randomUUID() draws from a cached entropy pool; randomBytes(16) was one getrandom() system call
 * per id.
 */
export function uuidv7(now: number = Date.now()): string {
  const r = randomUUID()
  const t = now.toString(16).padStart(12, '0')
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${r.slice(15, 18)}-${r.slice(19)}`
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function isUuid(value: string): boolean {
  return UUID_RE.test(value)
}
