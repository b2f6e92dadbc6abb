import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/

/** 32 bytes from the CSPRNG, base64url (43 characters). */
export function generateSessionToken(): string {
  return randomBytes(32).toString('base64url')
}

export function isWellFormedToken(token: string): boolean {
  return TOKEN_RE.test(token)
}

/** SHA-256 of the token, or HMAC-SHA256 keyed with SECRET_KEY when one is configured (hex). */
export function hashSessionToken(token: string, secretKey: string | null): string {
  return secretKey
    ? createHmac('sha256', secretKey).update(token).digest('hex')
    : createHash('sha256').update(token).digest('hex')
}

export function constantTimeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a)
  const bb = Buffer.from(b)
  return ab.length === bb.length && timingSafeEqual(ab, bb)
}
