// wrk (Debian package) as the load tool of the high-rate GET throughput scenarios: one thread
// (`-t1`) in its own process takes less of a 2-core machine than autocannon in the bench process.
// Per-request headers (rotating session cookies) come from `spec.rotateHeaders`, pre-built into
// request strings by bench/lib/wrk-rotate.lua; figures come from the JSON its done() prints.
//
// What wrk can tell (and what it cannot): it counts completed responses, and responses with a
// status > 399 as one number (summary.errors.status), without the codes; it does not separate
// 2xx from 3xx nor 4xx from 5xx. So s2xx = requests − status errors (status < 400), s4xx/s5xx are
// NaN, and the status errors appear in `statuses['4xx/5xx']` (statusNote shows them in the row).
// errors = connect + read + write errors; timeouts are wrk's request timeouts. Latency
// percentiles are wrk's (its histogram has microsecond resolution), not computed per response.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { assertLoopback, type LoadResult, type LoadSpec, runLoad } from './load.js'
import { cpuMeter } from './procs.js'

const SCRIPT = fileURLToPath(new URL('./wrk-rotate.lua', import.meta.url))

let available: boolean | undefined
/** Whether `wrk` is on PATH (checked once; `wrk --version` exits 1 but runs). */
export function wrkAvailable(): boolean {
  if (available === undefined) {
    const r = spawnSync('wrk', ['--version'], { encoding: 'utf8' })
    available = !r.error && /\bwrk\b/.test(`${r.stdout}${r.stderr}`)
  }
  return available
}

export type LoadPreference = 'auto' | 'wrk' | 'autocannon'

/** The tool the throughput scenarios use: wrk when installed (or asked for), else autocannon. */
export function throughputTool(pref: LoadPreference = 'auto'): LoadResult['tool'] {
  if (pref === 'autocannon') return 'autocannon'
  if (wrkAvailable()) return 'wrk -t1'
  if (pref === 'wrk') throw new Error('--load=wrk: wrk is not on PATH (apt-get install wrk)')
  return 'autocannon'
}

/** A high-rate GET run: wrk when available (see throughputTool), autocannon otherwise. */
export function runThroughput(spec: LoadSpec, pref: LoadPreference = 'auto'): Promise<LoadResult> {
  return throughputTool(pref) === 'wrk -t1' ? runWrk(spec) : runLoad(spec)
}

/** A Lua string literal: printable ASCII as is, every other byte as a \ddd escape. */
function luaString(s: string): string {
  let out = '"'
  for (const byte of Buffer.from(s, 'utf8')) {
    if (byte >= 0x20 && byte <= 0x7e && byte !== 0x22 && byte !== 0x5c) out += String.fromCharCode(byte)
    else out += `\\${String(byte).padStart(3, '0')}`
  }
  return `${out}"`
}

interface Variant {
  path?: string
  headers: Record<string, string>
}

function requestsFile(variants: Variant[]): string {
  const tables = variants.map(({ path, headers }) => {
    const fields = Object.entries(headers).map(([k, v]) => {
      if (/[\r\n]/.test(k + v)) throw new Error(`header ${k}: CR/LF not allowed`)
      return `[${luaString(k)}]=${luaString(v)}`
    })
    if (path !== undefined && !/^\/[\x21-\x7e]*$/.test(path))
      throw new Error(`path ${path}: not a request target`)
    return `{${path === undefined ? '' : `path=${luaString(path)},`}headers={${fields.join(',')}}}`
  })
  return `return {\n${tables.join(',\n')}\n}\n`
}

interface WrkJson {
  durationUs: number
  requests: number
  connect: number
  read: number
  write: number
  status: number
  timeout: number
  p50Us: number
  p95Us: number
  p99Us: number
  maxUs: number
}

export async function runWrk(spec: LoadSpec): Promise<LoadResult> {
  assertLoopback(spec.url)
  if ((spec.method ?? 'GET') !== 'GET' || spec.body !== undefined)
    throw new Error('runWrk: GET without body only')
  if (spec.amount) throw new Error('runWrk: duration only (no request count)')
  if (spec.next) throw new Error('runWrk: cannot call next() per request; pass rotateHeaders')
  const base = spec.headers ?? {}
  const variants: Variant[] = spec.rotate?.length
    ? spec.rotate.map((v) => ({
        ...(v.path === undefined ? {} : { path: v.path }),
        headers: { ...base, ...(v.headers ?? {}) },
      }))
    : spec.rotateHeaders?.length
      ? spec.rotateHeaders.map((h) => ({ headers: { ...base, ...h } }))
      : [{ headers: { ...base } }]
  const dir = mkdtempSync(join(tmpdir(), 'bench-wrk-'))
  try {
    const dataPath = join(dir, 'requests.lua')
    writeFileSync(dataPath, requestsFile(variants))
    const args = [
      '-t1',
      `-c${spec.connections}`,
      `-d${Math.max(1, Math.round(spec.durationS ?? 10))}s`,
      '--timeout',
      `${spec.timeoutS ?? 10}s`,
      '-s',
      SCRIPT,
      spec.url,
      '--',
      dataPath,
    ]
    const cpu = cpuMeter(spec.serverPid, spec.localPostgres)
    const out = await new Promise<string>((resolve, reject) => {
      const proc = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] })
      let stdout = ''
      let stderr = ''
      proc.stdout.setEncoding('utf8').on('data', (d: string) => {
        stdout += d
      })
      proc.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d
      })
      // wrk stops on SIGINT and still prints its summary (and runs done()).
      void spec.stop?.then(() => proc.kill('SIGINT'))
      proc.on('error', reject)
      proc.on('close', (code) => {
        if (code === 0) resolve(stdout)
        else reject(new Error(`wrk exited with ${code}: ${(stderr || stdout).trim().slice(-500)}`))
      })
    })
    const line = out.split('\n').find((l) => l.startsWith('WRK_JSON '))
    if (!line) throw new Error(`wrk printed no summary: ${out.trim().slice(-500)}`)
    const w = JSON.parse(line.slice('WRK_JSON '.length)) as WrkJson
    const durationS = w.durationUs / 1e6
    const ms = (us: number) => (w.requests > 0 ? us / 1000 : Number.NaN)
    const s2xx = w.requests - w.status
    const perReq = cpu(w.requests)
    return {
      tool: 'wrk -t1',
      requests: w.requests,
      rps: w.requests / durationS,
      p50: ms(w.p50Us),
      p95: ms(w.p95Us),
      p99: ms(w.p99Us),
      max: ms(w.maxUs),
      s2xx,
      s4xx: Number.NaN,
      s5xx: Number.NaN,
      errors: w.connect + w.read + w.write,
      timeouts: w.timeout,
      durationS,
      statuses: w.status ? { '2xx/3xx': s2xx, '4xx/5xx': w.status } : { '2xx/3xx': s2xx },
      cpuMsPerReq: perReq.server,
      dbCpuMsPerReq: perReq.postgres,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
