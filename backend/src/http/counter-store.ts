// Fixed-window counters for rate limits and the per-account sign-in lockout.
// In-process by default; Redis when REDIS_URL is set, falling back to the in-process store
// (with a warning) while Redis is down, so no request ever fails because of Redis.
import type { FastifyBaseLogger } from 'fastify'
import type { Redis } from 'ioredis'
import type { Clock } from '../lib/clock.js'

export interface Count {
  count: number
  /** Milliseconds until the window resets. */
  ttlMs: number
}

export interface CounterStore {
  incr(key: string, windowMs: number): Promise<Count>
  /** incr, answered synchronously by a store that can (the in-process one). */
  incrNow?(key: string, windowMs: number): Count
  get(key: string): Promise<Count>
  reset(key: string): Promise<void>
  close(): Promise<void>
}

export class MemoryCounterStore implements CounterStore {
  private readonly entries = new Map<string, { count: number; resetAt: number }>()
  private sweepAt = 0

  constructor(
    private readonly clock: Clock,
    private readonly maxEntries = 100_000,
  ) {}

  private live(key: string, now: number) {
    const e = this.entries.get(key)
    if (e && e.resetAt <= now) {
      this.entries.delete(key)
      return undefined
    }
    return e
  }

  private sweep(now: number) {
    if (now < this.sweepAt && this.entries.size < this.maxEntries) return
    this.sweepAt = now + 60_000
    for (const [k, e] of this.entries) if (e.resetAt <= now) this.entries.delete(k)
    // Still full: drop the oldest insertions (Map keeps insertion order).
    for (const k of this.entries.keys()) {
      if (this.entries.size < this.maxEntries) break
      this.entries.delete(k)
    }
  }

  incrNow(key: string, windowMs: number): Count {
    const now = this.clock.now()
    this.sweep(now)
    let e = this.live(key, now)
    if (!e) {
      e = { count: 0, resetAt: now + windowMs }
      this.entries.set(key, e)
    }
    e.count += 1
    return { count: e.count, ttlMs: e.resetAt - now }
  }

  async incr(key: string, windowMs: number): Promise<Count> {
    return this.incrNow(key, windowMs)
  }

  async get(key: string): Promise<Count> {
    const now = this.clock.now()
    const e = this.live(key, now)
    return e ? { count: e.count, ttlMs: e.resetAt - now } : { count: 0, ttlMs: 0 }
  }

  async reset(key: string): Promise<void> {
    this.entries.delete(key)
  }

  async close(): Promise<void> {
    this.entries.clear()
  }
}

const INCR_LUA = `local c = redis.call('INCR', KEYS[1])
if c == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local t = redis.call('PTTL', KEYS[1])
if t < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); t = tonumber(ARGV[1]) end
return {c, t}`

export class RedisCounterStore implements CounterStore {
  constructor(
    readonly redis: Redis,
    private readonly prefix = 'rag-auth:',
  ) {}

  async incr(key: string, windowMs: number): Promise<Count> {
    const [count, ttlMs] = (await this.redis.eval(INCR_LUA, 1, this.prefix + key, String(windowMs))) as [
      number,
      number,
    ]
    return { count, ttlMs }
  }

  async get(key: string): Promise<Count> {
    const [v, t] =
      (await this.redis
        .multi()
        .get(this.prefix + key)
        .pttl(this.prefix + key)
        .exec()) ?? []
    const count = Number(v?.[1] ?? 0)
    const ttl = Number(t?.[1] ?? 0)
    return count > 0 && ttl > 0 ? { count, ttlMs: ttl } : { count: 0, ttlMs: 0 }
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(this.prefix + key)
  }

  async close(): Promise<void> {
    this.redis.disconnect()
  }
}

/** Redis while it answers, the in-process store while it does not. */
export class FallbackCounterStore implements CounterStore {
  private degraded = false

  constructor(
    private readonly primary: RedisCounterStore,
    private readonly fallback: CounterStore,
    private readonly log: FastifyBaseLogger,
  ) {
    primary.redis.on('ready', () => {
      if (this.degraded)
        this.log.warn({ event: 'redis.recovered' }, 'Redis is back: rate limits shared again')
      this.degraded = false
    })
  }

  private async run<T>(op: (s: CounterStore) => Promise<T>): Promise<T> {
    if (this.primary.redis.status === 'ready') {
      try {
        return await op(this.primary)
      } catch (err) {
        this.markDown(err)
      }
    } else {
      this.markDown(null)
    }
    return op(this.fallback)
  }

  private markDown(err: unknown) {
    if (this.degraded) return
    this.degraded = true
    this.log.warn(
      { event: 'redis.unavailable', err: err instanceof Error ? err.message : undefined },
      'Redis unavailable: rate limits fall back to this instance only',
    )
  }

  incr(key: string, windowMs: number) {
    return this.run((s) => s.incr(key, windowMs))
  }
  get(key: string) {
    return this.run((s) => s.get(key))
  }
  reset(key: string) {
    return this.run((s) => s.reset(key))
  }
  async close() {
    await this.primary.close()
    await this.fallback.close()
  }
}

/** The in-process store, or Redis with it as the fallback; ioredis is loaded only for Redis. */
export async function createCounterStore(
  redisUrl: string | null,
  clock: Clock,
  log: FastifyBaseLogger,
  /** Redis key prefix; tests use their own so parallel files never share counters. */
  prefix = 'rag-auth:',
): Promise<CounterStore> {
  const memory = new MemoryCounterStore(clock)
  if (!redisUrl) return memory
  const { Redis } = await import('ioredis')
  const redis = new Redis(redisUrl, {
    // Fail fast while disconnected instead of queueing: the fallback store takes over.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 2000,
    commandTimeout: 500,
    retryStrategy: (times) => Math.min(times * 200, 2000),
    lazyConnect: false,
  })
  // ioredis emits 'error' on every failed reconnect; without a listener it would crash the process.
  redis.on('error', () => {})
  return new FallbackCounterStore(new RedisCounterStore(redis, prefix), memory, log)
}
