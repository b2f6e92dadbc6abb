// Contract §6: fixed-window limits on our counter store (memory, or Redis with fallback).
//
// Every /api route counts against RATE_LIMIT_GLOBAL (keyed by user id when signed in, client IP
// otherwise) unless its route config names its own limit (`config: { rateLimit: routeLimit(…) }`,
// counted per route) or `rateLimit: false`. Non-API routes (the UI, /docs) are not limited unless
// they name a limit (/health). Every limited response carries RateLimit-Limit / -Remaining /
// -Reset; a refusal is 429 `rate_limited` with Retry-After.
//
// The limiter is attached per route when the route is registered (so unlimited routes pay
// nothing) and runs as a route-level onRequest hook, after the app-level auth hook, so
// authenticated requests are keyed by user. With the in-process store it answers synchronously.
// (This replaced @fastify/rate-limit, whose per-request path — five awaits and a merged options
// object — was 13 % of the CPU of a GET /health: bench/RESULTS.md, finding 19.)
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
  onRequestHookHandler,
} from 'fastify'
import fp from 'fastify-plugin'
import { isApiPath } from '../auth/plugin.js'
import type { Config } from '../config.js'
import { rateLimitedError } from '../errors.js'
import type { Rate } from '../lib/rate.js'
import type { Count, CounterStore } from './counter-store.js'

export interface RouteRateLimit {
  rate: Rate
  key: (request: FastifyRequest) => string
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** This route's own limit instead of the global one, or `false` for none. */
    rateLimit?: RouteRateLimit | false
  }
}

export const ipKey = (request: FastifyRequest) => `ip:${request.ip}`
export const userOrIpKey = (request: FastifyRequest) =>
  request.user ? `user:${request.user.id}` : `ip:${request.ip}`

/** Route-level limit config: `config: { rateLimit: routeLimit(config.rateLimitAuth, ipKey) }`. */
export function routeLimit(rate: Rate, key: (r: FastifyRequest) => string): RouteRateLimit {
  return { rate, key }
}

/** The onRequest hook counting requests under `prefix` + the request's key. */
function limiter(limit: RouteRateLimit, prefix: string, counters: CounterStore): onRequestHookHandler {
  const { max, windowMs } = limit.rate
  const maxHeader = String(max)
  const apply = (reply: FastifyReply, done: HookHandlerDoneFunction, c: Count) => {
    const over = c.count > max
    reply.headers({
      'ratelimit-limit': maxHeader,
      'ratelimit-remaining': over ? '0' : String(max - c.count),
      'ratelimit-reset': String(Math.ceil(c.ttlMs / 1000)),
    })
    if (over) done(rateLimitedError(c.ttlMs / 1000))
    else done()
  }
  return (request, reply, done) => {
    const key = prefix + limit.key(request)
    const now = counters.incrNow?.(key, windowMs)
    if (now) {
      apply(reply, done, now)
      return
    }
    counters.incr(key, windowMs).then((c) => apply(reply, done, c), done)
  }
}

function methodsOf(method: string | string[]): string[] {
  return Array.isArray(method) ? method : [method]
}

async function rateLimitPlugin(app: FastifyInstance, opts: { config: Config; counters: CounterStore }) {
  const global = routeLimit(opts.config.rateLimitGlobal, userOrIpKey)
  app.addHook('onRoute', (route) => {
    const own = route.config?.rateLimit
    if (own === false) return
    const methods = methodsOf(route.method)
    if (methods.every((m) => m === 'OPTIONS')) return
    let hook: onRequestHookHandler
    if (own) hook = limiter(own, `rl:${methods.join(',')}:${route.url}:`, opts.counters)
    else if (isApiPath(route.url)) hook = limiter(global, 'rl:global:', opts.counters)
    else return
    const existing = route.onRequest
    route.onRequest =
      existing === undefined ? [hook] : [...(Array.isArray(existing) ? existing : [existing]), hook]
  })
}

export default fp(rateLimitPlugin, { name: 'rate-limit', dependencies: ['auth'] })
