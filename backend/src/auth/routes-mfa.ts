// Two-factor sign-in (TOTP and recovery codes), its sign-in step, and deleting one's account
// (docs/api.md §13). Every change here asks for the current password again (reauth.ts).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Conn } from '../db/client.js'
import { withTransaction } from '../db/client.js'
import { setLastSignIn } from '../db/queries/admin-users.js'
import {
  challengeIsLive,
  claimTotpStep,
  deleteChallenge,
  disableMfa,
  enableTotp,
  findTotp,
  replaceRecoveryCodes,
  spendChallengeTry,
  upsertPendingTotp,
  useRecoveryCode,
} from '../db/queries/mfa.js'
import { findUserById, lockUserRow } from '../db/queries/users.js'
import { AppError } from '../errors.js'
import { clientKey } from '../lib/client-key.js'
import { AUTH_RATE_BUCKET } from '../lib/rate.js'
import type { RouteDeps } from '../routes/deps.js'
import { deleteAccount } from './account-deletion.js'
import { writeAudit, writeOwnAudit } from './audit.js'
import { clearedCookieOptions, SESSION_COOKIE } from './cookies.js'
import { queueNotice } from './email-links.js'
import { logAuthEvent } from './events.js'
import {
  attemptAbandoned,
  attemptSucceeded,
  beginAttempt,
  guardedCheck,
  lockedBy,
  lockedError,
} from './lockout.js'
import {
  CHALLENGE_MAX_TRIES,
  generateRecoveryCode,
  generateTotpSecret,
  hashMfaToken,
  isTotpShaped,
  matchTotp,
  normalizeRecoveryCode,
  openTotpSecret,
  otpauthUrl,
  qrSvg,
  RECOVERY_CODE_COUNT,
  sealTotpSecret,
} from './mfa.js'
import { signedIn } from './plugin.js'
import { reauthenticate } from './reauth.js'
import { sendIssued, sessionMeta } from './routes-sign-in.js'
import { AuthResponse, errorResponses, NoContent } from './schemas.js'
import {
  CodeBody,
  PasswordBody,
  PasswordCodeBody,
  RecoveryCodesResponse,
  SignInMfaBody,
  TotpSetupResponse,
} from './schemas-mfa.js'
import { type AuthUser, authUserOf, createSession } from './sessions.js'

/** On signed-in routes a wrong code is 422: the caller stays signed in (§0). */
const wrongCodeWhileSignedIn = () => new AppError('invalid_code', { status: 422 })
/** Two-factor sign-in in the wrong state for the request: a 422 naming `mfa`, as every validation_error names its field (§0). */
const mfaStateError = (detail: string, message: string) =>
  new AppError('validation_error', { detail, errors: [{ path: 'mfa', message }] })

export default async function mfaRoutes(instance: FastifyInstance, deps: RouteDeps) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>()
  const { config, db, clock, counters } = deps
  const tags = ['auth']
  const now = () => new Date(clock.now())

  /**
   * The stored secret in clear. Encrypted under a SECRET_KEY this server no longer has, no code can
   * be checked: a 503 that says so, rather than a 500 or a wrong-code answer that would count
   * toward the person's lockout (docs/auth.md: the operator's `mfa-off`, then a new setup).
   */
  function secretOf(stored: string): string {
    try {
      return openTotpSecret(stored, config.secretKey)
    } catch (err) {
      throw new AppError('service_unavailable', {
        detail:
          'Two-factor codes cannot be checked on this server: ask the operator to turn two-factor sign-in off for you',
        cause: err,
      })
    }
  }

  /** The current password again, for a change that needs two-factor sign-in on (422 otherwise). */
  async function reauthenticateWithMfaOn(
    request: FastifyRequest,
    user: AuthUser,
    password: string,
    context?: 'mfa_disable',
  ) {
    const row = await reauthenticate(deps, request, user, password, { context })
    if (!row.mfaEnabled) {
      throw mfaStateError('Two-factor sign-in is not on', 'not enabled')
    }
  }

  /** New recovery codes for the user, stored hashed; the plain codes are returned once. */
  async function freshRecoveryCodes(tx: Conn, userId: string): Promise<string[]> {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, generateRecoveryCode)
    const hashes = codes.map((c) => hashMfaToken(normalizeRecoveryCode(c), config.secretKey))
    await replaceRecoveryCodes(tx, userId, hashes, now())
    return codes
  }

  /**
   * Checks a second-factor code of a user with MFA on and uses it up: a TOTP code claims its step
   * (a replay or an older step is refused), a recovery code is spent. Which kind it was, or null.
   */
  async function useCode(userId: string, code: string): Promise<'totp' | 'recovery' | null> {
    const trimmed = code.trim()
    if (isTotpShaped(trimmed.replace(/\s/g, ''))) {
      const totp = await findTotp(db, userId)
      if (!totp?.enabledAt) return null
      const step = matchTotp(secretOf(totp.secret), trimmed, clock.now())
      if (step === null) return null
      return (await claimTotpStep(db, userId, step)) ? 'totp' : null
    }
    const hash = hashMfaToken(normalizeRecoveryCode(trimmed), config.secretKey)
    return (await useRecoveryCode(db, userId, hash, now())) ? 'recovery' : null
  }

  app.post(
    '/mfa/totp/setup',
    {
      schema: {
        tags,
        summary: 'Start TOTP setup: a new secret and its QR code (not active until enabled)',
        body: PasswordBody,
        response: { 200: TotpSetupResponse, ...errorResponses(401, 403, 422, 429, 503) },
      },
    },
    async (request) => {
      const { user } = signedIn(request)
      const row = await reauthenticate(deps, request, user, request.body.password)
      if (row.mfaEnabled) {
        throw mfaStateError('Two-factor sign-in is already on; turn it off first', 'already enabled')
      }
      const secret = generateTotpSecret()
      if (!(await upsertPendingTotp(db, user.id, sealTotpSecret(secret, config.secretKey), now()))) {
        // An enabled secret exists although the user row says off: never overwrite a live factor.
        throw mfaStateError('Two-factor sign-in is already on', 'already enabled')
      }
      const url = otpauthUrl(secret, user.email)
      return { secret, otpauth_url: url, qr_svg: await qrSvg(url) }
    },
  )

  app.post(
    '/mfa/totp/enable',
    {
      schema: {
        tags,
        summary: 'Turn TOTP on with a first code; answers the 10 recovery codes (shown once)',
        body: CodeBody,
        response: { 200: RecoveryCodesResponse, ...errorResponses(401, 403, 422) },
      },
    },
    async (request) => {
      const { user } = signedIn(request)
      const totp = await findTotp(db, user.id)
      if (!totp || totp.enabledAt) {
        throw totp
          ? mfaStateError('Two-factor sign-in is already on', 'already enabled')
          : mfaStateError('Set up two-factor sign-in first', 'not set up')
      }
      const step = matchTotp(secretOf(totp.secret), request.body.code, clock.now())
      if (step === null) throw wrongCodeWhileSignedIn()
      const codes = await withTransaction(db, async (tx) => {
        if (!(await claimTotpStep(tx, user.id, step))) throw wrongCodeWhileSignedIn()
        if (!(await enableTotp(tx, user.id, totp.secret, now()))) {
          // A setup in another tab replaced the secret since the code was checked: the code is not
          // one of the new secret's (or the factor went on meanwhile).
          const live = await findTotp(tx, user.id)
          if (live?.enabledAt) throw mfaStateError('Two-factor sign-in is already on', 'already enabled')
          throw wrongCodeWhileSignedIn()
        }
        await writeOwnAudit(tx, clock, request, user, 'mfa_enabled')
        await queueNotice(tx, deps, user.email, 'mfa_enabled', request)
        return freshRecoveryCodes(tx, user.id)
      })
      logAuthEvent(request, 'auth.mfa_enabled', { user_id: user.id })
      return { recovery_codes: codes }
    },
  )

  app.post(
    '/mfa/disable',
    {
      schema: {
        tags,
        summary: 'Turn two-factor sign-in off (password and a code)',
        body: PasswordCodeBody,
        response: { 204: NoContent, ...errorResponses(401, 403, 422, 429, 503) },
      },
    },
    async (request, reply) => {
      const { user } = signedIn(request)
      await reauthenticateWithMfaOn(request, user, request.body.password, 'mfa_disable')
      // The code is counted like a password: a stolen session plus a password must not be
      // enough to guess the second factor away.
      const check = await guardedCheck(counters, user.email, clientKey(request.ip), async () =>
        Boolean(await useCode(user.id, request.body.code)),
      )
      if (check.outcome === 'locked') {
        logAuthEvent(request, 'auth.sign_in_failed', {
          user_id: user.id,
          reason: 'locked',
          context: 'mfa_disable',
        })
        throw check.error
      }
      if (check.outcome === 'wrong') {
        logAuthEvent(request, 'auth.sign_in_failed', {
          user_id: user.id,
          reason: 'wrong_code',
          context: 'mfa_disable',
        })
        // Audited like a wrong password on a re-authentication (reauth.ts): the person's own
        // activity shows each wrong guess.
        await writeOwnAudit(db, clock, request, user, 'sign_in_failed', {
          reason: 'wrong_code',
          context: 'mfa_disable',
        })
        if (check.lockedBy) logAuthEvent(request, 'auth.locked', { user_id: user.id, scope: check.lockedBy })
        throw wrongCodeWhileSignedIn()
      }
      await withTransaction(db, async (tx) => {
        await disableMfa(tx, user.id, now())
        await writeOwnAudit(tx, clock, request, user, 'mfa_disabled')
        await queueNotice(tx, deps, user.email, 'mfa_disabled', request)
      })
      logAuthEvent(request, 'auth.mfa_disabled', { user_id: user.id })
      return reply.status(204).send(null)
    },
  )

  app.post(
    '/mfa/recovery-codes',
    {
      schema: {
        tags,
        summary: 'New recovery codes (the old ones stop working)',
        body: PasswordBody,
        response: { 200: RecoveryCodesResponse, ...errorResponses(401, 403, 422, 429, 503) },
      },
    },
    async (request) => {
      const { user } = signedIn(request)
      await reauthenticateWithMfaOn(request, user, request.body.password)
      const codes = await withTransaction(db, async (tx) => {
        await writeOwnAudit(tx, clock, request, user, 'recovery_codes_regenerated')
        return freshRecoveryCodes(tx, user.id)
      })
      logAuthEvent(request, 'auth.recovery_codes_regenerated', { user_id: user.id })
      return { recovery_codes: codes }
    },
  )

  app.post(
    '/sign-in/mfa',
    {
      config: {
        public: true,
        rateLimit: { rate: config.rateLimitAuth, per: 'client', bucket: AUTH_RATE_BUCKET },
      },
      schema: {
        tags,
        summary: 'Second sign-in step: a TOTP code or a recovery code for the challenge',
        security: [],
        body: SignInMfaBody,
        response: { 200: AuthResponse, ...errorResponses(401, 422, 429, 503) },
      },
    },
    async (request, reply) => {
      const tokenHash = hashMfaToken(request.body.challenge, config.secretKey)
      // A failed second step is a failed sign-in (§14), audited like the password step's: with the
      // account as its subject, so its owner sees in their activity that someone has the password.
      const failed = (subjectId: string, reason: 'locked' | 'wrong_code') =>
        writeAudit(db, clock, request, {
          type: 'sign_in_failed',
          actor: null,
          subjectId,
          details: { reason, step: 'mfa' },
        })
      const invalidChallenge = (userId: string | null) => {
        logAuthEvent(request, 'auth.sign_in_failed', { user_id: userId, reason: 'invalid_challenge' })
        return new AppError('invalid_challenge')
      }
      const live = await challengeIsLive(db, tokenHash, now(), CHALLENGE_MAX_TRIES)
      if (!live) throw invalidChallenge(null)
      const row = await findUserById(db, live.userId)
      // A user disabled since the password step gets no session (the same answer as a stale challenge).
      if (!row?.mfaEnabled || row.disabledAt) throw invalidChallenge(live.userId)
      const client = clientKey(request.ip)
      // The same counters as the password (§3): wrong codes count, the 6th from a client is 429.
      const attempt = await beginAttempt(counters, row.email, client)
      if (attempt.locked) {
        logAuthEvent(request, 'auth.sign_in_failed', { user_id: row.id, reason: 'locked' })
        await failed(row.id, 'locked')
        throw lockedError(attempt)
      }
      const spent = await spendChallengeTry(db, tokenHash, now(), CHALLENGE_MAX_TRIES)
      if (!spent) {
        await attemptAbandoned(counters, row.email, client)
        throw invalidChallenge(row.id)
      }
      const used = await useCode(row.id, request.body.code).catch(async (err: unknown) => {
        // Not checked (the secret cannot be opened): neither a failure nor a success.
        await attemptAbandoned(counters, row.email, client)
        throw err
      })
      if (!used) {
        logAuthEvent(request, 'auth.sign_in_failed', { user_id: row.id, reason: 'wrong_code' })
        const scope = lockedBy(attempt)
        if (scope) logAuthEvent(request, 'auth.locked', { user_id: row.id, scope })
        await failed(row.id, 'wrong_code')
        throw new AppError('invalid_code')
      }
      await attemptSucceeded(counters, row.email, client)
      if (used === 'recovery') logAuthEvent(request, 'auth.mfa_recovery_code_used', { user_id: row.id })
      const s = await withTransaction(db, async (tx) => {
        // The account as it is now, held until the session is written: disabled (or MFA turned
        // off) since the checks above, no session; a disable that comes later waits, then ends it.
        // The user row before the challenge, as a reset or MFA-off takes them (no deadlock).
        const current = await lockUserRow(tx, row.id)
        if (!current || current.disabledAt || !current.mfaEnabled) return null
        // A challenge finishes one sign-in only.
        if (!(await deleteChallenge(tx, spent.id))) return null
        const issued = await createSession({ config, db, clock }, row.id, sessionMeta(request), tx)
        await setLastSignIn(tx, row.id, now())
        await writeOwnAudit(tx, clock, request, row, 'sign_in', { session_id: issued.session.id, mfa: used })
        if (used === 'recovery') await writeOwnAudit(tx, clock, request, row, 'mfa_recovery_code_used')
        return issued
      })
      if (!s) throw invalidChallenge(row.id)
      logAuthEvent(request, 'auth.sign_in', { user_id: row.id, session_id: s.session.id })
      return sendIssued(reply, deps, 200, { user: authUserOf(config, row), ...s })
    },
  )

  app.delete(
    '/account',
    {
      config: { allowUnverified: true },
      schema: {
        tags,
        summary: 'Delete your account and everything you own (current password)',
        body: PasswordBody,
        response: { 204: NoContent, ...errorResponses(401, 403, 422, 429, 503) },
      },
    },
    async (request, reply) => {
      const { user } = signedIn(request)
      await reauthenticate(deps, request, user, request.body.password)
      await withTransaction(db, async (tx) => {
        // Signed in, so enabled: an admin here is an enabled admin.
        const enabledAdmin = user.role === 'admin'
        if (!(await deleteAccount(tx, config.adminEmails, { id: user.id, enabledAdmin }))) {
          throw new AppError('invalid_session')
        }
        await writeOwnAudit(tx, clock, request, user, 'account_deleted')
      })
      logAuthEvent(request, 'auth.account_deleted', { user_id: user.id })
      reply.setCookie(SESSION_COOKIE, '', clearedCookieOptions(config))
      return reply.status(204).send(null)
    },
  )
}
