// Auth events as structured log lines (one `event` field to filter on). They carry ids and the
// client IP, never a token, a password or a hash; emails are not logged either (user_id suffices).
import type { FastifyRequest } from 'fastify'
import type { LockScope } from './lockout.js'

export type AuthEvent =
  | 'auth.register'
  | 'auth.sign_in'
  | 'auth.sign_in_failed'
  | 'auth.sign_out'
  | 'auth.session_revoked'
  | 'auth.locked'
  | 'auth.password_changed'
  | 'auth.api_key_created'
  | 'auth.api_key_revoked'
  | 'auth.mfa_challenge'
  | 'auth.mfa_enabled'
  | 'auth.mfa_disabled'
  | 'auth.mfa_recovery_code_used'
  | 'auth.recovery_codes_regenerated'
  | 'auth.account_deleted'

export type SignInFailure =
  | 'unknown_email'
  | 'wrong_password'
  | 'locked'
  | 'wrong_code'
  | 'invalid_challenge'
  | 'disabled'
  /** The password was right when checked, but changed or reset before the session was written. */
  | 'stale_password'

export interface AuthEventFields {
  user_id?: string | null
  session_id?: string | null
  reason?: SignInFailure
  /** Set when the password was checked by change-password rather than sign-in. */
  context?: 'change_password' | 'create_api_key' | 'reauth' | 'mfa_disable'
  /** auth.locked: which allowance was used up (this client's, or the account's across clients). */
  scope?: LockScope
  /** How many sessions an operation revoked. */
  revoked?: number
  /** The API key created or revoked (its id, never the key). */
  api_key_id?: string
}

const MESSAGES: Record<AuthEvent, string> = {
  'auth.register': 'user registered',
  'auth.sign_in': 'user signed in',
  'auth.sign_in_failed': 'sign-in failed',
  'auth.sign_out': 'user signed out',
  'auth.session_revoked': 'session revoked',
  'auth.locked': 'sign-in locked after repeated failures',
  'auth.password_changed': 'password changed',
  'auth.api_key_created': 'API key created',
  'auth.api_key_revoked': 'API key revoked',
  'auth.mfa_challenge': 'password accepted, second factor asked',
  'auth.mfa_enabled': 'two-factor sign-in turned on',
  'auth.mfa_disabled': 'two-factor sign-in turned off',
  'auth.mfa_recovery_code_used': 'recovery code used',
  'auth.recovery_codes_regenerated': 'recovery codes regenerated',
  'auth.account_deleted': 'account deleted',
}

export function logAuthEvent(request: FastifyRequest, event: AuthEvent, fields: AuthEventFields = {}) {
  const line = { event, ip: request.ip, ...fields }
  // A lock is worth an operator's attention; the rest is routine.
  if (event === 'auth.locked') request.log.warn(line, MESSAGES[event])
  else request.log.info(line, MESSAGES[event])
}
