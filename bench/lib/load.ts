// autocannon, in the bench process (the servers run in their own processes), with exact
// latency percentiles computed from every response (autocannon's own summary has no p95).
// The high-rate GET throughput scenarios use wrk instead when it is installed (bench/lib/wrk.ts):
// autocannon takes most of a core at ~30k req/s on a 2-core machine. Ratios are only ever
// computed between runs of the same tool.
import autocannon from 'autocannon'
import { cpuMeter } from './procs.js'

export interface LoadSpec {
  url: string
  connections: number
  /** Seconds; or `amount` requests in total. */
  durationS?: number
  amount?: number
  method?: 'GET' | 'POST'
  headers?: Record<string, string>
  body?: string
  /** Called for every request: returns what varies (path, headers, body). */
  next?: () => { path?: string; headers?: Record<string, string>; body?: string }
  /**
   * Headers that vary per request, cycled round-robin (e.g. one session cookie per user). The
   * whole list up front, so that wrk can pre-build the requests (it cannot call back into Node);
   * runLoad uses it when `next` is not given.
   */
  rotateHeaders?: Record<string, string>[]
  /**
   * Request variants cycled in order, each a path (with its query) and/or headers: what `next()`
   * does, but known up front, so that wrk can replay it (runLoad cycles it when `next` is absent).
   */
  rotate?: { path?: string; headers?: Record<string, string> }[]
  timeoutS?: number
  /** Ends the run early when this settles (e.g. background traffic during a burst). */
  stop?: Promise<unknown>
  /** The server's pid: its CPU time per request is reported (robust to a noisy machine). */
  serverPid?: number
  /** With serverPid: the server uses the local Postgres (default), whose CPU per request is reported too. */
  localPostgres?: boolean
}

export interface LoadResult {
  /** What drove the load: ratios are only meaningful between results of the same tool. */
  tool: 'autocannon' | 'wrk -t1'
  requests: number
  rps: number
  p50: number
  p95: number
  p99: number
  max: number
  /** wrk: responses with status < 400 (it cannot tell 2xx from 3xx). */
  s2xx: number
  /** NaN from wrk: it only counts `status > 399` as one number (statuses['4xx/5xx']). */
  s4xx: number
  s5xx: number
  errors: number
  timeouts: number
  durationS: number
  statuses: Record<string, number>
  /** Server CPU (user + system) per response, ms; NaN without serverPid. */
  cpuMsPerReq: number
  /** CPU of the local Postgres processes per response, ms; NaN when the server does not use it. */
  dbCpuMsPerReq: number
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[i] as number
}

export function assertLoopback(url: string): URL {
  const u = new URL(url)
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)) throw new Error('loopback targets only')
  return u
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  assertLoopback(spec.url)
  const latencies: number[] = []
  const statuses: Record<string, number> = {}
  const baseHeaders = { ...(spec.headers ?? {}) }
  if (spec.body !== undefined) baseHeaders['content-type'] ??= 'application/json'
  const variants = spec.rotate?.length ? spec.rotate : spec.rotateHeaders?.map((headers) => ({ headers }))
  const next: LoadSpec['next'] = spec.next ?? (variants?.length ? roundRobin(variants) : undefined)
  const requests = next
    ? [
        {
          method: spec.method ?? 'GET',
          setupRequest: (req: Record<string, unknown>) => {
            const n = next()
            const headers = { ...baseHeaders, ...(n.headers ?? {}) }
            if (n.body !== undefined) headers['content-type'] ??= 'application/json'
            return {
              ...req,
              ...(n.path ? { path: n.path } : {}),
              headers,
              ...(n.body !== undefined ? { body: n.body } : {}),
            }
          },
        },
      ]
    : undefined
  const cpu = cpuMeter(spec.serverPid, spec.localPostgres)
  const started = process.hrtime.bigint()
  const instance = autocannon({
    url: spec.url,
    connections: spec.connections,
    pipelining: 1,
    ...(spec.amount ? { amount: spec.amount } : { duration: spec.durationS ?? 10 }),
    method: spec.method ?? 'GET',
    headers: baseHeaders,
    ...(spec.body !== undefined ? { body: spec.body } : {}),
    ...(requests ? { requests } : {}),
    timeout: spec.timeoutS ?? 10,
  } as autocannon.Options)
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, ms: number) => {
    latencies.push(ms)
    const k = String(statusCode)
    statuses[k] = (statuses[k] ?? 0) + 1
  })
  void spec.stop?.then(() => instance.stop())
  const r = await instance
  const durationS = Number(process.hrtime.bigint() - started) / 1e9
  const perReq = cpu(latencies.length)
  const sorted = Float64Array.from(latencies).sort()
  return {
    tool: 'autocannon',
    requests: latencies.length,
    rps: latencies.length / durationS,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length ? (sorted[sorted.length - 1] as number) : Number.NaN,
    s2xx: r['2xx'],
    s4xx: r['4xx'],
    s5xx: r['5xx'],
    errors: r.errors,
    timeouts: r.timeouts,
    durationS,
    statuses,
    cpuMsPerReq: perReq.server,
    dbCpuMsPerReq: perReq.postgres,
  }
}

/** A tiny round-robin helper for rotating cookies, questions, users. */
export function roundRobin<T>(items: T[]): () => T {
  let i = 0
  return () => items[i++ % items.length] as T
}
