// Contract §4 on every response: helmet for the fixed headers, our own CSP per kind of response.
import helmet from '@fastify/helmet'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { isApiPath } from '../auth/plugin.js'
import type { Config } from '../config.js'

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

export function isDocsPath(url: string): boolean {
  return url === '/docs' || url.startsWith('/docs/') || url.startsWith('/docs?')
}

async function securityHeaders(app: FastifyInstance, opts: { config: Config }) {
  const framed = opts.config.frameAncestors.length > 0
  await app.register(helmet, {
    global: true,
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
  const ui = uiCsp(opts.config)
  app.addHook('onRequest', async (request, reply) => {
    // /docs sets its own policy (Swagger UI needs inline styles); the UI and the API get theirs.
    if (isDocsPath(request.url)) return
    reply.header('content-security-policy', API_CSP)
    if (isApiPath(request.url)) reply.header('cache-control', 'no-store')
  })
  app.addHook('onSend', async (request, reply, payload) => {
    if (isDocsPath(request.url)) return payload
    const type = String(reply.getHeader('content-type') ?? '')
    if (type.startsWith('text/html')) reply.header('content-security-policy', ui)
    if (isApiPath(request.url)) reply.header('cache-control', 'no-store')
    return payload
  })
}

export default fp(securityHeaders, { name: 'security-headers' })
