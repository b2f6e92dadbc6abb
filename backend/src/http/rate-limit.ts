// Contract §6 on @fastify/rate-limit, with our counter store (memory or Redis with fallback).
import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { isApiPath } from '../auth/plugin.js'
import type { Config } from '../config.js'
import { rateLimitedError } from '../errors.js'
import type { Rate } from '../lib/rate.js'
import type { CounterStore } from './counter-store.js'

type Callback = (err: Error | null, res?: { current: number; ttl: number }) => void

/** Adapts a CounterStore to @fastify/rate-limit's store interface (a class it instantiates). */
function storeClass(counters: CounterStore) {
  return class RateLimitStore {
    readonly prefix: string
    constructor(prefix?: unknown) {
      this.prefix = typeof prefix === 'string' ? prefix : 'rl:global:'
    }
    incr(key: string, cb: Callback, timeWindow: number) {
      counters.incr(this.prefix + key, timeWindow).then(
        (r) => cb(null, { current: r.count, ttl: r.ttlMs }),
        (err: Error) => cb(err),
      )
    }
    child(routeOptions: object) {
      const info = (routeOptions as { routeInfo?: { method?: unknown; url?: string } }).routeInfo ?? {}
      return new RateLimitStore(`rl:${String(info.method)}:${info.url}:`)
    }
  }
}

export const ipKey = (request: FastifyRequest) => `ip:${request.ip}`
export const userOrIpKey = (request: FastifyRequest) =>
  request.user ? `user:${request.user.id}` : `ip:${request.ip}`

/** Route-level limit config: `config: { rateLimit: routeLimit(config.rateLimitAuth, ipKey) }`. */
export function routeLimit(rate: Rate, keyGenerator: (r: FastifyRequest) => string) {
  return { max: rate.max, timeWindow: rate.windowMs, keyGenerator, allowList: () => false }
}

async function rateLimitPlugin(app: FastifyInstance, opts: { config: Config; counters: CounterStore }) {
  await app.register(rateLimit, {
    global: true,
    // After the default-deny hook (app-level onRequest hooks run before route-level ones), so
    // authenticated requests are keyed by user id.
    hook: 'onRequest',
    max: opts.config.rateLimitGlobal.max,
    timeWindow: opts.config.rateLimitGlobal.windowMs,
    keyGenerator: userOrIpKey,
    // The global limit is for /api/*; /health and others declare their own or none.
    allowList: (request: FastifyRequest) => !isApiPath(request.url) || request.method === 'OPTIONS',
    store: storeClass(opts.counters),
    enableDraftSpec: true,
    addHeadersOnExceeding: { 'ratelimit-limit': true, 'ratelimit-remaining': true, 'ratelimit-reset': true },
    addHeaders: {
      'ratelimit-limit': true,
      'ratelimit-remaining': true,
      'ratelimit-reset': true,
      'retry-after': true,
    },
    errorResponseBuilder: (_request, context) => rateLimitedError(context.ttl / 1000),
  })
}

export default fp(rateLimitPlugin, { name: 'rate-limit', dependencies: ['auth'] })
