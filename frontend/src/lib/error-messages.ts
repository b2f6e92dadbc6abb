import { ApiError, isAbortError } from './api-error'

/**
 * Turns any error into one sentence a person can act on.
 * 401 → sign in again, 429 → wait N s (from `Retry-After`), 5xx → the server's fault, in words.
 */
export function describeError(error: unknown): string {
  if (isAbortError(error)) return 'Stopped.'
  if (!(error instanceof ApiError)) {
    if (error instanceof TypeError) return 'Cannot reach the server. Check your connection and try again.'
    return 'Something went wrong. Please try again.'
  }
  if (error.status === 429) return tooManyRequests(error)
  if (error.status === 401) {
    if (error.code === 'invalid_credentials')
      return ensureSentence(error.detail || 'Invalid email or password')
    // The second sign-in step's answers (§13): a wrong code, or a challenge to start over.
    if (error.code === 'invalid_code' || error.code === 'invalid_challenge')
      return ensureSentence(error.detail)
    return 'Your session has ended. Please sign in again.'
  }
  if (error.code === 'email_unverified')
    return 'Please verify your email address first: open the link we emailed you, or ask for a new one with Send again.'
  if (error.code === 'email_unavailable')
    return 'Email is not set up on this server, so this cannot be done here. Ask an administrator.'
  if (error.code === 'invalid_token') return 'This link has expired or was already used. Ask for a new one.'
  if (error.status === 502) return 'The answer service returned an error. Please try again in a moment.'
  // Links (reset links, a new user's link) are built from PUBLIC_URL only (docs/api.md §12, §14):
  // without it, asking again never helps, so "try again in a moment" would send people in circles.
  if (error.status === 503 && /\bPUBLIC_URL\b/.test(error.detail))
    return 'This server cannot make links: its operator has not set PUBLIC_URL (the address people open it at). Set it and restart the server.'
  if (error.status === 503) return 'The service is temporarily unavailable. Please try again in a moment.'
  if (error.status === 504) return 'The answer service took too long to respond. Please try again.'
  if (error.status >= 500) return 'Something went wrong on our side. Please try again.'
  if (error.status === 413) return 'That is too large to send.'
  return ensureSentence(error.detail)
}

export function tooManyRequests(error: ApiError): string {
  const seconds = error.retryAfter ?? secondsFromDetail(error.detail)
  if (seconds === null) return 'Too many requests — try again in a moment.'
  return `Too many requests — try again in ${Math.max(1, seconds)} s.`
}

function secondsFromDetail(detail: string): number | null {
  const match = /(\d+)\s*seconds?/i.exec(detail)
  return match?.[1] ? Number(match[1]) : null
}

function ensureSentence(text: string): string {
  const trimmed = text.trim()
  if (!trimmed) return 'Something went wrong. Please try again.'
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`
}

/** Rewrites schema-validator phrasing ("must NOT have fewer than 8 characters") for people. */
export function humanizeMessage(message: string): string {
  const text = message.trim()
  let match = /^must NOT have fewer than (\d+) characters?$/i.exec(text)
  // "fewer than 1" is an empty field: that is a required one, in people's words.
  if (match) return match[1] === '1' ? 'Required.' : `Must be at least ${match[1]} characters.`
  match = /^must NOT have more than (\d+) characters?$/i.exec(text)
  if (match) return `Must be at most ${match[1]} ${match[1] === '1' ? 'character' : 'characters'}.`
  if (/^must match format "?email"?$/i.test(text)) return 'Enter a valid email address.'
  if (/^must have required property/i.test(text)) return 'Required.'
  if (/^must be string$/i.test(text)) return 'Required.'
  return ensureSentence(text.charAt(0).toUpperCase() + text.slice(1))
}

/** Normalises a validation path (`email`, `/email`, `body.email`, `body/email`) to a field name. */
export function fieldName(path: string): string {
  return path
    .replace(/^\/+/, '')
    .replace(/^body[./]/, '')
    .replace(/\//g, '.')
}

/** Codes that are about one specific field, whatever `errors[]` says. */
const codeFields: Record<string, string> = {
  email_taken: 'email',
  weak_password: 'password',
  invalid_current_password: 'current_password',
  invalid_code: 'code',
}

export interface FormErrors {
  /** Messages keyed by API field name (`email`, `password`, `current_password`, …). */
  fields: Record<string, string>
  /** A message not tied to one field, if any. */
  form: string | null
}

/**
 * Splits an API error into per-field messages (shown next to the field) and a form message.
 * `aliases` maps API field names to the form's field names (e.g. weak_password on change-password
 * is about `new_password`).
 */
export function formErrors(error: unknown, aliases: Record<string, string> = {}): FormErrors {
  const fields: Record<string, string> = {}
  if (!(error instanceof ApiError)) return { fields, form: describeError(error) }
  const rename = (name: string) => aliases[name] ?? name
  for (const item of error.errors) {
    const name = rename(fieldName(item.path))
    if (name && !fields[name]) fields[name] = humanizeMessage(item.message)
  }
  const codeField = codeFields[error.code]
  if (codeField && Object.keys(fields).length === 0) fields[rename(codeField)] = ensureSentence(error.detail)
  const form = Object.keys(fields).length > 0 ? null : describeError(error)
  return { fields, form }
}
