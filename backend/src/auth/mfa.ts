// TOTP (RFC 6238: SHA-1, 6 digits, 30-second steps, ±1 step), the secret's encryption at rest,
// recovery codes and sign-in challenge tokens (docs/api.md §13, docs/auth.md "Two-factor sign-in").
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto'
import { Secret, TOTP } from 'otpauth'
import QRCode from 'qrcode'

export const TOTP_PERIOD_S = 30
export const TOTP_DIGITS = 6
/** Steps either side of now that are accepted: clocks of phones drift, people type slowly. */
export const TOTP_WINDOW = 1
export const RECOVERY_CODE_COUNT = 10
export const CHALLENGE_TTL_MS = 5 * 60_000
export const CHALLENGE_MAX_TRIES = 5
const ISSUER = 'rag-auth'

function totpOf(secretBase32: string, label = 'account'): TOTP {
  return new TOTP({
    issuer: ISSUER,
    label,
    algorithm: 'SHA1',
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_S,
    secret: Secret.fromBase32(secretBase32),
  })
}

/** A fresh 160-bit secret (RFC 4226's recommended length), base32 without padding. */
export function generateTotpSecret(): string {
  return new Secret({ buffer: randomBytes(20).buffer }).base32
}

export function otpauthUrl(secretBase32: string, email: string): string {
  return totpOf(secretBase32, email).toString()
}

export async function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
}

export function totpCodeAt(secretBase32: string, atMs: number): string {
  return totpOf(secretBase32).generate({ timestamp: atMs })
}

export function isTotpShaped(code: string): boolean {
  return /^\d{6}$/.test(code)
}

/**
 * The 30-second step the code belongs to when it is valid at `nowMs` (±1 step), else null. The
 * caller still has to claim the step once (claimTotpStep) so that a code is never accepted twice.
 */
export function matchTotp(secretBase32: string, code: string, nowMs: number): number | null {
  const token = code.replace(/\s/g, '')
  if (!isTotpShaped(token)) return null
  const delta = totpOf(secretBase32).validate({ token, timestamp: nowMs, window: TOTP_WINDOW })
  if (delta === null) return null
  return Math.floor(nowMs / 1000 / TOTP_PERIOD_S) + delta
}

// --- the secret at rest ---------------------------------------------------------------------
// With SECRET_KEY the secret is AES-256-GCM encrypted under a key derived from it (HKDF-SHA256, a
// purpose label), so a database dump alone does not yield working second factors. Without one there
// is no key the database does not also hold, and the secret is stored as it is (docs/auth.md).

function secretCipherKey(secretKey: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secretKey, 'rag-auth', 'totp-secret-v1', 32))
}

export function sealTotpSecret(secretBase32: string, secretKey: string | null): string {
  if (!secretKey) return `plain:${secretBase32}`
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', secretCipherKey(secretKey), iv)
  const body = Buffer.concat([cipher.update(secretBase32, 'utf8'), cipher.final()])
  return `v1:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`
}

export class SecretUnavailableError extends Error {}

export function openTotpSecret(stored: string, secretKey: string | null): string {
  if (stored.startsWith('plain:')) return stored.slice('plain:'.length)
  if (!stored.startsWith('v1:') || !secretKey) {
    // Encrypted under a SECRET_KEY this process does not have: the factor cannot be checked.
    throw new SecretUnavailableError('TOTP secret is encrypted with a SECRET_KEY that is not configured')
  }
  const raw = Buffer.from(stored.slice(3), 'base64url')
  const decipher = createDecipheriv('aes-256-gcm', secretCipherKey(secretKey), raw.subarray(0, 12))
  decipher.setAuthTag(raw.subarray(12, 28))
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')
}

// --- recovery codes and challenge tokens ----------------------------------------------------

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567'

/** 120 random bits as 24 base32 letters in four groups: `xxxxxx-xxxxxx-xxxxxx-xxxxxx`. */
export function generateRecoveryCode(): string {
  const bytes = randomBytes(15)
  let bits = 0
  let value = 0
  let out = ''
  for (const b of bytes) {
    value = (value << 8) | b
    bits += 8
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
  }
  return (out.match(/.{6}/g) ?? []).join('-')
}

/** What a person may type for a code: case, spaces and dashes do not matter. */
export function normalizeRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, '')
}

/**
 * A fast hash is enough: each code carries 120 random bits, beyond offline guessing (contract §13
 * asks ≥ 112 bits or argon2id). Keyed with SECRET_KEY when set, like session tokens.
 */
export function hashMfaToken(value: string, secretKey: string | null): string {
  return secretKey
    ? createHmac('sha256', secretKey).update(`mfa:${value}`).digest('hex')
    : createHash('sha256').update(`mfa:${value}`).digest('hex')
}

export function generateChallengeToken(): string {
  return randomBytes(32).toString('base64url')
}
