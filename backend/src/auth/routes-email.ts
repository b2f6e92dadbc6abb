// Email routes (docs/api.md §12): what the UI may offer, verification, password reset and change
// of email. Every change is written with its audit event, its token changes and its mails in one
// transaction; the mails leave after the response (mail/outbox.ts).
import { randomBytes } from 'node:crypto'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { withTransaction } from '../db/client.js'
import { deleteUserApiKeys } from '../db/queries/api-keys.js'
import { changeUserEmail, emailOfUser, markVerified } from '../db/queries/email-account.js'
import { findLiveToken, spendToken, voidTokens } from '../db/queries/email-tokens.js'
import { deleteUserChallenges, disableMfa } from '../db/queries/mfa.js'
import { deleteUserSessions } from '../db/queries/sessions.js'
import { findUserByEmail, findUserById, isUniqueViolation, updatePasswordHash } from '../db/queries/users.js'
import { AppError, rateLimitedError } from '../errors.js'
import { clientKey } from '../lib/client-key.js'
import { confirmEmailChangeMail, resetMail, verifyMail } from '../mail/messages.js'
import { queueMail } from '../mail/outbox.js'
import type { RouteDeps } from '../routes/deps.js'
import { writeAudit, writeOwnAudit } from './audit.js'
import { emailProblem, normalizeEmail, signupAllowed } from './email.js'
import {
  CHANGE_EMAIL_TTL_MS,
  findLink,
  hashLinkToken,
  holdLinkIssue,
  issueLink,
  queueNotice,
  RESET_TTL_MS,
  VERIFY_TTL_MS,
} from './email-links.js'
import { accountLockKey, clientLockKey } from './lockout.js'
import { hashPassword, PASSWORD_PROBLEM_MESSAGES, passwordProblem } from './passwords.js'
import { signedIn } from './plugin.js'
import { checkedPasswordStands, passwordChanged, reauthenticate } from './reauth.js'
import { errorResponses, NoContent } from './schemas.js'

/** Emails per address and hour: password-reset mails (a 4th request is a silent 202), re-sends (429). */
export const MAILS_PER_HOUR = 3
const HOUR_MS = 60 * 60_000
/** No user has this id: the unknown-address path's statements touch nothing. */
const NIL_USER = '00000000-0000-4000-8000-000000000000'

const Token = Type.String({ minLength: 1, maxLength: 200 })
const Accepted = Type.Object({}, { additionalProperties: false })
const OptionsResponse = Type.Object({
  signup: Type.Union([Type.Literal('open'), Type.Literal('closed'), Type.Literal('allowlist')]),
  email: Type.Boolean(),
  email_verification: Type.Union([Type.Literal('off'), Type.Literal('required')]),
  password_reset: Type.Boolean(),
})
const TokenBody = Type.Object({ token: Token }, { additionalProperties: false })
const ResetBody = Type.Object(
  { email: Type.String({ minLength: 1, maxLength: 320 }) },
  { additionalProperties: false },
)
const ResetConfirmBody = Type.Object(
  {
    token: Token,
    new_password: Type.String({
      minLength: 1,
      maxLength: 1024,
      description: '8–256 characters, counted after Unicode NFC normalisation',
    }),
  },
  { additionalProperties: false },
)
const ChangeEmailBody = Type.Object(
  {
    password: Type.String({ minLength: 1, maxLength: 1024 }),
    new_email: Type.String({ minLength: 1, maxLength: 320 }),
  },
  { additionalProperties: false },
)

export default async function emailRoutes(instance: FastifyInstance, deps: RouteDeps) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>()
  const { config, db, clock, counters } = deps
  const tags = ['auth']
  const emailOn = config.smtpUrl !== null
  const currentEmail = (userId: string) => emailOfUser(db, userId)

  /** 503 email_unavailable, its detail saying what the person can do instead (docs/api.md §12). */
  function requireEmail(detail: string) {
    if (!emailOn) throw new AppError('email_unavailable', { detail })
  }

  app.get(
    '/options',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'What this server offers: sign-up policy, email, verification, password reset',
        security: [],
        response: { 200: OptionsResponse },
      },
    },
    async () => ({
      signup: config.signup,
      email: emailOn,
      email_verification: config.emailVerification,
      password_reset: emailOn,
    }),
  )

  app.post(
    '/verify-email',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'Confirm an email address with the token of an emailed link',
        security: [],
        body: TokenBody,
        response: { 204: NoContent, ...errorResponses(422, 429) },
      },
    },
    async (request, reply) => {
      const link = await findLink(db, clock, request.body.token, 'verify', currentEmail)
      await withTransaction(db, async (tx) => {
        const now = new Date(clock.now())
        if (!(await spendToken(tx, link.id, now))) throw new AppError('invalid_token')
        const user = await findUserById(tx, link.userId)
        if (!user) throw new AppError('invalid_token')
        await voidTokens(tx, user.id, 'verify', now)
        if (user.emailVerified) return
        await markVerified(tx, user.id, now)
        await writeOwnAudit(tx, clock, request, user, 'email_verified', { via: 'email' })
      })
      return reply.status(204).send(null)
    },
  )

  app.post(
    '/verify-email/resend',
    {
      config: { allowUnverified: true },
      schema: {
        tags,
        summary: 'Send the verification email again (at most 3 an hour)',
        response: { 202: Accepted, ...errorResponses(401, 403, 429, 503) },
      },
    },
    async (request, reply) => {
      const { user } = signedIn(request)
      requireEmail(
        'Email is not set up on this server, so no verification link can be sent; ask an administrator',
      )
      if (user.email_verified) return reply.status(202).send({})
      const count = await counters.incr(`mail:verify:${user.id}`, HOUR_MS)
      if (count.count > MAILS_PER_HOUR) throw rateLimitedError(count.ttlMs / 1000, MAILS_PER_HOUR)
      await withTransaction(db, async (tx) => {
        const link = await issueLink(tx, deps, {
          purpose: 'verify',
          user,
          emailed: true,
          ttlMs: VERIFY_TTL_MS,
        })
        await queueMail(tx, deps, verifyMail(user.email, link.url), request)
      })
      return reply.status(202).send({})
    },
  )

  app.post(
    '/password-reset',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'Email a password-reset link (the same 202 for any address)',
        security: [],
        body: ResetBody,
        response: { 202: Accepted, ...errorResponses(422, 429, 503) },
      },
    },
    async (request, reply) => {
      requireEmail('Email is not set up on this server; ask an administrator for a reset link')
      const email = normalizeEmail(request.body.email)
      // An unknown address goes through the same reads and writes as a known one (a lookup, the
      // per-address counter, a token voiding, an audit row), so the answer's timing says nothing.
      const row = await findUserByEmail(db, email)
      const count = await counters.incr(`mail:reset:${email}`, HOUR_MS)
      const send = row !== null && row.disabledAt === null && count.count <= MAILS_PER_HOUR
      await withTransaction(db, async (tx) => {
        if (send && row) {
          const link = await issueLink(tx, deps, {
            purpose: 'reset',
            user: row,
            emailed: true,
            ttlMs: RESET_TTL_MS,
          })
          await queueMail(tx, deps, resetMail(row.email, link.url), request)
        } else {
          // Statements of the same kinds and number as a known address's (void, token, mail).
          const now = new Date(clock.now())
          await holdLinkIssue(tx, randomBytes(16).toString('hex'))
          await voidTokens(tx, NIL_USER, 'reset', now)
          await findLiveToken(tx, hashLinkToken(randomBytes(32).toString('base64url')), now)
          await emailOfUser(tx, NIL_USER)
        }
        // The typed address is not recorded: for an unknown account it may be anything.
        await writeAudit(tx, clock, request, {
          type: 'password_reset_requested',
          actor: null,
          subjectId: row?.id ?? null,
          details: { emailed: send },
        })
      })
      return reply.status(202).send({})
    },
  )

  app.post(
    '/password-reset/confirm',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'Set a new password with a reset link; every session and API key is revoked',
        security: [],
        body: ResetConfirmBody,
        response: { 204: NoContent, ...errorResponses(422, 429, 503) },
      },
    },
    async (request, reply) => {
      const link = await findLink(db, clock, request.body.token, 'reset', currentEmail)
      const { new_password } = request.body
      const problem = await passwordProblem(new_password, link.email)
      if (problem === 'common' || problem === 'matches_email') {
        throw new AppError('weak_password', { detail: PASSWORD_PROBLEM_MESSAGES[problem] })
      }
      if (problem) {
        throw new AppError('validation_error', {
          errors: [{ path: 'new_password', message: PASSWORD_PROBLEM_MESSAGES[problem] }],
        })
      }
      const passwordHash = await hashPassword(new_password)
      const user = await withTransaction(db, async (tx) => {
        const now = new Date(clock.now())
        if (!(await spendToken(tx, link.id, now))) throw new AppError('invalid_token')
        const user = await findUserById(tx, link.userId)
        if (!user) throw new AppError('invalid_token')
        await updatePasswordHash(tx, user.id, passwordHash, now)
        // A password step taken with the old password (a sign-in challenge) goes with the sessions.
        await deleteUserChallenges(tx, user.id)
        const sessions = await deleteUserSessions(tx, user.id)
        const keys = await deleteUserApiKeys(tx, user.id)
        await voidTokens(tx, user.id, null, now)
        await writeOwnAudit(tx, clock, request, user, 'password_reset', {
          sessions_revoked: sessions,
          api_keys_revoked: keys,
          via: link.emailed ? 'email' : 'handed_out',
        })
        // The emailed link proves the address. If it was unverified, whoever set up MFA on this
        // account never proved it was theirs: their second factor goes (docs/api.md §12).
        if (link.emailed && !user.emailVerified) {
          await markVerified(tx, user.id, now)
          await writeOwnAudit(tx, clock, request, user, 'email_verified', { via: 'password_reset' })
          if (user.mfaEnabled) {
            await disableMfa(tx, user.id, now)
            await writeOwnAudit(tx, clock, request, user, 'mfa_disabled', { via: 'password_reset' })
            // Told like every other turning off (§12), so the reset's notice is not all they see.
            await queueNotice(tx, deps, user.email, 'mfa_disabled', request)
          }
        }
        await queueNotice(tx, deps, user.email, 'password_reset', request)
        return user
      })
      // A new password, a fresh start: the failures counted against this address are cleared.
      await counters.reset(accountLockKey(user.email))
      await counters.reset(clientLockKey(user.email, clientKey(request.ip)))
      return reply.status(204).send(null)
    },
  )

  app.post(
    '/change-email',
    {
      config: { allowUnverified: true },
      schema: {
        tags,
        summary: 'Email a confirmation link to a new address (needs the current password)',
        body: ChangeEmailBody,
        response: { 202: Accepted, ...errorResponses(401, 403, 409, 422, 429, 503) },
      },
    },
    async (request, reply) => {
      const { user } = signedIn(request)
      requireEmail('Email is not set up on this server, so a new address cannot be confirmed')
      const newEmail = normalizeEmail(request.body.new_email)
      const invalid = emailProblem(newEmail)
      if (invalid)
        throw new AppError('validation_error', { errors: [{ path: 'new_email', message: invalid }] })
      if (newEmail === user.email) {
        throw new AppError('validation_error', {
          errors: [{ path: 'new_email', message: 'This is already your email address' }],
        })
      }
      const checked = await reauthenticate(deps, request, user, request.body.password)
      checkAllowList(newEmail)
      if (await findUserByEmail(db, newEmail)) throw new AppError('email_taken')
      await withTransaction(db, async (tx) => {
        const link = await issueLink(tx, deps, {
          purpose: 'change_email',
          user,
          emailed: true,
          ttlMs: CHANGE_EMAIL_TTL_MS,
          newEmail,
        })
        // A reset confirmed since the check voids every link: this one must not outlive it. After
        // the link's token rows, before the user row, in the order a confirmation takes them.
        if (!(await checkedPasswordStands(tx, user.id, checked.passwordHash))) throw passwordChanged()
        await queueMail(tx, deps, confirmEmailChangeMail(newEmail, link.url), request)
      })
      return reply.status(202).send({})
    },
  )

  function checkAllowList(email: string) {
    // A change of email must not walk around SIGNUP=allowlist (docs/api.md §12).
    if (config.signup === 'allowlist' && !signupAllowed(config, email)) {
      throw new AppError('signup_closed', { detail: 'This address is not on the sign-up allow-list' })
    }
  }

  app.post(
    '/change-email/confirm',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'Make the change of email that a confirmation link was sent for',
        security: [],
        body: TokenBody,
        response: { 204: NoContent, ...errorResponses(403, 409, 422, 429) },
      },
    },
    async (request, reply) => {
      const link = await findLink(db, clock, request.body.token, 'change_email', currentEmail)
      const newEmail = link.newEmail
      if (!newEmail) throw new AppError('invalid_token')
      checkAllowList(newEmail)
      try {
        await withTransaction(db, async (tx) => {
          const now = new Date(clock.now())
          if (!(await spendToken(tx, link.id, now))) throw new AppError('invalid_token')
          const before = await findUserById(tx, link.userId)
          if (!before) throw new AppError('invalid_token')
          const after = await changeUserEmail(tx, before.id, newEmail, now)
          if (!after) throw new AppError('invalid_token')
          // Links made for the old address die with it (findLink compares addresses); so do these.
          await voidTokens(tx, before.id, null, now)
          await writeOwnAudit(tx, clock, request, after, 'email_changed', {
            previous_email_verified: before.emailVerified,
          })
          await queueNotice(tx, deps, before.email, 'email_changed_old', request)
          await queueNotice(tx, deps, newEmail, 'email_changed_new', request)
        })
      } catch (err) {
        // The address was taken between the request and the confirmation.
        if (isUniqueViolation(err)) throw new AppError('email_taken')
        throw err
      }
      return reply.status(204).send(null)
    },
  )
}
