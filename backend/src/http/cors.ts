// docs/api.md §5: only FRONTEND_URL origins, matched exactly, with credentials; never `*`.
//
// An allowed origin gets Access-Control-Allow-Origin (that origin), -Allow-Credentials and
// -Expose-Headers on every response; its preflight (OPTIONS) is answered 204 right here, before
// the auth hook, with the allowed methods, headers and max age. Any other origin gets none of
// these, and its preflight is a 404. Every response says `Vary: Origin`.
// (What @fastify/cors does for these options, without its per-request options merge, which was
// 5 % of the CPU of a GET /health: bench/RESULTS.md, finding 19.)
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config.js'

const CORS_METHODS = 'GET, POST, PUT, PATCH, DELETE, OPTIONS'
const CORS_ALLOWED_HEADERS = 'Content-Type, Authorization'
const CORS_EXPOSED_HEADERS =
  'X-Request-Id, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset'
const CORS_MAX_AGE_SECONDS = 600

const NOT_ALLOWED: Readonly<Record<string, string>> = Object.freeze({ vary: 'Origin' })

/**
 * The CORS headers an answer to `origin` carries (only `Vary` for an origin not listed): used by
 * the hook below, and for answers made before it runs (an undecodable target), so that the UI can
 * read those errors too.
 */
export function corsHeadersFor(origins: readonly string[]) {
  const allowed = new Set(origins)
  return (origin: string | undefined): Readonly<Record<string, string>> =>
    origin !== undefined && allowed.has(origin)
      ? {
          vary: 'Origin',
          'access-control-allow-origin': origin,
          'access-control-allow-credentials': 'true',
          'access-control-expose-headers': CORS_EXPOSED_HEADERS,
        }
      : NOT_ALLOWED
}

async function corsPlugin(app: FastifyInstance, opts: { config: Config }) {
  const headersFor = corsHeadersFor(opts.config.frontendOrigins)
  const preflight = {
    'access-control-allow-methods': CORS_METHODS,
    'access-control-allow-headers': CORS_ALLOWED_HEADERS,
    'access-control-max-age': String(CORS_MAX_AGE_SECONDS),
    'content-length': '0',
  }
  app.addHook('onRequest', (request, reply, done) => {
    const headers = headersFor(request.headers.origin)
    reply.headers(headers)
    if (headers === NOT_ALLOWED) {
      done()
      return
    }
    if (request.method !== 'OPTIONS') {
      done()
      return
    }
    reply.code(204).headers(preflight).send()
  })
  // Lets OPTIONS reach the hook above for any path (a preflight it answers ends there); one it
  // did not answer is a 404.
  app.options('*', { schema: { hide: true } }, (_request, reply) => {
    reply.callNotFound()
  })
}

export default fp(corsPlugin, { name: 'cors' })
