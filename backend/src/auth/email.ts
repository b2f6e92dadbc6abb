// Email normalisation and the sign-up policy (SIGNUP=open|closed|allowlist).
import type { Config } from '../config.js'

export const EMAIL_MAX = 254

// One local part and a domain of at least two dot-separated labels; no spaces, no control, format
// (zero-width, soft hyphen, direction marks), private-use or unassigned characters: an address
// holding an invisible character is shown exactly like another one, and mail servers drop it, so
// its links reached that other person. Nor the characters that are address syntax to a mailer
// (RFC 5322 specials: < > ( ) [ ] \ , ; : "): `x<alice@example.com>` or `zz,alice@example.com`
// were accounts of their own whose mail went to alice@example.com. Deliberately loose otherwise
// (Unicode allowed, like an HTML email input's atext plus a dotted domain): the only real check
// is that mail arrives.
const ADDRESS_CHAR = String.raw`[^\s@\p{C}<>()[\]\\,;:"]`
const DOMAIN_CHAR = String.raw`[^\s@.\p{C}<>()[\]\\,;:"]`
const EMAIL_RE = new RegExp(`^${ADDRESS_CHAR}{1,64}@(?:${DOMAIN_CHAR}+\\.)+${DOMAIN_CHAR}+$`, 'u')

/**
 * Trimmed, Unicode NFC and lower-cased, as stored and compared everywhere: `josé` typed with a
 * composed or a decomposed accent is one address, not two accounts that look the same.
 */
export function normalizeEmail(raw: string): string {
  return raw.trim().normalize('NFC').toLowerCase().normalize('NFC')
}

/** Why an already-normalised email is refused, or null. */
export function emailProblem(email: string): string | null {
  if (email.length === 0) return 'Email is required'
  if (email.length > EMAIL_MAX) return `Email must be at most ${EMAIL_MAX} characters`
  if (!EMAIL_RE.test(email)) return 'Email must be a valid email address'
  return null
}

/** Whether self-registration through the API is allowed for this (normalised) email. */
export function signupAllowed(config: Config, email: string): boolean {
  if (config.signup === 'open') return true
  if (config.signup === 'closed') return false
  const domain = email.slice(email.lastIndexOf('@') + 1)
  return config.signupAllowlist.some((entry) =>
    entry.startsWith('*@') ? entry.slice(2) === domain : entry === email,
  )
}
