// Censoring secrets in logged errors: their fields at any depth and their text.
import pino from 'pino'

/** Keys whose values never reach a log line (matched case-insensitively, at any of 3 levels). */
export const SECRET_KEYS = new Set([
  'password',
  'current_password',
  'new_password',
  'token',
  'session_token',
  'apikey',
  'api_key',
  'secret',
  'secret_key',
  'cookie',
  'set-cookie',
  'authorization',
])
export const CENSOR = '[REDACTED]'

/**
 * Errors carry whatever their library put on them — a failed request's headers, an HTTP
 * client's config with its body, a driver's query parameters, a connection string in the
 * message — often deeper than three levels. They are logged rarely, so they get a thorough walk.
 */
const ERROR_SECRET_KEYS = new Set([...SECRET_KEYS, 'parameters', 'params', 'password_hash', 'passwordhash'])
const ERROR_DEPTH = 8
const SECRET_TEXT: [RegExp, string][] = [
  [/\b(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi, `$1${CENSOR}`],
  [/\b(session_token=)[^;\s"',&]+/gi, `$1${CENSOR}`],
  [/\brak_[A-Za-z0-9_-]{8,}/g, CENSOR],
  // A failed query's values in its message (drizzle: "Failed query: …\nparams: a,b"): an email, a
  // token's hash, a user's text. The statement stays: it says what failed.
  [/(^|\n)(params: )[^\n]*/g, `$1$2${CENSOR}`],
  // user:password@ in a URL (a connection string in a driver's message)
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]*:)[^@/\s]+@/gi, `$1${CENSOR}@`],
  // "password":"…" (a JSON body echoed in a message) and password=… (a query or form string)
  [
    /("(?:password|current_password|new_password|token|secret|api_?key)"\s*:\s*"?|\b(?:password|token|secret|api_?key)=)[^"\s,&}]+/gi,
    `$1${CENSOR}`,
  ],
]

export function scrubText(text: string): string {
  let out = text
  for (const [pattern, replacement] of SECRET_TEXT) out = out.replace(pattern, replacement)
  return out
}

function redactDeep(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return scrubText(value)
  if (value === null || typeof value !== 'object' || depth > ERROR_DEPTH) return value
  if (value instanceof Error) return redactError(value, depth)
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1))
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) {
    // A class instance (a socket, a client request with its raw headers, a Headers object) is not
    // walked: its JSON form if it has one (a Date, a Buffer), else just its name.
    const toJSON = (value as { toJSON?: unknown }).toJSON
    if (typeof toJSON === 'function') return redactDeep(toJSON.call(value), depth + 1)
    return `[${(proto as { constructor?: { name?: string } }).constructor?.name ?? 'object'}]`
  }
  const out: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) {
    out[key] = ERROR_SECRET_KEYS.has(key.toLowerCase())
      ? item === undefined || item === null
        ? item
        : CENSOR
      : redactDeep(item, depth + 1)
  }
  return out
}

/** An error as pino's serializer writes it (type, message and stack with causes, own fields), censored. */
export function redactError(err: Error, depth = 0): Record<string, unknown> {
  const serialized = pino.stdSerializers.err(err) as unknown as Record<string, unknown>
  return redactDeep({ ...serialized }, depth) as Record<string, unknown>
}
