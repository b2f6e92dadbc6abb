/** Every API error body is `{detail, code, errors?}` (docs/api.md §0). */
export interface FieldError {
  path: string
  message: string
}

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly detail: string
  readonly errors: FieldError[]
  /** Seconds from `Retry-After` (429), when the server sent one. */
  readonly retryAfter: number | null

  constructor(init: {
    status: number
    code: string
    detail: string
    errors?: FieldError[]
    retryAfter?: number | null
  }) {
    super(init.detail)
    this.name = 'ApiError'
    this.status = init.status
    this.code = init.code
    this.detail = init.detail
    this.errors = init.errors ?? []
    this.retryAfter = init.retryAfter ?? null
  }
}

/** `Retry-After` is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed)
  const date = Date.parse(trimmed)
  if (Number.isNaN(date)) return null
  return Math.max(0, Math.ceil((date - now) / 1000))
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

function toFieldErrors(value: unknown): FieldError[] {
  if (!Array.isArray(value)) return []
  return value.filter(isRecord).map((item) => ({
    path: typeof item.path === 'string' ? item.path : '',
    message: typeof item.message === 'string' ? item.message : 'Invalid value',
  }))
}

const fallbackCodes: Record<number, string> = {
  400: 'bad_request',
  401: 'auth_required',
  403: 'forbidden',
  404: 'not_found',
  413: 'payload_too_large',
  422: 'validation_error',
  429: 'rate_limited',
  502: 'upstream_error',
  503: 'service_unavailable',
  504: 'upstream_timeout',
}

/** Builds an ApiError from a non-2xx status, its headers and its (maybe not JSON) body text. */
export function apiErrorFrom(status: number, headers: Headers, bodyText: string): ApiError {
  let body: unknown = null
  try {
    body = bodyText ? JSON.parse(bodyText) : null
  } catch {
    body = null
  }
  const record = isRecord(body) ? body : {}
  const code =
    typeof record.code === 'string'
      ? record.code
      : (fallbackCodes[status] ?? (status >= 500 ? 'internal_error' : 'error'))
  const detail = typeof record.detail === 'string' ? record.detail : `Request failed with status ${status}`
  return new ApiError({
    status,
    code,
    detail,
    errors: toFieldErrors(record.errors),
    retryAfter: parseRetryAfter(headers.get('retry-after')),
  })
}

export async function apiErrorFromResponse(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '')
  return apiErrorFrom(response.status, response.headers, text)
}

/** The session is gone (not: the password was wrong). */
export function isSessionError(error: unknown): boolean {
  return (
    error instanceof ApiError &&
    error.status === 401 &&
    (error.code === 'auth_required' || error.code === 'invalid_session')
  )
}

export function isAbortError(error: unknown): boolean {
  return error instanceof DOMException ? error.name === 'AbortError' : (error as Error)?.name === 'AbortError'
}
