// Small reads that the document, search and chat routes make about spaces they have already
// resolved access to (db/queries/spaces.ts decides who may read what).
import type { Executor } from '../client.js'

/** The names of these spaces, by id (ids that no longer exist are absent). */
export async function spaceNames(ex: Executor, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map()
  const rows = await ex.query<{ id: string; name: string }>(
    `select id, name from spaces where id in (select (jsonb_array_elements_text($1::text::jsonb))::uuid)`,
    [JSON.stringify([...new Set(ids)])],
  )
  return new Map(rows.map((r) => [String(r.id), r.name]))
}

/**
 * Holds the space row against deletion until the transaction ends (a document written into a
 * space being deleted would outlive it); false when the space is gone already.
 */
export async function holdSpace(ex: Executor, spaceId: string): Promise<boolean> {
  const rows = await ex.query('select id from spaces where id = $1 for key share', [spaceId])
  return rows.length > 0
}
