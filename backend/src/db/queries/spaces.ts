// Spaces: the data layer of docs/api.md §10 (who may read which documents), and every read of the
// spaces table. Retrieval takes the space ids a request may search; these queries resolve them, as
// memberships are *now* (no cache: a removed member stops reading on the next request).
// The reads every request makes (scope, access) are named prepared statements (`.prepare`), so
// Postgres plans them once per connection.
import { and, asc, eq, isNotNull, ne, or, type Placeholder, type SQL, sql } from 'drizzle-orm'
import { type Conn, type Orm, preparedPer } from '../client.js'
import { users } from '../schema/auth.js'
import { documents, spaceStats } from '../schema/rag.js'
import {
  SHARED_LIBRARY_ID,
  type SpaceKind,
  type SpaceRole,
  type SpaceVisibility,
  spaceMembers,
  spaces,
} from '../schema/spaces.js'
import { purgeSpaceIndex } from './bm25.js'
import { inIds } from './id-list.js'

export { SHARED_LIBRARY_ID }

const sharedIds = new WeakMap<object, Promise<string>>()

/**
 * The shared library's id (created by migration 0007, never deleted, so it is looked up once per
 * database).
 */
export function sharedLibraryId(db: Conn): Promise<string> {
  const known = sharedIds.get(db)
  if (known) return known
  const p = db.orm
    .select({ id: spaces.id })
    .from(spaces)
    .where(eq(spaces.kind, 'shared'))
    .limit(1)
    .then((rows) => {
      if (!rows[0]) throw new Error('no shared library: run the migrations')
      return rows[0].id
    })
  p.catch(() => sharedIds.delete(db))
  sharedIds.set(db, p)
  return p
}

/**
 * The reads every search, chat and document request makes, built once per query builder (one per
 * connection scope) with placeholders: building the statement again on every request was 6 % of
 * a member search's time in the server. Sent as named statements, planned once per connection.
 */
function buildStatements(orm: Orm) {
  const userId = sql.placeholder('userId')
  return {
    defaultScope: orm
      .select({ id: spaces.id })
      .from(spaces)
      .where(
        or(
          eq(spaces.kind, 'shared'),
          eq(spaces.visibility, 'everyone'),
          and(eq(spaces.kind, 'personal'), eq(spaces.ownerId, userId)),
        ),
      )
      .union(
        orm.select({ id: spaceMembers.spaceId }).from(spaceMembers).where(eq(spaceMembers.userId, userId)),
      )
      .orderBy(asc(spaces.id))
      .prepare('default_space_ids'),
    adminScope: orm
      .select({ id: spaces.id })
      .from(spaces)
      .where(or(ne(spaces.kind, 'personal'), eq(spaces.ownerId, userId)))
      .orderBy(asc(spaces.id))
      .prepare('admin_space_ids'),
    access: orm
      .select({ id: spaces.id, name: spaces.name, ...roleFacts })
      .from(spaces)
      .leftJoin(spaceMembers, memberOf(userId))
      .where(eq(spaces.id, sql.placeholder('spaceId')))
      .prepare('space_access'),
  }
}

const prepared = preparedPer(buildStatements)

/**
 * The spaces a user searches by default (§8): their personal space, the shared library,
 * `everyone` spaces and the spaces they are a member of — one statement on indexed columns.
 */
export async function defaultSpaceIds(ex: Conn, userId: string): Promise<string[]> {
  const rows = await prepared(ex).defaultScope.execute({ userId })
  return rows.map((r) => r.id)
}

/**
 * Every space a user may read: the default scope, and for an admin every team space too (admins
 * act as owners of team spaces, never of personal ones; §10).
 */
export async function readableSpaceIds(ex: Conn, userId: string, isAdmin: boolean): Promise<string[]> {
  if (!isAdmin) return defaultSpaceIds(ex, userId)
  const rows = await prepared(ex).adminScope.execute({ userId })
  return rows.map((r) => r.id)
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

export async function insertSpace(ex: Conn, s: NewSpace): Promise<void> {
  await ex.orm.insert(spaces).values({
    id: s.id,
    name: s.name,
    description: s.description ?? '',
    kind: s.kind,
    visibility: s.visibility ?? 'members',
    ownerId: s.ownerId ?? null,
    createdBy: s.createdBy ?? null,
  })
}

export async function upsertSpaceMember(ex: Conn, spaceId: string, userId: string, role: SpaceRole) {
  await ex.orm
    .insert(spaceMembers)
    .values({ spaceId, userId, role })
    .onConflictDoUpdate({ target: [spaceMembers.spaceId, spaceMembers.userId], set: { role } })
}

/** How many chunks these spaces hold (from the BM25 statistics: no count over chunks). */
export async function chunkCountOf(ex: Conn, spaceIds: readonly string[]): Promise<number> {
  const rows = await ex.orm
    .select({ n: sql<number>`coalesce(sum(${spaceStats.chunkCount}), 0)`.mapWith(Number) })
    .from(spaceStats)
    .where(inIds(spaceStats.spaceId, spaceIds))
    .prepare('chunk_count_of')
    .execute()
  return rows[0]?.n ?? 0
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

/** A space's row joined with one user's membership: what decides that user's role in it. */
const roleFacts = {
  kind: spaces.kind,
  visibility: spaces.visibility,
  owner_id: spaces.ownerId,
  member_role: spaceMembers.role,
}

const memberOf = (userId: string | Placeholder) =>
  and(eq(spaceMembers.spaceId, spaces.id), eq(spaceMembers.userId, userId))

/**
 * The caller's effective role in one space, read as memberships are now (§10):
 * personal — its owner only (admins included: never anyone else); shared — admins own it,
 * everyone else views; team — the member's role, at least `viewer` when visible to everyone,
 * `owner` for admins. A space that does not exist and one the caller may not read look the same.
 */
export async function spaceAccess(
  ex: Conn,
  spaceId: string,
  user: { id: string; isAdmin: boolean },
): Promise<SpaceAccess | null> {
  const [s] = await prepared(ex).access.execute({ spaceId, userId: user.id })
  if (!s) return null
  const { role, viaAdmin } = roleInSpace(s, user)
  if (!role) return null
  return { id: s.id, name: s.name, kind: s.kind, visibility: s.visibility, role, viaAdmin }
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

async function personalSpaceOf(ex: Conn, userId: string): Promise<string | undefined> {
  const [row] = await ex.orm
    .select({ id: spaces.id })
    .from(spaces)
    .where(and(eq(spaces.kind, 'personal'), eq(spaces.ownerId, userId)))
  return row?.id
}

/**
 * The user's personal space ("My documents"), created on first use for accounts that predate
 * spaces; safe under concurrent first requests (the unique index on personal owners decides).
 */
export async function ensurePersonalSpace(ex: Conn, userId: string, newId: () => string): Promise<string> {
  const found = await personalSpaceOf(ex, userId)
  if (found) return found
  await ex.orm
    .insert(spaces)
    .values({ id: newId(), name: 'My documents', kind: 'personal', ownerId: userId, createdBy: userId })
    .onConflictDoNothing()
  const id = await personalSpaceOf(ex, userId)
  if (!id) throw new Error('personal space was not created')
  return id
}

/**
 * "My documents" for a new account, inside the transaction that creates the account, so no
 * account exists without one.
 */
export async function insertPersonalSpace(db: Conn, userId: string, id: string, now: Date): Promise<void> {
  await db.orm
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

/** Spaces with one user's membership and their document counts; roleInSpace decides what is seen. */
async function spaceViews(
  ex: Conn,
  user: { id: string; isAdmin: boolean },
  where: SQL | undefined,
): Promise<SpaceView[]> {
  const rows = await ex.orm
    .select({
      id: spaces.id,
      name: spaces.name,
      description: spaces.description,
      created_at: spaces.createdAt,
      ...roleFacts,
      documents: ex.orm.$count(documents, eq(documents.spaceId, spaces.id)),
    })
    .from(spaces)
    .leftJoin(spaceMembers, memberOf(user.id))
    .where(where)
    .orderBy(
      sql`case ${spaces.kind} when 'personal' then 0 when 'shared' then 1 else 2 end`,
      sql`lower(${spaces.name})`,
      spaces.id,
    )
  return rows.flatMap((r) => {
    const { role, viaAdmin } = roleInSpace(r, user)
    if (!role) return []
    const { owner_id: _o, member_role: _m, ...view } = r
    return [{ ...view, role, viaAdmin, documents: Number(r.documents) }]
  })
}

/**
 * Every space the user may read: My documents first, then the shared library, then team spaces
 * by name. The SQL narrows the rows; roleInSpace decides, as it does for spaceAccess.
 */
export function listReadableSpaces(ex: Conn, user: { id: string; isAdmin: boolean }): Promise<SpaceView[]> {
  return spaceViews(
    ex,
    user,
    or(
      and(eq(spaces.kind, 'personal'), eq(spaces.ownerId, user.id)),
      eq(spaces.kind, 'shared'),
      isNotNull(spaceMembers.userId),
      and(eq(spaces.kind, 'team'), user.isAdmin ? undefined : eq(spaces.visibility, 'everyone')),
    ),
  )
}

/** One space as the user sees it, or null when it does not exist or they may not read it. */
export async function readableSpace(
  ex: Conn,
  spaceId: string,
  user: { id: string; isAdmin: boolean },
): Promise<SpaceView | null> {
  return (await spaceViews(ex, user, eq(spaces.id, spaceId)))[0] ?? null
}

export interface SpaceChanges {
  name?: string
  description?: string
  visibility?: SpaceVisibility
}

export async function updateSpace(ex: Conn, spaceId: string, c: SpaceChanges, now: Date): Promise<void> {
  await ex.orm
    .update(spaces)
    .set({ ...c, updatedAt: now })
    .where(eq(spaces.id, spaceId))
}

async function lockSpaceRow(tx: Conn, spaceId: string, strength: 'no key update' | 'key share') {
  const rows = await tx.orm.select({ id: spaces.id }).from(spaces).where(eq(spaces.id, spaceId)).for(strength)
  return rows.length > 0
}

/**
 * Locks a space's row until the transaction ends: membership changes of one space run one at a
 * time, so two owners demoting each other cannot both pass the last-owner check. NO KEY UPDATE
 * does not wait for ingests, whose foreign-key checks take KEY SHARE. False when there is no such space.
 */
export const lockSpace = (tx: Conn, spaceId: string) => lockSpaceRow(tx, spaceId, 'no key update')

/**
 * Holds the space row against deletion until the transaction ends (a document written into a
 * space being deleted would outlive it); false when the space is gone already.
 */
export const holdSpace = (tx: Conn, spaceId: string) => lockSpaceRow(tx, spaceId, 'key share')

/**
 * Deletes a space with everything in it, inside the caller's transaction (which holds the
 * knowledge-base write lock): the postings first (chunk_terms has no foreign key to cascade from),
 * then the row, whose cascade takes documents, chunks, statistics, members and invitations.
 */
export async function deleteSpaceRows(tx: Conn, spaceId: string): Promise<boolean> {
  await purgeSpaceIndex(tx, spaceId)
  const rows = await tx.orm.delete(spaces).where(eq(spaces.id, spaceId)).returning({ id: spaces.id })
  return rows.length > 0
}

/**
 * For the operator's CLI: every space with its owner (a personal space's user; a team space's
 * members with the owner role, comma-separated), members and documents.
 */
export interface SpaceListing {
  id: string
  name: string
  kind: SpaceKind
  visibility: SpaceVisibility
  owner_email: string | null
  members: number
  documents: number
}

export async function listAllSpaces(ex: Conn): Promise<SpaceListing[]> {
  const rows = await ex.orm
    .select({
      id: spaces.id,
      name: spaces.name,
      kind: spaces.kind,
      visibility: spaces.visibility,
      owner_email: sql<string | null>`coalesce(${users.email}, (
        select string_agg(u.email, ', ' order by u.email)
        from space_members m join users u on u.id = m.user_id
        where m.space_id = ${spaces.id} and m.role = 'owner'))`,
      members: ex.orm.$count(spaceMembers, eq(spaceMembers.spaceId, spaces.id)),
      documents: ex.orm.$count(documents, eq(documents.spaceId, spaces.id)),
    })
    .from(spaces)
    .leftJoin(users, eq(users.id, spaces.ownerId))
    .orderBy(
      sql`case ${spaces.kind} when 'shared' then 0 when 'team' then 1 else 2 end`,
      sql`lower(${spaces.name})`,
      spaces.id,
    )
  return rows.map((r) => ({ ...r, members: Number(r.members), documents: Number(r.documents) }))
}

export interface SpaceRef {
  id: string
  name: string
  kind: SpaceKind
}

/**
 * The spaces an operator may mean by `ref` (the space and ingest CLIs; no access rules: the
 * operator acts on the database): the space with that id, or the team spaces and the shared
 * library with exactly that name (personal spaces all share one name: use their id).
 */
export async function spacesByRef(ex: Conn, ref: string, refIsId: boolean): Promise<SpaceRef[]> {
  return ex.orm
    .select({ id: spaces.id, name: spaces.name, kind: spaces.kind })
    .from(spaces)
    .where(
      refIsId ? eq(spaces.id, ref.toLowerCase()) : and(eq(spaces.name, ref), ne(spaces.kind, 'personal')),
    )
    .orderBy(spaces.createdAt, spaces.id)
}

/** The names of these spaces, by id (ids that no longer exist are absent). */
export async function spaceNames(ex: Conn, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map()
  const rows = await ex.orm
    .select({ id: spaces.id, name: spaces.name })
    .from(spaces)
    .where(inIds(spaces.id, ids))
    .prepare('space_names')
    .execute()
  return new Map(rows.map((r) => [r.id, r.name]))
}

/** Creation times of these spaces, oldest first (the /v1 models, docs/api.md §11). */
export async function spaceCreationTimes(
  ex: Conn,
  spaceIds: readonly string[],
): Promise<{ id: string; created_at: Date }[]> {
  if (spaceIds.length === 0) return []
  return ex.orm
    .select({ id: spaces.id, created_at: spaces.createdAt })
    .from(spaces)
    .where(inIds(spaces.id, spaceIds))
    .orderBy(spaces.createdAt, spaces.id)
}
