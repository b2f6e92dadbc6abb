// Members and invitations of a space (contract §10). Nobody is put into a space without saying
// yes: an owner's "add" is an invitation keyed by the normalised email, and only its acceptance
// creates the membership that lets the space reach the person's answers.
import { type Executor, toDate } from '../client.js'
import type { SpaceRole } from '../schema/spaces.js'

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

function memberOf(r: Record<string, unknown>): MemberRow {
  return {
    user_id: String(r.user_id),
    email: String(r.email),
    name: r.name === null || r.name === undefined ? null : String(r.name),
    role: r.role as SpaceRole,
    added_at: toDate(r.added_at),
  }
}

const MEMBER_SELECT = `select m.user_id, u.email, u.name, m.role, m.added_at
  from space_members m join users u on u.id = m.user_id`

/** Members of a space, owners first, then by email. */
export async function listMembers(ex: Executor, spaceId: string): Promise<MemberRow[]> {
  const rows = await ex.query<Record<string, unknown>>(
    `${MEMBER_SELECT} where m.space_id = $1
     order by case m.role when 'owner' then 0 when 'editor' then 1 else 2 end, u.email`,
    [spaceId],
  )
  return rows.map(memberOf)
}

export async function memberById(ex: Executor, spaceId: string, userId: string): Promise<MemberRow | null> {
  const rows = await ex.query<Record<string, unknown>>(
    `${MEMBER_SELECT} where m.space_id = $1 and m.user_id = $2`,
    [spaceId, userId],
  )
  return rows[0] ? memberOf(rows[0]) : null
}

/** The member with this (normalised) email; null both for no account and for a non-member. */
export async function memberByEmail(ex: Executor, spaceId: string, email: string): Promise<MemberRow | null> {
  const rows = await ex.query<Record<string, unknown>>(
    `${MEMBER_SELECT} where m.space_id = $1 and u.email = $2`,
    [spaceId, email],
  )
  return rows[0] ? memberOf(rows[0]) : null
}

export async function setMemberRole(ex: Executor, spaceId: string, userId: string, role: SpaceRole) {
  await ex.query('update space_members set role = $3 where space_id = $1 and user_id = $2', [
    spaceId,
    userId,
    role,
  ])
}

export async function deleteMember(ex: Executor, spaceId: string, userId: string): Promise<boolean> {
  const rows = await ex.query(
    'delete from space_members where space_id = $1 and user_id = $2 returning user_id',
    [spaceId, userId],
  )
  return rows.length > 0
}

export async function countOwners(ex: Executor, spaceId: string): Promise<number> {
  const rows = await ex.query<{ n: number | string }>(
    "select count(*) as n from space_members where space_id = $1 and role = 'owner'",
    [spaceId],
  )
  return Number(rows[0]?.n ?? 0)
}

/** Creates or renews (role, inviter, 14 days from now) the invitation of one email to a space. */
export async function upsertInvitation(
  ex: Executor,
  inv: {
    spaceId: string
    email: string
    role: SpaceRole
    invitedBy: string | null
    now: Date
    expiresAt: Date
  },
): Promise<void> {
  await ex.query(
    `insert into space_invitations (space_id, email, role, invited_by, created_at, expires_at)
     values ($1, $2, $3, $4, $5::timestamptz, $6::timestamptz)
     on conflict (space_id, email) do update set role = excluded.role, invited_by = excluded.invited_by,
       created_at = excluded.created_at, expires_at = excluded.expires_at`,
    [inv.spaceId, inv.email, inv.role, inv.invitedBy, inv.now.toISOString(), inv.expiresAt.toISOString()],
  )
}

/** A space's invitations that have not expired, oldest first. */
export async function listPendingInvitations(
  ex: Executor,
  spaceId: string,
  now: Date,
): Promise<InvitationRow[]> {
  const rows = await ex.query<Record<string, unknown>>(
    `select email, role, created_at, expires_at from space_invitations
     where space_id = $1 and expires_at > $2::timestamptz order by created_at, email`,
    [spaceId, now.toISOString()],
  )
  return rows.map((r) => ({
    email: String(r.email),
    role: r.role as SpaceRole,
    created_at: toDate(r.created_at),
    expires_at: toDate(r.expires_at),
  }))
}

/**
 * Removes one invitation (withdrawn, declined or being accepted); its role when it had not expired
 * yet, else null — an expired one is removed all the same, since it can no longer be used.
 */
export async function takeInvitation(
  ex: Executor,
  spaceId: string,
  email: string,
  now: Date,
): Promise<SpaceRole | null> {
  const rows = await ex.query<{ role: SpaceRole; live: boolean }>(
    `delete from space_invitations where space_id = $1 and email = $2
     returning role, expires_at > $3::timestamptz as live`,
    [spaceId, email, now.toISOString()],
  )
  const r = rows[0]
  return r?.live ? r.role : null
}

export interface MyInvitation {
  space_id: string
  space_name: string
  role: SpaceRole
  invited_by: string | null
  created_at: Date
}

/** The invitations waiting for this (normalised) email, newest first. */
export async function invitationsFor(ex: Executor, email: string, now: Date): Promise<MyInvitation[]> {
  const rows = await ex.query<Record<string, unknown>>(
    `select i.space_id, s.name as space_name, i.role, u.email as invited_by, i.created_at
     from space_invitations i join spaces s on s.id = i.space_id left join users u on u.id = i.invited_by
     where i.email = $1 and i.expires_at > $2::timestamptz
     order by i.created_at desc, i.space_id`,
    [email, now.toISOString()],
  )
  return rows.map((r) => ({
    space_id: String(r.space_id),
    space_name: String(r.space_name),
    role: r.role as SpaceRole,
    invited_by: r.invited_by === null || r.invited_by === undefined ? null : String(r.invited_by),
    created_at: toDate(r.created_at),
  }))
}
