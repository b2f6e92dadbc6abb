// Spaces: the data layer of contract §10 (who may read which documents). Retrieval takes the
// space ids a request may search; these queries resolve them, as memberships are *now* (no cache:
// a removed member stops reading on the next request).

import { type Database, type Executor, type Orm, toDate } from '../client.js'
import {
  SHARED_LIBRARY_ID,
  type SpaceKind,
  type SpaceRole,
  type SpaceVisibility,
  spaces,
} from '../schema/spaces.js'
import { purgeSpaceIndex } from './bm25.js'

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
  const { role, viaAdmin } = roleInSpace(s, user)
  if (!role) return null
  return { id: String(s.id), name: s.name, kind: s.kind, visibility: s.visibility, role, viaAdmin }
}

/** What decides a caller's role in a space: the space's row and the caller's membership, if any. */
export interface SpaceRoleFacts {
  kind: SpaceKind
  visibility: SpaceVisibility
  owner_id: string | null
  member_role: SpaceRole | null
}

/**
 * The effective role (pure; see spaceAccess): personal — its owner only (admins included: never
 * anyone else); shared — admins own it, everyone else views; team — the member's role, at least
 * `viewer` when visible to everyone, `owner` for admins.
 */
export function roleInSpace(
  s: SpaceRoleFacts,
  user: { id: string; isAdmin: boolean },
): { role: SpaceRole | null; viaAdmin: boolean } {
  if (s.kind === 'personal') return { role: s.owner_id === user.id ? 'owner' : null, viaAdmin: false }
  if (s.kind === 'shared') return { role: user.isAdmin ? 'owner' : 'viewer', viaAdmin: false }
  const own = maxRole(s.member_role, s.visibility === 'everyone' ? 'viewer' : null)
  return { role: user.isAdmin ? 'owner' : own, viaAdmin: user.isAdmin && own === null }
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

/**
 * "My documents" for a new account, inside the transaction that creates the account (drizzle's,
 * as the account paths use it), so no account exists without one.
 */
export async function insertPersonalSpace(orm: Orm, userId: string, id: string, now: Date): Promise<void> {
  await orm
    .insert(spaces)
    .values({
      id,
      name: 'My documents',
      kind: 'personal',
      visibility: 'members',
      ownerId: userId,
      createdBy: userId,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing()
}

/** A space as the caller sees it (§10): with their effective role and its document count. */
export interface SpaceView {
  id: string
  name: string
  description: string
  kind: SpaceKind
  visibility: SpaceVisibility
  role: SpaceRole
  /** Read only through admin rights (not in the caller's default scope). */
  viaAdmin: boolean
  documents: number
  created_at: Date
}

const VIEW_SELECT = `select s.id, s.name, s.description, s.kind, s.visibility, s.owner_id, s.created_at,
       m.role as member_role, (select count(*) from documents d where d.space_id = s.id) as documents
     from spaces s left join space_members m on m.space_id = s.id and m.user_id = $1`

type ViewRow = SpaceRoleFacts & {
  id: string
  name: string
  description: string
  created_at: unknown
  documents: number | string
}

function viewsOf(rows: ViewRow[], user: { id: string; isAdmin: boolean }): SpaceView[] {
  return rows.flatMap((r) => {
    const { role, viaAdmin } = roleInSpace(r, user)
    if (!role) return []
    return [
      {
        id: String(r.id),
        name: r.name,
        description: r.description,
        kind: r.kind,
        visibility: r.visibility,
        role,
        viaAdmin,
        documents: Number(r.documents),
        created_at: toDate(r.created_at),
      },
    ]
  })
}

/**
 * Every space the user may read: My documents first, then the shared library, then team spaces
 * by name. The SQL narrows the rows; roleInSpace decides, as it does for spaceAccess.
 */
export async function listReadableSpaces(
  ex: Executor,
  user: { id: string; isAdmin: boolean },
): Promise<SpaceView[]> {
  const rows = await ex.query<ViewRow>(
    `${VIEW_SELECT}
     where (s.kind = 'personal' and s.owner_id = $1) or s.kind = 'shared' or m.user_id is not null
        or (s.kind = 'team' and (s.visibility = 'everyone' or $2::boolean))
     order by case s.kind when 'personal' then 0 when 'shared' then 1 else 2 end, lower(s.name), s.id`,
    [user.id, user.isAdmin],
  )
  return viewsOf(rows, user)
}

/** One space as the user sees it, or null when it does not exist or they may not read it. */
export async function readableSpace(
  ex: Executor,
  spaceId: string,
  user: { id: string; isAdmin: boolean },
): Promise<SpaceView | null> {
  const rows = await ex.query<ViewRow>(`${VIEW_SELECT} where s.id = $2`, [user.id, spaceId])
  return viewsOf(rows, user)[0] ?? null
}

export interface SpaceChanges {
  name?: string
  description?: string
  visibility?: SpaceVisibility
}

export async function updateSpace(ex: Executor, spaceId: string, c: SpaceChanges, now: Date): Promise<void> {
  await ex.query(
    `update spaces set name = coalesce($2, name), description = coalesce($3, description),
       visibility = coalesce($4, visibility), updated_at = $5::timestamptz
     where id = $1`,
    [spaceId, c.name ?? null, c.description ?? null, c.visibility ?? null, now.toISOString()],
  )
}

/**
 * Locks a space's row until the transaction ends: membership changes of one space run one at a
 * time, so two owners demoting each other cannot both pass the last-owner check. NO KEY UPDATE
 * does not wait for ingests, whose foreign-key checks take KEY SHARE.
 */
export async function lockSpace(tx: Executor, spaceId: string): Promise<boolean> {
  const rows = await tx.query('select id from spaces where id = $1 for no key update', [spaceId])
  return rows.length > 0
}

/**
 * Deletes a space with everything in it, inside the caller's transaction (which holds the
 * knowledge-base write lock): the postings first (chunk_terms has no foreign key to cascade from),
 * then the row, whose cascade takes documents, chunks, statistics, members and invitations.
 */
export async function deleteSpaceRows(tx: Executor, spaceId: string): Promise<boolean> {
  await purgeSpaceIndex(tx, spaceId)
  const rows = await tx.query('delete from spaces where id = $1 returning id', [spaceId])
  return rows.length > 0
}

/** For the operator's CLI: every space with its personal owner, members and documents. */
export interface SpaceListing {
  id: string
  name: string
  kind: SpaceKind
  visibility: SpaceVisibility
  owner_email: string | null
  members: number
  documents: number
}

export async function listAllSpaces(ex: Executor): Promise<SpaceListing[]> {
  const rows = await ex.query<Record<string, unknown>>(
    `select s.id, s.name, s.kind, s.visibility, u.email as owner_email,
       (select count(*) from space_members m where m.space_id = s.id) as members,
       (select count(*) from documents d where d.space_id = s.id) as documents
     from spaces s left join users u on u.id = s.owner_id
     order by case s.kind when 'shared' then 0 when 'team' then 1 else 2 end, lower(s.name), s.id`,
  )
  return rows.map((r) => ({
    id: String(r.id),
    name: String(r.name),
    kind: r.kind as SpaceKind,
    visibility: r.visibility as SpaceVisibility,
    owner_email: r.owner_email === null ? null : String(r.owner_email),
    members: Number(r.members),
    documents: Number(r.documents),
  }))
}

/** Team spaces with exactly this name (the CLI resolves `<space>` by name). */
export async function teamSpacesNamed(ex: Executor, name: string): Promise<{ id: string; name: string }[]> {
  const rows = await ex.query<{ id: string; name: string }>(
    `select id, name from spaces where kind = 'team' and name = $1 order by created_at, id`,
    [name],
  )
  return rows.map((r) => ({ id: String(r.id), name: r.name }))
}

/** A space's id, name and kind by id (the CLI; no access rules: the operator acts on the database). */
export async function spaceById(
  ex: Executor,
  spaceId: string,
): Promise<{ id: string; name: string; kind: SpaceKind } | null> {
  const rows = await ex.query<{ id: string; name: string; kind: SpaceKind }>(
    'select id, name, kind from spaces where id = $1',
    [spaceId],
  )
  const r = rows[0]
  return r ? { id: String(r.id), name: r.name, kind: r.kind } : null
}
