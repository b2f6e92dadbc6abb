// One error type; code, status and the default human sentence live in this one table.
export const ERRORS = {
  bad_request: [400, 'Request body is not valid JSON'],
  auth_required: [401, 'Authentication required'],
  invalid_session: [401, 'Invalid or expired session'],
  invalid_credentials: [401, 'Invalid email or password'],
  invalid_code: [401, 'Invalid or already used code'],
  invalid_challenge: [401, 'The sign-in challenge has expired or used up its tries; sign in again'],
  forbidden: [403, 'You are not allowed to do this'],
  signup_closed: [403, 'Registration is closed'],
  csrf_failed: [403, 'Cross-site request refused'],
  email_unverified: [403, 'Confirm your email address first: use the link we sent you, or send it again'],
  not_found: [404, 'Not found'],
  request_timeout: [408, 'The request did not arrive in time'],
  email_taken: [409, 'An account with this email already exists'],
  precondition_failed: [412, 'A precondition of the request failed'],
  payload_too_large: [413, 'Request body is too large'],
  unsupported_media_type: [415, 'Unsupported content type; send application/json'],
  range_not_satisfiable: [416, 'The requested range is not satisfiable'],
  expectation_failed: [417, 'Only the expectation 100-continue can be met'],
  validation_error: [422, 'Request validation failed'],
  weak_password: [422, 'This password is too common or too easy to guess'],
  invalid_current_password: [422, 'Current password is incorrect'],
  invalid_token: [422, 'This link is invalid, used or expired; ask for a new one'],
  last_owner: [422, 'A team space must keep one owner: hand it over or delete the space first'],
  last_admin: [
    422,
    'The last enabled administrator cannot be removed, demoted, disabled or deleted: make someone else an admin first',
  ],
  cannot_change_self: [422, 'Administrators cannot change their own role or account here'],
  cannot_change_env_admin: [
    422,
    'This account is an administrator through ADMIN_EMAILS; change that setting instead',
  ],
  rate_limited: [429, 'Rate limit exceeded. Please wait 60 seconds.'],
  headers_too_large: [431, 'Request headers are too large'],
  internal_error: [500, 'Internal server error'],
  upstream_error: [502, 'The language model provider returned an error'],
  service_unavailable: [503, 'Service temporarily unavailable'],
  email_unavailable: [503, 'Email is not set up on this server; ask an administrator for a reset link'],
  upstream_timeout: [504, 'The language model provider did not answer in time'],
} as const satisfies Record<string, readonly [number, string]>

export type ErrorCode = keyof typeof ERRORS

export interface FieldError {
  path: string
  message: string
}

export class AppError extends Error {
  readonly statusCode: number
  readonly code: ErrorCode
  readonly errors?: FieldError[]
  readonly headers?: Record<string, string>

  constructor(
    code: ErrorCode,
    opts: {
      detail?: string
      errors?: FieldError[]
      headers?: Record<string, string>
      cause?: unknown
      /** A code answered with another status in some places (invalid_code: 422 when signed in, §13). */
      status?: number
    } = {},
  ) {
    super(opts.detail ?? ERRORS[code][1], { cause: opts.cause })
    this.name = 'AppError'
    this.code = code
    this.statusCode = opts.status ?? ERRORS[code][0]
    if (opts.errors) this.errors = opts.errors
    if (opts.headers) this.headers = opts.headers
  }
}

/** A 429 with Retry-After; `limit` also sends RateLimit-* for it (remaining 0, reset = Retry-After). */
export function rateLimitedError(retryAfterSeconds: number, limit?: number): AppError {
  const n = Math.max(1, Math.ceil(retryAfterSeconds))
  const headers: Record<string, string> = { 'retry-after': String(n) }
  if (limit !== undefined) {
    headers['ratelimit-limit'] = String(limit)
    headers['ratelimit-remaining'] = '0'
    headers['ratelimit-reset'] = String(n)
  }
  return new AppError('rate_limited', { detail: `Rate limit exceeded. Please wait ${n} seconds.`, headers })
}
