// Members and invitations of a space (contract §10). Adding someone who is not a member invites
// them, and the answer (202) is the same whether or not the email has an account: no account
// oracle. Invitations are matched by the signed-in caller's email; accepting one creates the
// membership. With email on, only a verified address sees and accepts them: else whoever signed
// up first with an invited address (EMAIL_VERIFICATION=off lets them in) would read the space.
// A team space always keeps one owner (422 last_owner).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { writeAudit } from '../auth/audit.js'
import { emailProblem, normalizeEmail } from '../auth/email.js'
import { requestUser } from '../auth/plugin.js'
import { errorResponses, NoContent } from '../auth/schemas.js'
import { type Conn, withTransaction } from '../db/client.js'
import {
  countOwners,
  deleteMember,
  invitationsFor,
  listMembers,
  listPendingInvitations,
  type MemberRow,
  memberByEmail,
  memberById,
  setMemberRole,
  takeInvitation,
  upsertInvitation,
} from '../db/queries/space-members.js'
import { lockSpace, maxRole, readableSpace, upsertSpaceMember } from '../db/queries/spaces.js'
import type { SpaceRole } from '../db/schema/spaces.js'
import { AppError } from '../errors.js'
import type { RouteDeps } from './deps.js'
import { callerOf, requireRole, spaceBody, spaceNotFound } from './space-access.js'
import {
  InvitationList,
  Invited,
  MemberList,
  MemberParams,
  MemberSchema,
  PutMemberBody,
  SpaceIdParams,
  SpaceSchema,
  WithdrawQuery,
} from './spaces-schemas.js'

const INVITATION_DAYS = 14
const DAY_MS = 86_400_000

const invitationNotFound = () => new AppError('not_found', { detail: 'Invitation not found' })
const memberNotFound = () => new AppError('not_found', { detail: 'Member not found' })

function memberBody(m: MemberRow) {
  return {
    user_id: m.user_id,
    email: m.email,
    name: m.name,
    role: m.role,
    status: 'member' as const,
    added_at: m.added_at.toISOString(),
  }
}

function checkedEmail(raw: string): string {
  const email = normalizeEmail(raw)
  const problem = emailProblem(email)
  if (problem) throw new AppError('validation_error', { errors: [{ path: 'email', message: problem }] })
  return email
}

/** Refuses a change that would leave a team space without an owner (call under lockSpace). */
async function keepAnOwner(tx: Conn, spaceId: string, member: MemberRow, next: SpaceRole | null) {
  if (member.role !== 'owner' || next === 'owner') return
  if ((await countOwners(tx, spaceId)) <= 1) throw new AppError('last_owner')
}

export default async function spaceMemberRoutes(instance: FastifyInstance, deps: RouteDeps) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>()
  const { db, clock } = deps
  /** The caller holds the email the invitations were sent to (proved by a link when email is on). */
  const holdsAddress = (request: FastifyRequest) =>
    deps.config.smtpUrl === null || requestUser(request).email_verified
  const tags = ['spaces']
  const now = () => new Date(clock.now())

  app.get(
    '/api/spaces/:id/members',
    {
      schema: {
        tags,
        summary: 'Members and pending invitations of a space (owner)',
        params: SpaceIdParams,
        response: { 200: MemberList, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => {
      const caller = callerOf(request)
      const id = request.params.id.toLowerCase()
      const access = await requireRole(db, id, caller, 'owner')
      const members = (await listMembers(db, id)).map(memberBody)
      if (access.kind === 'personal') {
        // My documents has exactly one member, its owner, who is the only one who gets here.
        const view = await readableSpace(db, id, caller)
        const user = request.user
        if (view && user) {
          members.push({
            user_id: user.id,
            email: user.email,
            name: user.name,
            role: 'owner',
            status: 'member',
            added_at: view.created_at.toISOString(),
          })
        }
      }
      // An invitation never shows whether its email has an account (no user_id, no name).
      const invited = (await listPendingInvitations(db, id, now())).map((i) => ({
        user_id: null,
        email: i.email,
        name: null,
        role: i.role,
        status: 'invited' as const,
        added_at: i.created_at.toISOString(),
      }))
      return { members: [...members, ...invited] }
    },
  )

  app.put(
    '/api/spaces/:id/members',
    {
      schema: {
        tags,
        summary: "Change a member's role, or invite an email (owner)",
        description:
          'A current member: 200 with the role changed. Anyone else: 202 `{"status":"invited"}` whether or ' +
          'not the email has an account; the invitation lasts 14 days.',
        params: SpaceIdParams,
        body: PutMemberBody,
        response: { 200: MemberSchema, 202: Invited, ...errorResponses(401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request)
      const id = request.params.id.toLowerCase()
      const email = checkedEmail(request.body.email)
      const { role } = request.body
      const changed = await withTransaction(db, async (tx) => {
        if (!(await lockSpace(tx, id))) throw spaceNotFound()
        const access = await requireRole(tx, id, caller, 'owner')
        if (access.kind === 'personal') {
          throw new AppError('forbidden', { detail: 'My documents cannot be shared' })
        }
        if (access.kind === 'shared') {
          throw new AppError('forbidden', {
            detail: 'Every signed-in user reads the shared library; administrators are its owners',
          })
        }
        // One lookup by email that finds members only: an account that is not a member and an
        // email without an account take the same path below.
        const member = await memberByEmail(tx, id, email)
        if (member) {
          await keepAnOwner(tx, id, member, role)
          await setMemberRole(tx, id, member.user_id, role)
          if (member.role !== role) {
            await writeAudit(tx, clock, request, {
              type: 'space_member_role_changed',
              actor: caller,
              subjectId: member.user_id,
              details: { space_id: id, from: member.role, to: role },
            })
          }
          return { ...member, role }
        }
        const at = now()
        await upsertInvitation(tx, {
          spaceId: id,
          email,
          role,
          invitedBy: caller.id,
          now: at,
          expiresAt: new Date(at.getTime() + INVITATION_DAYS * DAY_MS),
        })
        await writeAudit(tx, clock, request, {
          type: 'space_invitation_sent',
          actor: caller,
          subjectId: null,
          details: { space_id: id, email, role },
        })
        return null
      })
      if (changed) return reply.status(200).send(memberBody(changed))
      return reply.status(202).send({ status: 'invited' as const })
    },
  )

  app.delete(
    '/api/spaces/:id/members/:user_id',
    {
      schema: {
        tags,
        summary: 'Remove a member (owner), or leave a space (the member)',
        params: MemberParams,
        response: { 204: NoContent, ...errorResponses(401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request)
      const id = request.params.id.toLowerCase()
      const userId = request.params.user_id.toLowerCase()
      await withTransaction(db, async (tx) => {
        if (!(await lockSpace(tx, id))) throw spaceNotFound()
        await requireRole(tx, id, caller, userId === caller.id ? 'viewer' : 'owner')
        const member = await memberById(tx, id, userId)
        if (!member) throw memberNotFound()
        await keepAnOwner(tx, id, member, null)
        await deleteMember(tx, id, userId)
        await writeAudit(tx, clock, request, {
          type: 'space_member_removed',
          actor: caller,
          subjectId: userId,
          details: { space_id: id, role: member.role },
        })
      })
      return reply.status(204).send(null)
    },
  )

  app.delete(
    '/api/spaces/:id/invitations',
    {
      schema: {
        tags,
        summary: 'Withdraw a pending invitation (owner)',
        params: SpaceIdParams,
        querystring: WithdrawQuery,
        response: { 204: NoContent, ...errorResponses(401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request)
      const id = request.params.id.toLowerCase()
      const email = checkedEmail(request.query.email)
      // Under the space's lock, like every membership change: an owner demoted meanwhile is refused.
      // An expired invitation is removed and answers 404; the transaction still commits that.
      const taken = await withTransaction(db, async (tx) => {
        if (!(await lockSpace(tx, id))) throw spaceNotFound()
        await requireRole(tx, id, caller, 'owner')
        return takeInvitation(tx, id, email, now())
      })
      if (!taken) throw invitationNotFound()
      return reply.status(204).send(null)
    },
  )

  app.get(
    '/api/spaces/invitations',
    {
      schema: {
        tags,
        summary: 'Invitations waiting for you',
        response: { 200: InvitationList, ...errorResponses(401) },
      },
    },
    async (request) => {
      const caller = callerOf(request)
      if (!holdsAddress(request)) return { invitations: [] }
      const rows = await invitationsFor(db, normalizeEmail(caller.email), now())
      return { invitations: rows.map((r) => ({ ...r, created_at: r.created_at.toISOString() })) }
    },
  )

  app.post(
    '/api/spaces/:id/accept',
    {
      schema: {
        tags,
        summary: 'Accept an invitation: you become a member with its role',
        params: SpaceIdParams,
        response: { 200: SpaceSchema, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => {
      const caller = callerOf(request)
      if (!holdsAddress(request)) {
        throw new AppError('email_unverified', {
          detail:
            'Confirm your email address to accept invitations: use the link we sent you, or send it again',
        })
      }
      const id = request.params.id.toLowerCase()
      const email = normalizeEmail(caller.email)
      // An expired invitation is removed and answers 404; the transaction still commits that.
      const view = await withTransaction(db, async (tx) => {
        if (!(await lockSpace(tx, id))) return null
        const invited = await takeInvitation(tx, id, email, now())
        if (!invited) return null
        const current = await memberById(tx, id, caller.id)
        // Accepting never lowers a role held already (an owner accepting a viewer invitation).
        const role = maxRole(current?.role ?? null, invited) ?? invited
        await upsertSpaceMember(tx, id, caller.id, role)
        await writeAudit(tx, clock, request, {
          type: 'space_member_added',
          actor: caller,
          subjectId: caller.id,
          details: { space_id: id, role },
        })
        return readableSpace(tx, id, caller)
      })
      if (!view) throw invitationNotFound()
      return spaceBody(view)
    },
  )

  app.post(
    '/api/spaces/:id/decline',
    {
      schema: {
        tags,
        summary: 'Decline an invitation',
        params: SpaceIdParams,
        response: { 204: NoContent, ...errorResponses(401, 404) },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request)
      const id = request.params.id.toLowerCase()
      if (!(await takeInvitation(db, id, normalizeEmail(caller.email), now()))) throw invitationNotFound()
      return reply.status(204).send(null)
    },
  )
}
