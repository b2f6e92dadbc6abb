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
  /** Takes one back (never below 0) without moving the window; a missing key stays missing. */
  decr(key: string): Promise<void>
  get(key: string): Promise<Count>
  reset(key: string): Promise<void>
  close(): Promise<void>
}

/**
 * Keys under this prefix (the sign-in lockout counters) are never evicted to make room: a flood
 * of new client addresses must not reset a victim's lockout. They leave only when their window ends.
 */
export const KEPT_PREFIX = 'lockout:'

/** The in-process store holds as many kept counters as it may: refuse rather than forget one. */
export class CounterStoreFullError extends Error {
  constructor() {
    super('Too many sign-in counters are live; try again shortly')
    this.name = 'CounterStoreFullError'
  }
}

interface Entry {
  key: string
  count: number
  resetAt: number
  /** The expiry bucket (whole second) that lists this entry. */
  bucket: number
  /** Evictable entries only: neighbours in insertion order (a Map's first key is not O(1) to find
   * after many deletions: V8 skips the deleted slots one by one). */
  older: Entry | null
  newer: Entry | null
}

export interface MemoryStoreOptions {
  /** Counters that may be evicted (oldest first) when this many are live: rate-limit keys. */
  maxEntries?: number
  /**
   * Kept (lockout) counters, ~220 bytes each; beyond this a new one is refused with
   * CounterStoreFullError (sign-in answers 503) while every existing one keeps counting.
   */
  maxKept?: number
  /** How often the timer drops expired counters (0: no timer, call sweep() yourself). */
  sweepIntervalMs?: number
}

/**
 * Fixed windows in process memory. Every operation is O(1): expired counters are found through
 * per-second expiry buckets by a timed sweep (and ignored on read until then), never by scanning
 * the counters; a full store evicts its oldest evictable counter (Map order), never a kept one.
 */
export class MemoryCounterStore implements CounterStore {
  private readonly evictable = new Map<string, Entry>()
  private readonly kept = new Map<string, Entry>()
  private readonly buckets = new Map<number, Set<Entry>>()
  /** Oldest and newest evictable entries, linked through older/newer. */
  private oldest: Entry | null = null
  private newest: Entry | null = null
  private readonly maxEntries: number
  private readonly maxKept: number
  private readonly timer: NodeJS.Timeout | null

  constructor(
    private readonly clock: Clock,
    maxEntriesOrOptions: number | MemoryStoreOptions = {},
  ) {
    const opts =
      typeof maxEntriesOrOptions === 'number' ? { maxEntries: maxEntriesOrOptions } : maxEntriesOrOptions
    this.maxEntries = opts.maxEntries ?? 100_000
    this.maxKept = opts.maxKept ?? 500_000
    const interval = opts.sweepIntervalMs ?? 1000
    this.timer = interval > 0 ? setInterval(() => this.sweep(), interval) : null
    this.timer?.unref()
  }

  private mapOf(key: string): Map<string, Entry> {
    return key.startsWith(KEPT_PREFIX) ? this.kept : this.evictable
  }

  private live(key: string, now: number): Entry | undefined {
    const e = this.mapOf(key).get(key)
    if (e && e.resetAt <= now) {
      this.remove(e)
      return undefined
    }
    return e
  }

  private remove(e: Entry) {
    const map = this.mapOf(e.key)
    if (map.get(e.key) !== e) return
    map.delete(e.key)
    if (map === this.evictable) this.unlink(e)
    const bucket = this.buckets.get(e.bucket)
    bucket?.delete(e)
    if (bucket?.size === 0) this.buckets.delete(e.bucket)
  }

  private unlink(e: Entry) {
    if (e.older) e.older.newer = e.newer
    else this.oldest = e.newer
    if (e.newer) e.newer.older = e.older
    else this.newest = e.older
    e.older = null
    e.newer = null
  }

  private create(key: string, windowMs: number, now: number): Entry {
    const map = this.mapOf(key)
    if (map === this.kept) {
      if (map.size >= this.maxKept) throw new CounterStoreFullError()
    } else if (map.size >= this.maxEntries && this.oldest) {
      this.remove(this.oldest)
    }
    const resetAt = now + windowMs
    const e: Entry = { key, count: 0, resetAt, bucket: Math.ceil(resetAt / 1000), older: null, newer: null }
    map.set(key, e)
    if (map === this.evictable) {
      e.older = this.newest
      if (this.newest) this.newest.newer = e
      else this.oldest = e
      this.newest = e
    }
    let bucket = this.buckets.get(e.bucket)
    if (!bucket) {
      bucket = new Set()
      this.buckets.set(e.bucket, bucket)
    }
    bucket.add(e)
    return e
  }

  /**
   * Drops expired counters, at most `budget` per call so that one tick never blocks the event loop
   * for long (~3 µs each); the work is proportional to the expired counters and the buckets.
   */
  sweep(budget = 10_000): number {
    const now = this.clock.now()
    let dropped = 0
    for (const [second, bucket] of this.buckets) {
      if (second * 1000 > now) continue
      for (const e of bucket) {
        if (dropped >= budget) return dropped
        if (e.resetAt > now) continue
        this.remove(e)
        dropped++
      }
    }
    return dropped
  }

  /** Live counters (for tests and diagnostics). */
  size(): { evictable: number; kept: number } {
    return { evictable: this.evictable.size, kept: this.kept.size }
  }

  incrNow(key: string, windowMs: number): Count {
    const now = this.clock.now()
    const e = this.live(key, now) ?? this.create(key, windowMs, now)
    e.count += 1
    return { count: e.count, ttlMs: e.resetAt - now }
  }

  async incr(key: string, windowMs: number): Promise<Count> {
    return this.incrNow(key, windowMs)
  }

  async decr(key: string): Promise<void> {
    const e = this.live(key, this.clock.now())
    if (e && e.count > 0) e.count -= 1
  }

  async get(key: string): Promise<Count> {
    const now = this.clock.now()
    const e = this.live(key, now)
    return e ? { count: e.count, ttlMs: e.resetAt - now } : { count: 0, ttlMs: 0 }
  }

  async reset(key: string): Promise<void> {
    const e = this.mapOf(key).get(key)
    if (e) this.remove(e)
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.evictable.clear()
    this.kept.clear()
    this.buckets.clear()
    this.oldest = null
    this.newest = null
  }
}

// Both scripts name their key in KEYS (cluster- and EVALSHA-safe); ioredis' defineCommand sends
// them by SHA and falls back to EVAL once per connection.
const INCR_LUA = `local c = redis.call('INCR', KEYS[1])
if c == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local t = redis.call('PTTL', KEYS[1])
if t < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); t = tonumber(ARGV[1]) end
return {c, t}`

// DECR keeps the key's TTL; a missing (expired) key is not re-created without one.
const DECR_LUA = `local c = tonumber(redis.call('GET', KEYS[1]) or '0')
if c > 0 then return redis.call('DECR', KEYS[1]) end
return 0`

interface CounterCommands {
  ragCounterIncr(key: string, windowMs: string): Promise<[number, number]>
  ragCounterDecr(key: string): Promise<number>
}

export class RedisCounterStore implements CounterStore {
  private readonly commands: CounterCommands

  constructor(
    readonly redis: Redis,
    private readonly prefix = 'rag-auth:',
  ) {
    redis.defineCommand('ragCounterIncr', { numberOfKeys: 1, lua: INCR_LUA })
    redis.defineCommand('ragCounterDecr', { numberOfKeys: 1, lua: DECR_LUA })
    this.commands = redis as unknown as CounterCommands
  }

  async incr(key: string, windowMs: number): Promise<Count> {
    const [count, ttlMs] = await this.commands.ragCounterIncr(this.prefix + key, String(windowMs))
    return { count, ttlMs }
  }

  async decr(key: string): Promise<void> {
    await this.commands.ragCounterDecr(this.prefix + key)
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
  decr(key: string) {
    return this.run((s) => s.decr(key))
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
