// docs/api.md §4 on every response: helmet for the fixed headers, our own CSP per kind of response.
// The kind is the zone of the route the router matched (zones.ts), never the raw request target:
// /api and /v1 always get the API policy and `Cache-Control: no-store`, /docs its own policy,
// the rest of the site the UI policy on HTML and the API policy on anything else.
//
// helmet's headers do not depend on the request, so helmet runs once at start-up against a
// recording response and every request gets the recorded set in one `reply.headers()` call.
// (@fastify/helmet runs helmet's dozen middlewares per request: ~5 % of the CPU of a /health
// request in bench/RESULTS.md's profile.)
import type { ServerResponse } from 'node:http'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import helmet, { type HelmetOptions } from 'helmet'
import type { Config } from '../config.js'
import { isGuarded } from './zones.js'

export const API_CSP = "default-src 'none'; frame-ancestors 'none'"

export function uiCsp(config: Config): string {
  const connect = ["'self'", ...config.frontendOrigins].join(' ')
  const ancestors = config.frameAncestors.length > 0 ? config.frameAncestors.join(' ') : "'none'"
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${connect}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    `frame-ancestors ${ancestors}`,
  ].join('; ')
}

/** The headers helmet sets for these options, computed once. */
export function helmetHeaders(options: Readonly<HelmetOptions>): Record<string, string> {
  const headers: Record<string, string> = {}
  const recorder = {
    setHeader(name: string, value: unknown) {
      headers[name.toLowerCase()] = String(value)
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()]
    },
  } as unknown as ServerResponse
  let failed: unknown = null
  helmet(options)({ headers: {} } as never, recorder, (err?: unknown) => {
    failed = err ?? null
  })
  if (failed) throw failed
  return headers
}

/** The fixed §4 headers (without a CSP), and with the API's CSP. */
export function securityHeaderSets(config: Config): {
  fixed: Record<string, string>
  api: Record<string, string>
} {
  const framed = config.frameAncestors.length > 0
  const fixed = helmetHeaders({
    contentSecurityPolicy: false,
    crossOriginEmbedderPolicy: false,
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    frameguard: framed ? false : { action: 'deny' },
    hsts: { maxAge: 31_536_000, includeSubDomains: true, preload: false },
    noSniff: true,
    referrerPolicy: { policy: 'no-referrer' },
    xssFilter: true,
    hidePoweredBy: true,
  })
  return { fixed, api: { ...fixed, 'content-security-policy': API_CSP } }
}

async function securityHeaders(app: FastifyInstance, opts: { config: Config }) {
  const { fixed, api } = securityHeaderSets(opts.config)
  const ui = uiCsp(opts.config)
  app.addHook('onRequest', (request, reply, done) => {
    // /docs sets its own policy (Swagger UI needs inline styles); the UI and the API get theirs.
    reply.headers(request.zone === 'docs' ? fixed : api)
    done()
  })
  // Every reply (errors, 404s, preflights and the SSE stream included) goes through onSend.
  app.addHook('onSend', (request, reply, payload, done) => {
    const zone = request.zone
    // Here, not earlier: a handler may have set its own cache-control on an API response.
    if (isGuarded(zone)) reply.header('cache-control', 'no-store')
    else if (zone === 'site') {
      const type = reply.getHeader('content-type')
      if (typeof type === 'string' && type.startsWith('text/html'))
        reply.header('content-security-policy', ui)
    }
    done(null, payload)
  })
}

export default fp(securityHeaders, { name: 'security-headers', dependencies: ['zones'] })
