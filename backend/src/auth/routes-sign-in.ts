// The public auth routes: register, sign-in, sign-out (docs/api.md §3).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { withTransaction } from '../db/client.js'
import { setLastSignIn } from '../db/queries/admin-users.js'
import { deleteSession } from '../db/queries/sessions.js'
import { insertPersonalSpace } from '../db/queries/spaces.js'
import { findUserByEmail, insertUser, isUniqueViolation, updatePasswordHash } from '../db/queries/users.js'
import { AppError } from '../errors.js'
import { clientAddress, clientKey } from '../lib/client-key.js'
import { uuidv7 } from '../lib/ids.js'
import { AUTH_RATE_BUCKET } from '../lib/rate.js'
import { verifyMail } from '../mail/messages.js'
import { queueMail } from '../mail/outbox.js'
import type { RouteDeps } from '../routes/deps.js'
import { writeAudit, writeOwnAudit } from './audit.js'
import { issueChallenge } from './challenges.js'
import { clearedCookieOptions, SESSION_COOKIE, sessionCookieOptions } from './cookies.js'
import { emailProblem, normalizeEmail, signupAllowed } from './email.js'
import { issueLink, VERIFY_TTL_MS } from './email-links.js'
import { logAuthEvent } from './events.js'
import { guardedCheck } from './lockout.js'
import {
  getDummyHash,
  HashQueueFullError,
  hashPassword,
  needsRehash,
  PASSWORD_PROBLEM_MESSAGES,
  passwordProblem,
  verifyPassword,
} from './passwords.js'
import { checkedPasswordStands } from './reauth.js'
import { AuthResponse, errorResponses, NoContent, RegisterBody, SignInBody, userBody } from './schemas.js'
import { MfaRequiredResponse } from './schemas-mfa.js'
import { type AuthSession, type AuthUser, authUserOf, createSession } from './sessions.js'

export type Issued = { user: AuthUser; token: string; session: AuthSession }

export function sessionMeta(request: FastifyRequest) {
  const ua = request.headers['user-agent']
  return { ip: clientAddress(request.ip), userAgent: typeof ua === 'string' && ua ? ua.slice(0, 255) : null }
}

/** The sign-in answer: the session cookie and `{user, session}` (docs/api.md §3). */
export function sendIssued(
  reply: FastifyReply,
  deps: Pick<RouteDeps, 'config' | 'clock'>,
  status: 200 | 201,
  issued: Issued,
) {
  reply.setCookie(
    SESSION_COOKIE,
    issued.token,
    sessionCookieOptions(deps.config, issued.session.expires_at, deps.clock.now()),
  )
  return reply.status(status).send({
    user: userBody(issued.user),
    session: { token: issued.token, expires_at: issued.session.expires_at.toISOString() },
  })
}

export default async function signInRoutes(instance: FastifyInstance, deps: RouteDeps) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>()
  const { config, db, clock, counters } = deps
  const ctx = { config, db, clock }

  const authLimit = { rate: config.rateLimitAuth, per: 'client', bucket: AUTH_RATE_BUCKET } as const

  app.post(
    '/register',
    {
      config: { public: true, rateLimit: authLimit },
      schema: {
        tags: ['auth'],
        summary: 'Create an account and sign in',
        security: [],
        body: RegisterBody,
        response: { 201: AuthResponse, ...errorResponses(403, 409, 422, 429, 503) },
      },
    },
    async (request, reply) => {
      const email = normalizeEmail(request.body.email)
      const invalid = emailProblem(email)
      if (invalid) throw new AppError('validation_error', { errors: [{ path: 'email', message: invalid }] })
      if (!signupAllowed(config, email)) {
        throw new AppError('signup_closed', {
          detail:
            config.signup === 'closed'
              ? 'Registration is closed'
              : 'Registration is limited to approved email addresses',
        })
      }
      const problem = await passwordProblem(request.body.password, email)
      if (problem === 'common' || problem === 'matches_email') {
        throw new AppError('weak_password', { detail: PASSWORD_PROBLEM_MESSAGES[problem] })
      }
      if (problem) {
        throw new AppError('validation_error', {
          errors: [{ path: 'password', message: PASSWORD_PROBLEM_MESSAGES[problem] }],
        })
      }
      if (await findUserByEmail(db, email)) throw new AppError('email_taken')
      const passwordHash = await hashPassword(request.body.password)
      const name = request.body.name?.trim() || null
      const now = new Date(clock.now())
      let issued: Issued
      try {
        issued = await withTransaction(db, async (tx) => {
          const row = await insertUser(tx, {
            id: uuidv7(now.getTime()),
            email,
            name,
            passwordHash,
            createdAt: now,
          })
          await insertPersonalSpace(tx, row.id, uuidv7(now.getTime()), now)
          // With email on, the address is proven by a link (docs/api.md §12), sent after the response.
          if (config.smtpUrl) {
            const link = await issueLink(tx, deps, {
              purpose: 'verify',
              user: row,
              emailed: true,
              ttlMs: VERIFY_TTL_MS,
            })
            await queueMail(tx, deps, verifyMail(row.email, link.url), request)
          }
          const s = await createSession(ctx, row.id, sessionMeta(request), tx)
          // In the admins' log and the person's own activity: where the account (and its first
          // session) came from.
          await writeOwnAudit(tx, clock, request, row, 'user_created', {
            via: 'sign_up',
            session_id: s.session.id,
          })
          return { user: authUserOf(config, row), ...s }
        })
      } catch (err) {
        // Two registrations racing for one email: the loser hits the unique index.
        if (isUniqueViolation(err)) throw new AppError('email_taken')
        throw err
      }
      logAuthEvent(request, 'auth.register', { user_id: issued.user.id, session_id: issued.session.id })
      return sendIssued(reply, deps, 201, issued)
    },
  )

  app.post(
    '/sign-in',
    {
      config: { public: true, rateLimit: authLimit },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with email and password (a new session each time)',
        security: [],
        body: SignInBody,
        response: {
          200: Type.Union([AuthResponse, MfaRequiredResponse]),
          ...errorResponses(401, 422, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const email = normalizeEmail(request.body.email)
      const row = await findUserByEmail(db, email)
      // Unknown email: verify against a dummy hash so both failures cost one argon2 verification.
      const stored = row?.passwordHash ?? (await getDummyHash())
      const check = await guardedCheck(
        counters,
        email,
        clientKey(request.ip),
        () => verifyPassword(stored, request.body.password),
        // A disabled account's right password is refused like a wrong one, and counted like one.
        row?.disabledAt ? 'fail' : row?.mfaEnabled ? 'keep' : 'clear',
      )
      // The attempted address is not recorded for an unknown account: people type passwords
      // into the email field.
      const failed = (reason: 'locked' | 'wrong_password' | 'unknown_email' | 'disabled') =>
        writeAudit(db, clock, request, {
          type: 'sign_in_failed',
          actor: null,
          subjectId: row?.id ?? null,
          details: { reason },
        })
      if (check.outcome === 'locked') {
        logAuthEvent(request, 'auth.sign_in_failed', { user_id: row?.id ?? null, reason: 'locked' })
        await failed('locked')
        throw check.error
      }
      if (!row || check.outcome === 'wrong') {
        const reason = row ? 'wrong_password' : 'unknown_email'
        logAuthEvent(request, 'auth.sign_in_failed', { user_id: row?.id ?? null, reason })
        if (check.outcome === 'wrong' && check.lockedBy) {
          logAuthEvent(request, 'auth.locked', { user_id: row?.id ?? null, scope: check.lockedBy })
        }
        await failed(reason)
        throw new AppError('invalid_credentials')
      }
      // Refused only after the password check, with the same answer as a wrong password: the
      // response tells a guesser nothing about the account.
      if (row.disabledAt) {
        logAuthEvent(request, 'auth.sign_in_failed', { user_id: row.id, reason: 'disabled' })
        await failed('disabled')
        throw new AppError('invalid_credentials')
      }
      // Parameters changed since this hash was made: upgrade it now that we know the password
      // (or at a later sign-in, when the hash queue is full now). Written below, under the lock.
      const upgraded = needsRehash(row.passwordHash)
        ? await hashPassword(request.body.password).catch((err: unknown) => {
            if (err instanceof HashQueueFullError) return null
            throw err
          })
        : null
      const now = new Date(clock.now())
      const s = await withTransaction(db, async (tx) => {
        // The password was checked against `row` a while ago: a reset, change or disable that
        // committed since wins (a session from the old password would outlive its revocation).
        const current = await checkedPasswordStands(tx, row.id, row.passwordHash)
        if (!current) return null
        if (upgraded) await updatePasswordHash(tx, row.id, upgraded, now)
        // Two-factor sign-in is decided on the stored row at this moment, after the password: a
        // password change or reset never touches it, so neither can skip the second step.
        if (current.mfaEnabled)
          return { mfa: await issueChallenge(deps, row.id, tx), issued: null, user: current }
        const issued = await createSession(ctx, row.id, sessionMeta(request), tx)
        await setLastSignIn(tx, row.id, now)
        await writeOwnAudit(tx, clock, request, row, 'sign_in', { session_id: issued.session.id })
        return { mfa: null, issued, user: current }
      })
      if (!s) {
        logAuthEvent(request, 'auth.sign_in_failed', { user_id: row.id, reason: 'stale_password' })
        throw new AppError('invalid_credentials')
      }
      if (s.mfa) {
        logAuthEvent(request, 'auth.mfa_challenge', { user_id: row.id })
        return reply.status(200).send({ mfa_required: true, ...s.mfa })
      }
      logAuthEvent(request, 'auth.sign_in', { user_id: row.id, session_id: s.issued.session.id })
      return sendIssued(reply, deps, 200, { user: authUserOf(config, s.user), ...s.issued })
    },
  )

  app.post(
    '/sign-out',
    {
      // An unauthenticated POST under /api/auth, so RATE_LIMIT_AUTH per client IP; a signed-in
      // sign-out is counted per user instead (people behind one NAT sign out independently).
      config: {
        public: true,
        rateLimit: { rate: config.rateLimitAuth, per: 'user-or-client', bucket: AUTH_RATE_BUCKET },
      },
      schema: {
        tags: ['auth'],
        summary: 'Revoke the presented session and clear the cookie (idempotent)',
        // The session is optional: without one there is nothing to revoke, and still a 204.
        security: [{}, { cookieAuth: [] }, { bearerAuth: [] }],
        response: { 204: NoContent, ...errorResponses(429) },
      },
    },
    async (request, reply) => {
      const { session, user } = request
      if (session && user) {
        await withTransaction(db, async (tx) => {
          await deleteSession(tx, session.id)
          await writeOwnAudit(tx, clock, request, user, 'sign_out', { session_id: session.id })
        })
        logAuthEvent(request, 'auth.sign_out', { user_id: user.id, session_id: session.id })
      }
      reply.setCookie(SESSION_COOKIE, '', clearedCookieOptions(config))
      return reply.status(204).send(null)
    },
  )
}
