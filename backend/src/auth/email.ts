// Email normalisation and the sign-up policy (SIGNUP=open|closed|allowlist).
import { domainToASCII, domainToUnicode } from 'node:url'
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
 * The domain as mail is sent to it: IDNA (UTS #46) maps fullwidth letters, ideographic full stops,
 * invisible characters and case the way the mailer does before it looks the domain up, kept in its
 * Unicode form (`exämple.de`). Null when IDNA refuses it (no mail could reach it).
 */
function mailDomain(domain: string): string | null {
  const ascii = domainToASCII(domain)
  return ascii ? domainToUnicode(ascii) : null
}

/**
 * Trimmed, Unicode NFC and lower-cased, as stored and compared everywhere: `josé` typed with a
 * composed or a decomposed accent is one address, not two accounts that look the same. The domain
 * is read as the mailer reads it (mailDomain): `alice@ｅxample.com` is alice@example.com, where its
 * mail went. A domain IDNA refuses, or an address holding an invisible character, is left as
 * typed, for emailProblem to refuse.
 */
export function normalizeEmail(raw: string): string {
  const email = raw.trim().normalize('NFC').toLowerCase().normalize('NFC')
  const at = email.lastIndexOf('@')
  // IDNA would drop an invisible character; left in, EMAIL_RE refuses it, as in the local part.
  if (at < 0 || /\p{C}/u.test(email)) return email
  const domain = mailDomain(email.slice(at + 1))
  return domain === null ? email : `${email.slice(0, at + 1)}${domain}`
}

/** Why an already-normalised email is refused, or null. */
export function emailProblem(email: string): string | null {
  if (email.length === 0) return 'Email is required'
  if (email.length > EMAIL_MAX) return `Email must be at most ${EMAIL_MAX} characters`
  if (!EMAIL_RE.test(email)) return 'Email must be a valid email address'
  if (mailDomain(email.slice(email.lastIndexOf('@') + 1)) === null)
    return 'Email must be a valid email address'
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
