// CSRF defence for cookie sessions (docs/api.md §3): unsafe /api requests are refused with 403
// `csrf_failed` when the browser says they come from a foreign origin. Browsers send `Origin` on
// every cross-origin POST/PUT/PATCH/DELETE and `Sec-Fetch-Site` on every request, so together with
// SameSite cookies this is the OWASP "verify origin with standard headers" defence; a request with
// neither header (curl, scripts, server-to-server) is not a browser request and passes.
//
// Bearer exemption: a request that *authenticated* with `Authorization: Bearer` is exempt — a
// browser never attaches that header by itself, and a cross-site page cannot add it without a CORS
// preflight that only FRONTEND_URL origins pass. A Bearer header whose token is invalid earns no
// exemption: on protected routes the auth hook has already answered 401, and on the public ones
// (register, sign-in, sign-out) the origin check still runs, so a junk `Authorization` header can
// never be used to smuggle a cross-site sign-in (login CSRF).
//
// Registered after the auth plugin and default deny: app-level onRequest hooks run in registration
// order, so `request.authMethod` is already known here. It runs on public routes too. Which
// requests it covers is decided on the zone of the route the router matched (zones.ts): the
// /api zone, where the session cookie counts (/v1 takes Bearer tokens only, so CSRF cannot arise).
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config.js'
import { AppError } from '../errors.js'
import { acceptsCookie } from './zones.js'

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/** `scheme://host[:port]` normalised by the URL parser (lower case, default port dropped), or null. */
export function normalizeOrigin(value: string): string | null {
  try {
    const origin = new URL(value).origin
    return origin === 'null' ? null : origin
  } catch {
    return null
  }
}

/**
 * The server's own origin as the client sees it. Fastify derives `protocol` and `host` from
 * X-Forwarded-Proto / X-Forwarded-Host only when the connecting peer is a trusted proxy
 * (TRUST_PROXY hops); otherwise from the socket and the Host header.
 */
export function ownOrigin(request: FastifyRequest): string | null {
  if (!request.host) return null
  return normalizeOrigin(`${request.protocol}://${request.host}`)
}

/** Why the request is refused, or null when it may proceed. */
export function csrfRefusal(request: FastifyRequest, allowed: ReadonlySet<string>): string | null {
  const originHeader = request.headers.origin
  if (originHeader !== undefined) {
    // `Origin: null` (sandboxed iframes, file:, some redirects) is never trusted.
    const origin = normalizeOrigin(originHeader)
    if (origin === null) return 'opaque origin'
    if (origin === ownOrigin(request) || allowed.has(origin)) return null
    return 'foreign origin'
  }
  return request.headers['sec-fetch-site'] === 'cross-site' ? 'cross-site without origin' : null
}

async function csrfPlugin(app: FastifyInstance, opts: { config: Config }) {
  const allowed = new Set(opts.config.frontendOrigins)
  // A callback hook, not an async one: safe methods (most requests) pass without a promise.
  app.addHook('onRequest', (request, _reply, done) => {
    if (!UNSAFE.has(request.method) || !acceptsCookie(request.zone) || request.authMethod === 'bearer') {
      done()
      return
    }
    const reason = csrfRefusal(request, allowed)
    if (reason === null) {
      done()
      return
    }
    request.log.info(
      { event: 'csrf.refused', reason, origin: request.headers.origin ?? null },
      'CSRF check failed',
    )
    done(new AppError('csrf_failed'))
  })
}

export default fp(csrfPlugin, { name: 'csrf', dependencies: ['auth', 'zones'] })
