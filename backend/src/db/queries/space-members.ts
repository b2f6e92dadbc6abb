// Members and invitations of a space (contract §10). Nobody is put into a space without saying
// yes: an owner's "add" is an invitation keyed by the normalised email, and only its acceptance
// creates the membership that lets the space reach the person's answers.
import { and, asc, count, desc, eq, gt, sql } from 'drizzle-orm'
import type { Conn } from '../client.js'
import { users } from '../schema/auth.js'
import { type SpaceRole, spaceInvitations, spaceMembers, spaces } from '../schema/spaces.js'

export interface MemberRow {
  user_id: string
  email: string
  name: string | null
  role: SpaceRole
  added_at: Date
}

export interface InvitationRow {
  email: string
  role: SpaceRole
  created_at: Date
  expires_at: Date
}

function members(ex: Conn) {
  return ex.orm
    .select({
      user_id: spaceMembers.userId,
      email: users.email,
      name: users.name,
      role: spaceMembers.role,
      added_at: spaceMembers.addedAt,
    })
    .from(spaceMembers)
    .innerJoin(users, eq(users.id, spaceMembers.userId))
}

/** Members of a space, owners first, then by email. */
export async function listMembers(ex: Conn, spaceId: string): Promise<MemberRow[]> {
  return members(ex)
    .where(eq(spaceMembers.spaceId, spaceId))
    .orderBy(sql`case ${spaceMembers.role} when 'owner' then 0 when 'editor' then 1 else 2 end`, users.email)
}

export async function memberById(ex: Conn, spaceId: string, userId: string): Promise<MemberRow | null> {
  const [row] = await members(ex).where(
    and(eq(spaceMembers.spaceId, spaceId), eq(spaceMembers.userId, userId)),
  )
  return row ?? null
}

/** The member with this (normalised) email; null both for no account and for a non-member. */
export async function memberByEmail(ex: Conn, spaceId: string, email: string): Promise<MemberRow | null> {
  const [row] = await members(ex).where(and(eq(spaceMembers.spaceId, spaceId), eq(users.email, email)))
  return row ?? null
}

const memberKey = (spaceId: string, userId: string) =>
  and(eq(spaceMembers.spaceId, spaceId), eq(spaceMembers.userId, userId))

export async function setMemberRole(ex: Conn, spaceId: string, userId: string, role: SpaceRole) {
  await ex.orm.update(spaceMembers).set({ role }).where(memberKey(spaceId, userId))
}

export async function deleteMember(ex: Conn, spaceId: string, userId: string): Promise<boolean> {
  const rows = await ex.orm
    .delete(spaceMembers)
    .where(memberKey(spaceId, userId))
    .returning({ user_id: spaceMembers.userId })
  return rows.length > 0
}

export async function countOwners(ex: Conn, spaceId: string): Promise<number> {
  const [row] = await ex.orm
    .select({ n: count() })
    .from(spaceMembers)
    .where(and(eq(spaceMembers.spaceId, spaceId), eq(spaceMembers.role, 'owner')))
  return row?.n ?? 0
}

/** Creates or renews (role, inviter, 14 days from now) the invitation of one email to a space. */
export async function upsertInvitation(
  ex: Conn,
  inv: {
    spaceId: string
    email: string
    role: SpaceRole
    invitedBy: string | null
    now: Date
    expiresAt: Date
  },
): Promise<void> {
  const renewed = { role: inv.role, invitedBy: inv.invitedBy, createdAt: inv.now, expiresAt: inv.expiresAt }
  await ex.orm
    .insert(spaceInvitations)
    .values({ spaceId: inv.spaceId, email: inv.email, ...renewed })
    .onConflictDoUpdate({ target: [spaceInvitations.spaceId, spaceInvitations.email], set: renewed })
}

/** A space's invitations that have not expired, oldest first. */
export async function listPendingInvitations(ex: Conn, spaceId: string, now: Date): Promise<InvitationRow[]> {
  return ex.orm
    .select({
      email: spaceInvitations.email,
      role: spaceInvitations.role,
      created_at: spaceInvitations.createdAt,
      expires_at: spaceInvitations.expiresAt,
    })
    .from(spaceInvitations)
    .where(and(eq(spaceInvitations.spaceId, spaceId), gt(spaceInvitations.expiresAt, now)))
    .orderBy(spaceInvitations.createdAt, spaceInvitations.email)
}

/**
 * Removes one invitation (withdrawn, declined or being accepted); its role when it had not expired
 * yet, else null — an expired one is removed all the same, since it can no longer be used.
 */
export async function takeInvitation(
  ex: Conn,
  spaceId: string,
  email: string,
  now: Date,
): Promise<SpaceRole | null> {
  const [r] = await ex.orm
    .delete(spaceInvitations)
    .where(and(eq(spaceInvitations.spaceId, spaceId), eq(spaceInvitations.email, email)))
    .returning({ role: spaceInvitations.role, expires_at: spaceInvitations.expiresAt })
  return r && r.expires_at > now ? r.role : null
}

export interface MyInvitation {
  space_id: string
  space_name: string
  role: SpaceRole
  invited_by: string | null
  created_at: Date
}

/** The invitations waiting for this (normalised) email, newest first. */
export async function invitationsFor(ex: Conn, email: string, now: Date): Promise<MyInvitation[]> {
  return ex.orm
    .select({
      space_id: spaceInvitations.spaceId,
      space_name: spaces.name,
      role: spaceInvitations.role,
      invited_by: users.email,
      created_at: spaceInvitations.createdAt,
    })
    .from(spaceInvitations)
    .innerJoin(spaces, eq(spaces.id, spaceInvitations.spaceId))
    .leftJoin(users, eq(users.id, spaceInvitations.invitedBy))
    .where(and(eq(spaceInvitations.email, email), gt(spaceInvitations.expiresAt, now)))
    .orderBy(desc(spaceInvitations.createdAt), asc(spaceInvitations.spaceId))
}
