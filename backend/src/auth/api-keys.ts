// Personal API keys (docs/api.md §11): `rak_` + 32 bytes from the CSPRNG in base64url, stored only
// as a hash made exactly like a session token's (so rotating SECRET_KEY stops keys too), looked
// up by that hash and compared in constant time. No cache in front of the table: a revoked or
// expired key, or one whose user was deleted, is refused on the next request, on every instance.
import { randomBytes } from 'node:crypto'
import { findApiKeyByHash, touchApiKey } from '../db/queries/api-keys.js'
import type { AuthUser, SessionContext } from './sessions.js'
import { LAST_USED_WRITE_INTERVAL_MS } from './sessions.js'
import { constantTimeEqual, hashSessionToken } from './tokens.js'

export const API_KEY_PREFIX = 'rak_'
/** What lists show of a key: `rak_` and its first 8 random characters. */
export const API_KEY_PREFIX_LENGTH = 12
const API_KEY_RE = /^rak_[A-Za-z0-9_-]{43}$/

export type ApiKeyScope = 'read' | 'write'

export interface AuthApiKey {
  id: string
  name: string
  scopes: ApiKeyScope[]
}

export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(32).toString('base64url')
}

/** True for anything presented in the key format (so it is never tried as a session token). */
export function looksLikeApiKey(token: string): boolean {
  return token.startsWith(API_KEY_PREFIX)
}

export function scopesOf(canWrite: boolean): ApiKeyScope[] {
  return canWrite ? ['read', 'write'] : ['read']
}

export function hashApiKey(key: string, secretKey: string | null): string {
  return hashSessionToken(key, secretKey)
}

export interface ValidatedApiKey {
  user: AuthUser
  apiKey: AuthApiKey
}

/** The key's user (never with the admin role) and the key, or null when it is not usable now. */
export async function validateApiKey(ctx: SessionContext, key: string): Promise<ValidatedApiKey | null> {
  if (!API_KEY_RE.test(key)) return null
  const hash = hashApiKey(key, ctx.config.secretKey)
  const row = await findApiKeyByHash(ctx.db, hash)
  if (!row || !constantTimeEqual(row.key_hash, hash)) return null
  const now = ctx.clock.now()
  if (row.expires_at !== null && now >= row.expires_at.getTime()) return null
  if (row.last_used_at === null || now - row.last_used_at.getTime() >= LAST_USED_WRITE_INTERVAL_MS) {
    await touchApiKey(ctx.db, row.id, new Date(now))
  }
  return {
    // A leaked key must not carry admin rights: a key acts as a plain user, whatever the account.
    user: {
      id: row.user_id,
      email: row.email,
      name: row.user_name,
      role: 'user',
      email_verified: row.email_verified,
      mfa_enabled: row.mfa_enabled,
      created_at: row.user_created_at,
    },
    apiKey: { id: row.id, name: row.name, scopes: scopesOf(row.can_write) },
  }
}

/**
 * The scope a key needs for a route, from the method and the route pattern the router matched
 * (never the raw target); null: no key may use it (account and admin routes, memberships).
 *   read  — every GET outside /api/auth and /api/admin, GET /api/auth/me, asking questions;
 *   write — changes to documents, spaces (not memberships or invitations), conversations, feedback.
 * A request that matched no route needs `read`, so it gets the same 404 as with a session.
 */
export function requiredScope(method: string, routeUrl: string | undefined): ApiKeyScope | null {
  if (routeUrl === undefined || routeUrl === '*' || routeUrl.startsWith('/*')) return 'read'
  const segments = routeUrl.split('/').slice(1)
  const [zone, area, , sub] = segments
  const get = method === 'GET' || method === 'HEAD'
  if (zone === 'v1') return get || routeUrl === '/v1/chat/completions' ? 'read' : null
  if (zone !== 'api') return 'read'
  if (area === 'auth') return get && routeUrl === '/api/auth/me' ? 'read' : null
  if (area === 'admin') return null
  if (get) return 'read'
  if (method === 'POST' && routeUrl === '/api/chat/message') return 'read'
  if (area === 'documents') return 'write'
  if (area === 'chat') {
    if (segments[2] === 'conversations') return 'write'
    if (segments[2] === 'messages' && segments[4] === 'feedback') return 'write'
    return null
  }
  if (area === 'spaces') {
    // /api/spaces and /api/spaces/:id (create, rename, delete) and a space's documents; members,
    // invitations, accepting and declining are the person's own decisions, never a script's.
    if (segments.length <= 3) return segments[2] === 'invitations' ? null : 'write'
    return sub === 'documents' ? 'write' : null
  }
  return null
}
