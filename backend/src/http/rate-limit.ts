// docs/api.md §6: fixed-window limits on our counter store (memory, or Redis with fallback).
//
// Which limits a request counts against is decided on the route the router matched and its zone
// (zones.ts), never on the raw request target:
// - a route's own limit (`config: { rateLimit: { rate, per } }`, counted per route), else, in a
//   guarded zone (/api, /v1), RATE_LIMIT_GLOBAL keyed by user id (signed in) or client;
// - every request to a guarded zone without a valid session — a 401 included, an unknown path
//   included — counts against RATE_LIMIT_GLOBAL per client too, so bad tokens are limited;
// - every `POST` under /api/auth/ to a public route, or without a valid session, counts against
//   RATE_LIMIT_AUTH per client, one budget for all of them (§3: sign-in, register, the second
//   factor, resets and emailed links together); an auth route naming its own limit shares it
//   through the `auth` bucket;
// - `rateLimit: false` opts a route out; the rest of the site is limited only where it names a
//   limit (/health).
// Clients are keyed by `clientKey(request.ip)` (IPv6 by /64). Every limited response carries
// RateLimit-Limit / -Remaining / -Reset of its tightest limit; a refusal is 429 `rate_limited`
// with Retry-After.
//
// One app-level onRequest hook, registered after the auth plugin (so signed-in requests are keyed
// by user) and before default deny (so a request is counted before it can be refused 401). Each
// route's plan is worked out once, when the route is added; with the in-process store the hook
// answers synchronously. (Ours rather than @fastify/rate-limit, whose per-request path took 13 % of
// the CPU of a GET /health: bench/RESULTS.md, finding 19.)
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config.js'
import { rateLimitedError } from '../errors.js'
import { clientKey } from '../lib/client-key.js'
import type { Count, CounterStore } from '../lib/counter-store.js'
import { AUTH_RATE_BUCKET, type Rate } from '../lib/rate.js'
import { isGuarded, normalizedSegments, type Zone, zoneOfRoute } from './zones.js'

/**
 * Who a limit counts: each client, or each signed-in user (and each client without a session).
 * Route config names a scope rather than a key function, so route plugins (the auth routes among
 * them) declare their limits without importing the limiter.
 */
export type LimitScope = 'client' | 'user-or-client'

export interface RouteRateLimit {
  rate: Rate
  per: LimitScope
  /** Routes naming the same bucket share one count (asking by /api/chat or /v1); default per route. */
  bucket?: string
}

interface Limit {
  rate: Rate
  key: (request: FastifyRequest) => string
  /** Routes naming the same bucket share one count (asking by /api/chat or /v1); default per route. */
  bucket?: string
}

/** A limit as applied on one route: the counter keys are `prefix + limit.key(request)`. */
interface Applied {
  limit: Limit
  prefix: string
}

/** What a route counts against; worked out when the route is added. */
interface Plan {
  own: Applied | null
  guarded: boolean
  /** RATE_LIMIT_AUTH for a POST under /api/auth/ that names no limit of its own. */
  auth: Applied | null
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** This route's own limit instead of the global one, or `false` for none. */
    rateLimit?: RouteRateLimit | false
    /** Set when the route is added (from its path, method and `rateLimit`); null: not limited. */
    rateLimitPlan?: Plan | null
  }
}

/** RATE_LIMIT_CHAT counts questions however they are asked: /api/chat/message and /v1/chat/completions. */
export const CHAT_RATE_BUCKET = 'chat'
const AUTH_PREFIX = `rl:${AUTH_RATE_BUCKET}:`

const ipKey = (request: FastifyRequest) => `ip:${clientKey(request.ip)}`
const userOrIpKey = (request: FastifyRequest) => (request.user ? `user:${request.user.id}` : ipKey(request))

const KEY_OF_SCOPE: Readonly<Record<LimitScope, Limit['key']>> = {
  client: ipKey,
  'user-or-client': userOrIpKey,
}

function limitOf(own: RouteRateLimit): Limit {
  const limit: Limit = { rate: own.rate, key: KEY_OF_SCOPE[own.per] }
  if (own.bucket) limit.bucket = own.bucket
  return limit
}

function methodsOf(method: string | string[]): string[] {
  return Array.isArray(method) ? method : [method]
}

function isAuthPost(methods: string[], zone: Zone, segments: string[]): boolean {
  return methods.includes('POST') && zone === 'api' && segments[1]?.toLowerCase() === 'auth'
}

/** The tightest of the counts: the first over its limit, else the one with least remaining. */
function tightest(applied: Applied[], counts: Count[]): { max: number; c: Count } {
  let best = { max: applied[0]?.limit.rate.max ?? 0, c: counts[0] as Count }
  for (let i = 1; i < applied.length; i++) {
    const max = (applied[i] as Applied).limit.rate.max
    const c = counts[i] as Count
    const bestOver = best.c.count > best.max
    const over = c.count > max
    if ((over && !bestOver) || (over === bestOver && max - c.count < best.max - best.c.count))
      best = { max, c }
  }
  return best
}

function answer(reply: FastifyReply, done: HookHandlerDoneFunction, applied: Applied[], counts: Count[]) {
  const { max, c } = tightest(applied, counts)
  const over = c.count > max
  reply.headers({
    'ratelimit-limit': String(max),
    'ratelimit-remaining': over ? '0' : String(max - c.count),
    'ratelimit-reset': String(Math.ceil(c.ttlMs / 1000)),
  })
  if (over) done(rateLimitedError(c.ttlMs / 1000))
  else done()
}

async function rateLimitPlugin(app: FastifyInstance, opts: { config: Config; counters: CounterStore }) {
  const { counters } = opts
  const global: Applied = {
    limit: { rate: opts.config.rateLimitGlobal, key: userOrIpKey },
    prefix: 'rl:global:',
  }
  const authLimit: Limit = { rate: opts.config.rateLimitAuth, key: ipKey }
  const plans = {
    guarded: { own: null, guarded: true, auth: null } as Plan,
    authPost: {
      own: null,
      guarded: true,
      auth: { limit: authLimit, prefix: AUTH_PREFIX },
    } as Plan,
  }

  app.addHook('onRoute', (route) => {
    const own = route.config?.rateLimit
    const methods = methodsOf(route.method)
    const zone = zoneOfRoute(route.url)
    let plan: Plan | null | undefined = null
    if (own === false || methods.every((m) => m === 'OPTIONS')) plan = null
    else if (zone === undefined)
      plan = undefined // a catch-all: decided per request
    else {
      // The HEAD route Fastify adds for each GET counts in the GET's bucket: `/health` is 60 a
      // minute per client, not 60 GETs plus 60 HEADs.
      const prefix = `rl:${methods.map((m) => (m === 'HEAD' ? 'GET' : m)).join(',')}:${route.url}:`
      const guarded = isGuarded(zone)
      const auth = isAuthPost(methods, zone, route.url.split('/').slice(1))
        ? { limit: authLimit, prefix: AUTH_PREFIX }
        : null
      if (own) {
        const limit = limitOf(own)
        plan = { own: { limit, prefix: limit.bucket ? `rl:${limit.bucket}:` : prefix }, guarded, auth: null }
      } else if (guarded) plan = { own: null, guarded, auth }
    }
    route.config = { ...route.config, rateLimitPlan: plan }
  })

  /** The plan of a request no specific route matched (404s, the `OPTIONS *` catch-all). */
  function unmatchedPlan(request: FastifyRequest): Plan | null {
    if (request.method === 'OPTIONS' || !isGuarded(request.zone)) return null
    const segments = normalizedSegments(request.url)
    return isAuthPost([request.method], request.zone, segments) ? plans.authPost : plans.guarded
  }

  app.addHook('onRequest', (request, reply, done) => {
    const config = request.routeOptions.config
    const plan = config.rateLimitPlan === undefined ? unmatchedPlan(request) : config.rateLimitPlan
    if (!plan) {
      done()
      return
    }
    const anonymous = !request.user
    const applied: Applied[] = []
    if (plan.own) applied.push(plan.own)
    if (plan.guarded && (!plan.own || anonymous)) applied.push(global)
    if (plan.auth && (anonymous || config.public === true)) applied.push(plan.auth)
    if (applied.length === 0) {
      done()
      return
    }
    const incrNow = counters.incrNow?.bind(counters)
    if (incrNow) {
      const counts = applied.map((a) => incrNow(a.prefix + a.limit.key(request), a.limit.rate.windowMs))
      answer(reply, done, applied, counts)
      return
    }
    const pending = applied.map((a) => counters.incr(a.prefix + a.limit.key(request), a.limit.rate.windowMs))
    Promise.all(pending).then((counts) => answer(reply, done, applied, counts), done)
  })
}

export default fp(rateLimitPlugin, { name: 'rate-limit', dependencies: ['auth', 'zones'] })
