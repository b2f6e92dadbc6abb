// Spaces: the data layer of docs/api.md §10 (who may read which documents). Retrieval takes the
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

const RANK: Record<SpaceRole, number> = { viewer: 1, editor: 2, owner: 3 }

/** The higher of two roles (null = none). */
export function maxRole(a: SpaceRole | null, b: SpaceRole | null): SpaceRole | null {
  if (!a) return b
  if (!b) return a
  return RANK[a] >= RANK[b] ? a : b
}

/** True when `role` is at least `needed`. */
export function roleAtLeast(role: SpaceRole | null, needed: SpaceRole): boolean {
  return role !== null && RANK[role] >= RANK[needed]
}

export interface SpaceAccess {
  id: string
  name: string
  kind: SpaceKind
  visibility: SpaceVisibility
  /** The caller's effective role; null = the caller may not read the space (answer 404). */
  role: SpaceRole | null
  /** True when the caller reads this space only through admin rights (not in the default scope). */
  viaAdmin: boolean
}

/**
 * The caller's effective role in one space, read as memberships are now (§10):
 * personal — its owner only (admins included: never anyone else); shared — admins own it,
 * everyone else views; team — the member's role, at least `viewer` when visible to everyone,
 * `owner` for admins. A space that does not exist and one the caller may not read look the same.
 */
export async function spaceAccess(
  ex: Executor,
  spaceId: string,
  user: { id: string; isAdmin: boolean },
): Promise<SpaceAccess | null> {
  const rows = await ex.query<{
    id: string
    name: string
    kind: SpaceKind
    visibility: SpaceVisibility
    owner_id: string | null
    member_role: SpaceRole | null
  }>(
    `select s.id, s.name, s.kind, s.visibility, s.owner_id, m.role as member_role
     from spaces s left join space_members m on m.space_id = s.id and m.user_id = $2
     where s.id = $1`,
    [spaceId, user.id],
  )
  const s = rows[0]
  if (!s) return null
  let role: SpaceRole | null = null
  let viaAdmin = false
  if (s.kind === 'personal') {
    role = s.owner_id === user.id ? 'owner' : null
  } else if (s.kind === 'shared') {
    role = user.isAdmin ? 'owner' : 'viewer'
  } else {
    const own = maxRole(s.member_role, s.visibility === 'everyone' ? 'viewer' : null)
    role = user.isAdmin ? 'owner' : own
    viaAdmin = user.isAdmin && own === null
  }
  if (!role) return null
  return { id: String(s.id), name: s.name, kind: s.kind, visibility: s.visibility, role, viaAdmin }
}

/**
 * The user's personal space ("My documents"), created on first use for accounts that predate
 * spaces; safe under concurrent first requests (the unique index on personal owners decides).
 */
export async function ensurePersonalSpace(
  ex: Executor,
  userId: string,
  newId: () => string,
): Promise<string> {
  const found = await ex.query<{ id: string }>(
    `select id from spaces where kind = 'personal' and owner_id = $1`,
    [userId],
  )
  if (found[0]) return String(found[0].id)
  await ex.query(
    `insert into spaces (id, name, description, kind, visibility, owner_id, created_by)
     values ($1, 'My documents', '', 'personal', 'members', $2, $2)
     on conflict do nothing`,
    [newId(), userId],
  )
  const rows = await ex.query<{ id: string }>(
    `select id from spaces where kind = 'personal' and owner_id = $1`,
    [userId],
  )
  if (!rows[0]) throw new Error('personal space was not created')
  return String(rows[0].id)
}
