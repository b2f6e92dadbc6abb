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

export interface SpaceRef {
  id: string
  name: string
  kind: string
}

/**
 * The spaces an operator may mean by `ref`: the space with that id, or the team spaces and the
 * shared library with exactly that name (personal spaces all share one name: use their id).
 */
export async function spacesByRef(ex: Executor, ref: string, refIsId: boolean): Promise<SpaceRef[]> {
  const rows = refIsId
    ? await ex.query<SpaceRef>('select id, name, kind from spaces where id = $1', [ref])
    : await ex.query<SpaceRef>(
        `select id, name, kind from spaces where name = $1 and kind <> 'personal' order by created_at, id`,
        [ref],
      )
  return rows.map((r) => ({ id: String(r.id), name: r.name, kind: r.kind }))
}
