// Default deny: every /api route needs a valid session unless its route config says `public: true`.
// Unknown /api paths are therefore 401 without a session and 404 with one.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config.js'
import type { Database } from '../db/client.js'
import { AppError } from '../errors.js'
import type { Clock } from '../lib/clock.js'
import { SESSION_COOKIE, sessionCookieOptions } from './cookies.js'
import { type AuthSession, type AuthUser, validateSessionToken } from './sessions.js'

declare module 'fastify' {
  interface FastifyRequest {
    user: AuthUser | null
    session: AuthSession | null
    /** How the presented token arrived; Bearer requests are exempt from the CSRF origin check. */
    authMethod: 'cookie' | 'bearer' | null
    sessionToken: string | null
  }
  interface FastifyContextConfig {
    /** Reachable without a session (register, sign-in, sign-out). */
    public?: boolean
  }
  interface FastifyInstance {
    requireAdmin: (request: FastifyRequest) => Promise<void>
  }
}

export interface AuthPluginOptions {
  db: Database
  config: Config
  clock: Clock
}

/** The token from `Authorization: Bearer` (preferred) or the session cookie. */
export function readToken(request: FastifyRequest): { token: string; method: 'cookie' | 'bearer' } | null {
  const header = request.headers.authorization
  if (header) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header)
    if (m) return { token: m[1] as string, method: 'bearer' }
  }
  const cookie = request.cookies?.[SESSION_COOKIE]
  return cookie ? { token: cookie, method: 'cookie' } : null
}

export function isApiPath(url: string): boolean {
  return url === '/api' || url.startsWith('/api/') || url.startsWith('/api?')
}

async function authPlugin(app: FastifyInstance, opts: AuthPluginOptions) {
  const ctx = { db: opts.db, config: opts.config, clock: opts.clock }
  app.decorateRequest('user', null)
  app.decorateRequest('session', null)
  app.decorateRequest('authMethod', null)
  app.decorateRequest('sessionToken', null)

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!isApiPath(request.url) || request.method === 'OPTIONS') return
    const isPublic = request.routeOptions.config?.public === true
    const presented = readToken(request)
    if (!presented) {
      if (isPublic) return
      throw new AppError('auth_required')
    }
    const result = await validateSessionToken(ctx, presented.token)
    if (!result) {
      if (isPublic) return
      throw new AppError('invalid_session')
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
