// Keyset pagination: a list is read `limit + 1` rows at a time after a cursor, which is opaque
// to clients: base64url of "<timestamp ISO>|<uuid>" of the last row of the page before.
import { AppError } from '../errors.js'
import { isUuid } from './ids.js'

export interface TimeCursor {
  at: Date
  id: string
}

export function encodeTimeCursor(c: TimeCursor): string {
  return Buffer.from(`${c.at.toISOString()}|${c.id}`, 'utf8').toString('base64url')
}

/** Null when `cursor` is not one this server made. */
export function parseTimeCursor(cursor: string): TimeCursor | null {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return null
  const [iso, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|')
  if (!iso || !id || rest.length > 0 || !isUuid(id)) return null
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(iso)) return null
  const at = new Date(iso)
  return Number.isNaN(at.getTime()) ? null : { at, id }
}

/** The 422 a list answers to a cursor it did not make. */
export const invalidCursor = () =>
  new AppError('validation_error', { errors: [{ path: 'cursor', message: 'is not a valid cursor' }] })

/** The query's cursor: null when there is none, 422 when it is not one this server made. */
export function decodeTimeCursor(cursor: string | undefined): TimeCursor | null {
  if (cursor === undefined) return null
  const c = parseTimeCursor(cursor)
  if (!c) throw invalidCursor()
  return c
}

/**
 * One page: `rows` was read with limit + 1, so a row beyond `limit` means there is a next page,
 * which starts after the last row shown (`cursorOf` makes its cursor).
 */
export function keysetPage<R, T>(
  rows: readonly R[],
  limit: number,
  render: (row: R) => T,
  cursorOf: (last: R) => string,
): { items: T[]; next_cursor: string | null } {
  const shown = rows.slice(0, limit)
  const last = shown[shown.length - 1]
  return { items: shown.map(render), next_cursor: rows.length > limit && last ? cursorOf(last) : null }
}
