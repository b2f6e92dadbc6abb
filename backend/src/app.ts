// buildApp(deps) returns an app ready for `inject` or `listen`. It reads no environment variables.
import cookie from '@fastify/cookie'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import apiKeyScopes from './auth/api-key-scopes.js'
import { sweepAuditEvents } from './auth/audit.js'
import emailGate from './auth/email-gate.js'
import authPlugin from './auth/plugin.js'
import authRoutes from './auth/routes.js'
import type { Config } from './config.js'
import type { Database } from './db/client.js'
import { deleteDeadTokens } from './db/queries/email-tokens.js'
import { deleteFinishedMails } from './db/queries/mail-outbox.js'
import { deleteExpiredChallenges } from './db/queries/mfa.js'
import { deleteExpiredSessions } from './db/queries/sessions.js'
import { clientErrorHandler, frameworkErrorHandler } from './http/client-errors.js'
import corsPlugin from './http/cors.js'
import csrfPlugin from './http/csrf.js'
import defaultDeny from './http/default-deny.js'
import errorHandler from './http/error-handler.js'
import { AccessLog, genReqId, loggerOptions } from './http/logging.js'
import { optionalDefaults } from './http/openapi.js'
import protocolPlugin from './http/protocol.js'
import rateLimitPlugin from './http/rate-limit.js'
import securityHeaders, { securityHeaderSets } from './http/security-headers.js'
import staticUi from './http/static-ui.js'
import { trustProxy } from './http/trust-proxy.js'
import validationPlugin, { validatorFactory } from './http/validation.js'
import zones, { acceptedCredentials } from './http/zones.js'
import { type Clock, systemClock } from './lib/clock.js'
import { type CounterStore, createCounterStore } from './lib/counter-store.js'
import { VERSION } from './lib/version.js'
import mailPlugin from './mail/outbox.js'
import adminAuditRoutes from './routes/admin-audit.js'
import adminUserRoutes from './routes/admin-users.js'
import chatRoutes from './routes/chat.js'
import type { RouteDeps } from './routes/deps.js'
import documentRoutes from './routes/documents.js'
import feedbackRoutes from './routes/feedback.js'
import healthRoutes from './routes/health.js'
import searchRoutes from './routes/search.js'
import spaceRoutes from './routes/spaces.js'
import v1Routes from './routes/v1.js'

export interface AppDeps {
  config: Config
  db: Database
  clock?: Clock
  /** Rate-limit and lockout counters; default from config (memory, or Redis with fallback). */
  counters?: CounterStore
  /** A logger instance to use instead of building one from config (tests, CLIs). */
  logger?: FastifyBaseLogger
  /** Pretty logs (development on a TTY). */
  prettyLogs?: boolean
  /** Where the built web UI lives (default frontend/dist). */
  uiDir?: string
  /** How long a client may take to send a request's headers and body (default 30 s; tests shorten it). */
  requestTimeoutMs?: number
  /** How often the mail worker looks for due mails (default 5 s; tests shorten it). */
  mailPollMs?: number
}

const SWEEP_INTERVAL_MS = 10 * 60_000
/** docs/api.md §0: headers and body within 30 s, or the connection is closed. */
const REQUEST_TIMEOUT_MS = 30_000

/**
 * Node's own slow-client limits: `requestTimeout` bounds the time from a request's first byte to
 * its last (headers and body), `headersTimeout` the headers alone; a response being sent (an SSE
 * stream) is not covered by either, so it is never cut. Node checks them every
 * `connectionsCheckingInterval` (default 30 s, which would double the bound).
 */
function slowClientOptions(ms: number) {
  return {
    requestTimeout: ms,
    http: {
      // An HTTP/1.1 request without Host is refused by http/protocol.ts in the contract's shape,
      // not by Node with a bare 400.
      requireHostHeader: false,
      headersTimeout: ms,
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(ms / 4))),
    },
  }
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, db } = deps
  const clock = deps.clock ?? systemClock
  const { api: apiHeaders } = securityHeaderSets(config)
  const app = Fastify({
    ...(deps.logger
      ? { loggerInstance: deps.logger }
      : { logger: loggerOptions(config, deps.prettyLogs === true) }),
    genReqId,
    requestIdHeader: false,
    logController: new AccessLog(),
    trustProxy: trustProxy(config),
    ...slowClientOptions(deps.requestTimeoutMs ?? REQUEST_TIMEOUT_MS),
    bodyLimit: 1024 * 1024,
    // While draining on SIGTERM, keep serving requests that arrive on open connections (with
    // `Connection: close`) instead of Fastify's own 503 body, which is not the contract's shape.
    return503OnClosing: false,
    // Requests refused before any hook runs still get the contract's error shape and headers.
    clientErrorHandler: clientErrorHandler(apiHeaders),
    frameworkErrors: frameworkErrorHandler(apiHeaders, config.frontendOrigins),
    // No path parameter is too long to route: a request target cannot outgrow Node's 16 KiB header
    // limit anyway, and an overlong `{id}` is then a malformed id like any other (§0: 404, or 401
    // without a session) instead of the router's own refusal. (No route has a regex parameter.)
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 16 * 1024 },
    // Bodies without type coercion, query strings and params with it (http/validation.ts).
    schemaController: { compilersFactory: { buildValidator: validatorFactory() } },
  }).withTypeProvider<TypeBoxTypeProvider>()

  // JSON (and multipart where a route allows it) only: anything else is 415, not a 422.
  app.removeContentTypeParser('text/plain')
  // An empty body sent with a JSON content type (API wrappers add the header to every call) is no
  // body, not unparseable JSON: a route that takes none (sign-out, decline, DELETE …) works, and
  // one that needs a body answers 422 as it does to a request with no body at all.
  // `{"__proto__": …}` is parseable JSON (§0: 400 is only for bodies that are not): the key is
  // dropped like any unknown field, never a 400 that calls valid JSON invalid, never pollution.
  const parseJson = app.getDefaultJsonParser('remove', 'remove')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body.length === 0) done(null, undefined)
    else parseJson(request, body as string, done)
  })
  const counters = deps.counters ?? (await createCounterStore(config.redisUrl, clock, app.log))
  const routeDeps: RouteDeps = { config, db, clock, counters }

  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id)
    done()
  })
  // First: every later hook and every route added after it reads the zone (/api, /v1, /docs, site)
  // of the route the router matched.
  await app.register(zones)
  await app.register(errorHandler, { db })
  await app.register(validationPlugin)
  await app.register(securityHeaders, { config })
  await app.register(corsPlugin, { config })
  // After the §4 headers and CORS, so its refusals (an unmet Expect, no Host) carry them.
  await app.register(protocolPlugin)
  await app.register(cookie)
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'rag-auth', version: VERSION, description: 'Authenticated RAG chat service' },
      components: {
        securitySchemes: {
          cookieAuth: { type: 'apiKey', in: 'cookie', name: 'session_token' },
          bearerAuth: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ cookieAuth: [] }, { bearerAuth: [] }],
    },
    transformObject: (documents) =>
      'openapiObject' in documents ? optionalDefaults(documents.openapiObject) : documents.swaggerObject,
  })
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    // Swagger UI's own policy says `frame-ancestors 'self'` and ends in `;`: replaced, not
    // appended to (a browser obeys the first of two frame-ancestors directives). Its
    // `upgrade-insecure-requests` goes: over plain HTTP at any host but localhost (a LAN address,
    // a container's) it sent the page's scripts and styles to https:// and the docs stayed blank.
    transformStaticCSP: (header) =>
      `${header
        .replace("style-src 'self' https:", "style-src 'self' 'unsafe-inline'")
        .split(';')
        .map((directive) => directive.trim())
        .filter(
          (directive) =>
            directive !== '' &&
            !directive.startsWith('frame-ancestors') &&
            directive !== 'upgrade-insecure-requests',
        )
        .join('; ')}; frame-ancestors 'none'`,
  })
  // The order of these request hooks is the policy: identify the caller, count the request (a
  // 401 included), refuse it without a session where one is needed, and with an API key where its
  // scopes do not reach, then check its origin.
  await app.register(authPlugin, { db, config, clock, credentials: acceptedCredentials })
  await app.register(rateLimitPlugin, { config, counters })
  await app.register(defaultDeny)
  await app.register(apiKeyScopes)
  await app.register(csrfPlugin, { config })
  // EMAIL_VERIFICATION=required: unverified users reach only the routes that allow them (§12).
  await app.register(emailGate, { config })
  await app.register(mailPlugin, {
    db,
    config,
    clock,
    ...(deps.mailPollMs ? { pollMs: deps.mailPollMs } : {}),
  })

  app.get('/openapi.json', { schema: { hide: true }, config: { rateLimit: false } }, async () =>
    app.swagger(),
  )
  await app.register(healthRoutes, { db, config })
  await app.register(authRoutes, routeDeps)
  await app.register(documentRoutes, routeDeps)
  await app.register(searchRoutes, routeDeps)
  await app.register(chatRoutes, routeDeps)
  await app.register(feedbackRoutes, routeDeps)
  await app.register(spaceRoutes, routeDeps)
  await app.register(v1Routes, routeDeps)
  await app.register(adminUserRoutes, routeDeps)
  await app.register(adminAuditRoutes, routeDeps)
  void routeDeps
  await app.register(staticUi, deps.uiDir ? { uiDir: deps.uiDir } : {})

  let sweeper: NodeJS.Timeout | undefined
  app.addHook('onReady', async () => {
    sweeper = setInterval(() => {
      deleteExpiredSessions(db, new Date(clock.now())).catch((err) =>
        app.log.warn({ err }, 'session sweep failed'),
      )
      deleteExpiredChallenges(db, new Date(clock.now())).catch((err) =>
        app.log.warn({ err }, 'sign-in challenge sweep failed'),
      )
      sweepAuditEvents(db, config, clock).catch((err) => app.log.warn({ err }, 'audit sweep failed'))
      deleteDeadTokens(db, new Date(clock.now())).catch((err) =>
        app.log.warn({ err }, 'email token sweep failed'),
      )
      // A sent mail's row is a delivery record for a month; its body went when it was sent.
      deleteFinishedMails(db, new Date(clock.now() - 30 * 86_400_000)).catch((err) =>
        app.log.warn({ err }, 'mail outbox sweep failed'),
      )
    }, SWEEP_INTERVAL_MS)
    sweeper.unref()
  })
  app.addHook('onClose', async () => {
    clearInterval(sweeper)
    if (!deps.counters) await counters.close()
  })
  return app
}
