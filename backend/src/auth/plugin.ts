// Who is asking: the session or API key (or, on /v1, only the Bearer token) presented with a request to a
// guarded zone (/api, /v1; see http/zones.ts) is validated here and its user attached. Which
// credentials a request may present is the HTTP layer's decision (`credentials`, from the zone of
// the route the router matched), passed in by buildApp, so auth/ reads no paths. This hook
// never refuses: the rate limiter counts the request first (keyed by user, or by client IP when
// no valid session came with it), then http/default-deny.ts answers 401 where a session is needed.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config.js'
import type { Database } from '../db/client.js'
import { AppError } from '../errors.js'
import type { Clock } from '../lib/clock.js'
import { type AuthApiKey, looksLikeApiKey, validateApiKey } from './api-keys.js'
import { SESSION_COOKIE, sessionCookieOptions } from './cookies.js'
import { type AuthSession, type AuthUser, validateSessionToken } from './sessions.js'

declare module 'fastify' {
  interface FastifyRequest {
    user: AuthUser | null
    session: AuthSession | null
    /** The API key the request authenticated with (docs/api.md §11); then `session` is null. */
    apiKey: AuthApiKey | null
    /** How the presented token arrived; Bearer requests are exempt from the CSRF origin check. */
    authMethod: 'cookie' | 'bearer' | null
    sessionToken: string | null
    /** Why a guarded request has no user: no token, or one that is unknown, revoked or expired. */
    authFailure: 'auth_required' | 'invalid_session' | null
  }
  interface FastifyContextConfig {
    /** Reachable without a session (register, sign-in, sign-out). */
    public?: boolean
  }
  interface FastifyInstance {
    requireAdmin: (request: FastifyRequest) => Promise<void>
  }
}

/** What a request may present: nothing (it is not identified), a Bearer token, or either. */
export type AcceptedCredentials = 'none' | 'bearer' | 'bearer-or-cookie'

export interface AuthPluginOptions {
  db: Database
  config: Config
  clock: Clock
  credentials: (request: FastifyRequest) => AcceptedCredentials
}

/** The token from `Authorization: Bearer` (preferred) or, where allowed, the session cookie. */
export function readToken(
  request: FastifyRequest,
  cookieAllowed = true,
): { token: string; method: 'cookie' | 'bearer' } | null {
  const header = request.headers.authorization
  if (header) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header)
    if (m) return { token: m[1] as string, method: 'bearer' }
  }
  const cookie = cookieAllowed ? request.cookies?.[SESSION_COOKIE] : undefined
  return cookie ? { token: cookie, method: 'cookie' } : null
}

/**
 * The caller of a non-public route, signed in by session or API key: default deny answered 401
 * already, so this only narrows the type (and refuses if a route was ever left public by mistake).
 */
export function requestUser(request: FastifyRequest): AuthUser {
  if (!request.user) throw new AppError('auth_required')
  return request.user
}

/**
 * The signed-in user and session of a route that needs a session: default deny guarantees a user
 * on non-public routes, and the scope hook keeps API keys (which have no session) off these.
 */
export function signedIn(request: FastifyRequest): { user: AuthUser; session: AuthSession } {
  if (!request.user || !request.session) throw new AppError('auth_required')
  return { user: request.user, session: request.session }
}

async function authPlugin(app: FastifyInstance, opts: AuthPluginOptions) {
  const ctx = { db: opts.db, config: opts.config, clock: opts.clock }
  app.decorateRequest('user', null)
  app.decorateRequest('session', null)
  app.decorateRequest('apiKey', null)
  app.decorateRequest('authMethod', null)
  app.decorateRequest('sessionToken', null)
  app.decorateRequest('authFailure', null)

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const accepted = opts.credentials(request)
    if (accepted === 'none' || request.method === 'OPTIONS') return
    const presented = readToken(request, accepted === 'bearer-or-cookie')
    if (!presented) {
      request.authFailure = 'auth_required'
      return
    }
    // A key is only ever taken from the Authorization header, and is never tried as a session.
    if (presented.method === 'bearer' && looksLikeApiKey(presented.token)) {
      const key = await validateApiKey(ctx, presented.token)
      if (!key) {
        request.authFailure = 'invalid_session'
        return
      }
      request.user = key.user
      request.apiKey = key.apiKey
      request.authMethod = 'bearer'
      return
    }
    const result = await validateSessionToken(ctx, presented.token)
    if (!result) {
      request.authFailure = 'invalid_session'
      return
    }
    request.user = result.user
    request.session = result.session
    request.authMethod = presented.method
    request.sessionToken = presented.token
    if (result.refreshed && presented.method === 'cookie') {
      reply.setCookie(
        SESSION_COOKIE,
        presented.token,
        sessionCookieOptions(opts.config, result.session.expires_at, opts.clock.now()),
      )
    }
  })

  app.decorate('requireAdmin', async (request: FastifyRequest) => {
    if (!request.user) throw new AppError('auth_required')
    if (request.user.role !== 'admin')
      throw new AppError('forbidden', { detail: 'Administrator role required' })
  })
}

export default fp(authPlugin, { name: 'auth', dependencies: ['@fastify/cookie'] })
