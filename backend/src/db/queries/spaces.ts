// Spaces: the data layer of contract §10 (who may read which documents). Retrieval takes the
// space ids a request may search; these queries resolve them, as memberships are *now* (no cache:
// a removed member stops reading on the next request).

import type { Database, Executor } from '../client.js'
import { SHARED_LIBRARY_ID, type SpaceKind, type SpaceRole, type SpaceVisibility } from '../schema/spaces.js'

export { SHARED_LIBRARY_ID }

const sharedIds = new WeakMap<Executor, Promise<string>>()

/**
 * The shared library's id (created by migration 0007, never deleted, so it is looked up once per
 * database).
 */
export function sharedLibraryId(db: Database | Executor): Promise<string> {
  const known = sharedIds.get(db)
  if (known) return known
  const p = db.query<{ id: string }>("select id from spaces where kind = 'shared' limit 1").then((rows) => {
    if (!rows[0]) throw new Error('no shared library: run the migrations')
    return String(rows[0].id)
  })
  p.catch(() => sharedIds.delete(db))
  sharedIds.set(db, p)
  return p
}

/**
 * The spaces a user searches by default (§8): their personal space, the shared library,
 * `everyone` spaces and the spaces they are a member of — one statement on indexed columns.
 */
export async function defaultSpaceIds(ex: Executor, userId: string): Promise<string[]> {
  const rows = await ex.query<{ id: string }>(
    `select s.id from spaces s
     where s.kind = 'shared' or s.visibility = 'everyone' or (s.kind = 'personal' and s.owner_id = $1)
     union
     select m.space_id from space_members m where m.user_id = $1
     order by 1`,
    [userId],
  )
  return rows.map((r) => String(r.id))
}

/**
 * Every space a user may read: the default scope, and for an admin every team space too (admins
 * act as owners of team spaces, never of personal ones; §10).
 */
export async function readableSpaceIds(ex: Executor, userId: string, isAdmin: boolean): Promise<string[]> {
  if (!isAdmin) return defaultSpaceIds(ex, userId)
  const rows = await ex.query<{ id: string }>(
    `select s.id from spaces s
     where s.kind <> 'personal' or s.owner_id = $1
     order by 1`,
    [userId],
  )
  return rows.map((r) => String(r.id))
}

export interface NewSpace {
  id: string
  name: string
  description?: string
  kind: SpaceKind
  visibility?: SpaceVisibility
  ownerId?: string | null
  createdBy?: string | null
}

export async function insertSpace(ex: Executor, s: NewSpace): Promise<void> {
  await ex.query(
    `insert into spaces (id, name, description, kind, visibility, owner_id, created_by)
     values ($1, $2, $3, $4, $5, $6, $7)`,
    [
      s.id,
      s.name,
      s.description ?? '',
      s.kind,
      s.visibility ?? 'members',
      s.ownerId ?? null,
      s.createdBy ?? null,
    ],
  )
}

export async function upsertSpaceMember(
  ex: Executor,
  spaceId: string,
  userId: string,
  role: SpaceRole,
): Promise<void> {
  await ex.query(
    `insert into space_members (space_id, user_id, role) values ($1, $2, $3)
     on conflict (space_id, user_id) do update set role = excluded.role`,
    [spaceId, userId, role],
  )
}

/** How many chunks these spaces hold (from the BM25 statistics: no count over chunks). */
export async function chunkCountOf(ex: Executor, spaceIds: readonly string[]): Promise<number> {
  const rows = await ex.query<{ n: number | string | null }>(
    `select coalesce(sum(chunk_count), 0) as n from space_stats
     where space_id in (select (jsonb_array_elements_text($1::text::jsonb))::uuid)`,
    [JSON.stringify(spaceIds)],
  )
  return Number(rows[0]?.n ?? 0)
}
