// Routes for a signed-in user: who am I, my sessions, sign out everywhere, change password.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { withTransaction } from '../db/client.js'
import { voidTokens } from '../db/queries/email-tokens.js'
import { deleteUserChallenges } from '../db/queries/mfa.js'
import { deleteUserSession, deleteUserSessions, listUserSessions } from '../db/queries/sessions.js'
import { updatePasswordHash } from '../db/queries/users.js'
import { AppError } from '../errors.js'
import { IdParams } from '../lib/schemas.js'
import type { RouteDeps } from '../routes/deps.js'
import { writeOwnAudit } from './audit.js'
import { clearedCookieOptions, SESSION_COOKIE } from './cookies.js'
import { queueNotice } from './email-links.js'
import { logAuthEvent } from './events.js'
import { hashPassword, PASSWORD_PROBLEM_MESSAGES, passwordProblem } from './passwords.js'
import { signedIn } from './plugin.js'
import { checkedPasswordStands, passwordChanged, reauthenticate } from './reauth.js'
import {
  ChangePasswordBody,
  errorResponses,
  MeResponse,
  NoContent,
  SessionsResponse,
  sessionBody,
  userBody,
} from './schemas.js'

export default async function accountRoutes(instance: FastifyInstance, deps: RouteDeps) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>()
  const { config, db, clock } = deps
  const tags = ['auth']

  app.get(
    '/me',
    {
      config: { allowUnverified: true },
      schema: {
        tags,
        summary: 'The signed-in user and session (or the API key used)',
        response: { 200: MeResponse, ...errorResponses(401) },
      },
    },
    async (request) => {
      if (request.user && request.apiKey)
        return { user: userBody(request.user), session: null, api_key: request.apiKey }
      const { user, session } = signedIn(request)
      return { user: userBody(user), session: sessionBody(session) }
    },
  )

  app.get(
    '/sessions',
    {
      config: { allowUnverified: true },
      schema: {
        tags,
        summary: "The user's live sessions, newest first",
        response: { 200: SessionsResponse, ...errorResponses(401) },
      },
    },
    async (request) => {
      const { user, session } = signedIn(request)
      const rows = await listUserSessions(db, user.id, new Date(clock.now()))
      return {
        sessions: rows.map((s) => ({
          id: s.id,
          created_at: s.createdAt.toISOString(),
          // The current session's expiry may just have slid; the hook's value is the fresh one.
          expires_at: (s.id === session.id ? session.expires_at : s.expiresAt).toISOString(),
          last_used_at: s.lastUsedAt.toISOString(),
          ip_address: s.ipAddress,
          user_agent: s.userAgent,
          current: s.id === session.id,
        })),
      }
    },
  )

  app.delete(
    '/sessions/:id',
    {
      config: { allowUnverified: true },
      schema: {
        tags,
        summary: 'Revoke one of your sessions',
        params: IdParams,
        response: { 204: NoContent, ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { user, session } = signedIn(request)
      const id = request.params.id.toLowerCase()
      // Someone else's session and no session at all look the same: 404.
      const deleted = await withTransaction(db, async (tx) => {
        if (!(await deleteUserSession(tx, user.id, id))) return false
        await writeOwnAudit(tx, clock, request, user, 'session_revoked', { session_id: id })
        return true
      })
      if (!deleted) throw new AppError('not_found')
      logAuthEvent(request, 'auth.session_revoked', { user_id: user.id, session_id: id })
      if (id === session.id) reply.setCookie(SESSION_COOKIE, '', clearedCookieOptions(config))
      return reply.status(204).send(null)
    },
  )

  app.post(
    '/sign-out-all',
    {
      config: { allowUnverified: true },
      schema: {
        tags,
        summary: 'Revoke every session of the user, this one included',
        response: { 204: NoContent, ...errorResponses(401, 403) },
      },
    },
    async (request, reply) => {
      const { user, session } = signedIn(request)
      const revoked = await withTransaction(db, async (tx) => {
        const n = await deleteUserSessions(tx, user.id)
        await writeOwnAudit(tx, clock, request, user, 'sign_out_all', { sessions_revoked: n })
        return n
      })
      logAuthEvent(request, 'auth.sign_out', { user_id: user.id, session_id: session.id, revoked })
      reply.setCookie(SESSION_COOKIE, '', clearedCookieOptions(config))
      return reply.status(204).send(null)
    },
  )

  app.post(
    '/change-password',
    {
      schema: {
        tags,
        summary: 'Change the password; every other session is revoked',
        body: ChangePasswordBody,
        response: { 204: NoContent, ...errorResponses(401, 403, 422, 429, 503) },
      },
    },
    async (request, reply) => {
      const { user, session } = signedIn(request)
      const { current_password, new_password } = request.body
      // The policy first: a rejected new password should not cost one of the limited attempts.
      const problem = await passwordProblem(new_password, user.email)
      if (problem === 'common' || problem === 'matches_email') {
        throw new AppError('weak_password', { detail: PASSWORD_PROBLEM_MESSAGES[problem] })
      }
      if (problem) {
        throw new AppError('validation_error', {
          errors: [{ path: 'new_password', message: PASSWORD_PROBLEM_MESSAGES[problem] }],
        })
      }
      // A wrong current password counts toward the same limits as sign-in.
      const checked = await reauthenticate(deps, request, user, current_password, {
        context: 'change_password',
      })
      const passwordHash = await hashPassword(new_password)
      const revoked = await withTransaction(db, async (tx) => {
        // Two changes from the same old password (an intruder's session racing the owner's): the
        // first wins, the second no longer knows the current password.
        if (!(await checkedPasswordStands(tx, user.id, checked.passwordHash))) throw passwordChanged()
        const now = new Date(clock.now())
        await updatePasswordHash(tx, user.id, passwordHash, now)
        await deleteUserChallenges(tx, user.id)
        // A reset or email-change link sent before is void: whoever asked for it (an intruder who
        // knew the old password, or the mail of a stolen inbox) does not outlive the change.
        await voidTokens(tx, user.id, 'reset', now)
        await voidTokens(tx, user.id, 'change_email', now)
        const n = await deleteUserSessions(tx, user.id, session.id)
        await writeOwnAudit(tx, clock, request, user, 'password_changed', { sessions_revoked: n })
        await queueNotice(tx, deps, user.email, 'password_changed', request)
        return n
      })
      logAuthEvent(request, 'auth.password_changed', { user_id: user.id, session_id: session.id, revoked })
      return reply.status(204).send(null)
    },
  )
}
