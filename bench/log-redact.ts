// CPU per minimal request (20k injected GETs, no I/O: lines go to a stream that drops them) with
// the server's logger options, with and without pino's `redact`, in interleaved rounds.
// Each measurement runs in its own process. Usage: node --import tsx bench/log-redact.ts [rounds]
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import Fastify from 'fastify'
import { testConfig } from '../backend/src/config.js'
import { AccessLog, genReqId, loggerOptions } from '../backend/src/http/logging.js'
import { SECRET_KEYS } from '../backend/src/http/redact-error.js'

const N = 20_000
const ROUNDS = Number(process.argv[2] ?? 5)

// The smallest list: the request's secret headers (Node lower-cases incoming names; our `req`
// serializer emits none of them, so they only guard against a serializer that would) and the
// fixed places where test/unit/logging.test.ts logs a secret. No path starts with a wildcard.
const SMALL = [
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
  'password',
  'token',
  'body.password',
  'headers.cookie',
]
// The coverage of our walker as redact paths: every secret key in its spellings, at three
// levels (most paths start with a wildcard, so they also run over every child's bindings).
const spellings = (k: string) => [
  ...new Set([
    k,
    k.toUpperCase(),
    k.charAt(0).toUpperCase() + k.slice(1),
    k.replace(/_(.)/g, (_m, c: string) => c.toUpperCase()),
  ]),
]
const seg = (k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : `["${k}"]`)
const WIDE = [...SECRET_KEYS].flatMap((k) =>
  spellings(k).flatMap((s) => ['', '*.', '*.*.'].map((prefix) => `${prefix}${seg(s)}`.replace('.[', '['))),
)

type Variant = 'walker' | 'walker+redact' | 'redact only' | 'walker+wide redact'

function options(variant: Variant) {
  const base = loggerOptions(testConfig({ LOG_LEVEL: 'info' }), false) as Record<string, unknown>
  const sink = { write: (_line: string) => {} }
  const opts: Record<string, unknown> = { ...base, stream: sink }
  if (variant === 'walker+redact' || variant === 'redact only')
    opts.redact = { paths: SMALL, censor: '[REDACTED]' }
  if (variant === 'walker+wide redact') opts.redact = { paths: WIDE, censor: '[REDACTED]' }
  if (variant === 'redact only') opts.formatters = {}
  return opts
}

async function round(variant: Variant): Promise<{ us: number; childUs: number }> {
  const app = Fastify({
    logger: options(variant),
    logController: new AccessLog(),
    genReqId,
    requestIdHeader: false,
  })
  app.get('/x', async () => ({ ok: true }))
  await app.ready()
  for (let i = 0; i < 2000; i++) await app.inject({ url: '/x' })
  const t0 = process.cpuUsage()
  for (let i = 0; i < N; i++) await app.inject({ url: '/x', headers: { cookie: 'session_token=abc' } })
  const d = process.cpuUsage(t0)
  // child() alone, as Fastify calls it for every request.
  const c0 = process.cpuUsage()
  for (let i = 0; i < N; i++) app.log.child({ reqId: `r-${i}` }, {})
  const c = process.cpuUsage(c0)
  await app.close()
  return { us: (d.user + d.system) / N, childUs: (c.user + c.system) / N }
}

const variants: Variant[] = ['walker', 'walker+redact', 'redact only', 'walker+wide redact']
const only = process.argv.find((a) => a.startsWith('--variant='))?.slice('--variant='.length)
if (only) {
  // One variant in a fresh process: the rounds of one process would share (and grow) one heap.
  console.log(JSON.stringify(await round(only as Variant)))
} else {
  console.log(`paths: exact ${SMALL.length}, wide ${WIDE.length}`)
  const results = new Map<Variant, { us: number[]; child: number[] }>()
  for (const v of variants) results.set(v, { us: [], child: [] })
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? variants : [...variants].reverse()
    for (const v of order) {
      const out = execFileSync(
        process.execPath,
        [...process.execArgv, fileURLToPath(import.meta.url), `--variant=${v}`],
        {
          encoding: 'utf8',
        },
      )
      const { us, childUs } = JSON.parse(out.trim().split('\n').pop() as string) as {
        us: number
        childUs: number
      }
      results.get(v)?.us.push(us)
      results.get(v)?.child.push(childUs)
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number
  for (const [v, { us, child }] of results)
    console.log(
      `${v.padEnd(20)} request µs: ${us.map((x) => x.toFixed(1)).join(', ')} (median ${median(us).toFixed(1)}); child() µs: ${child.map((x) => x.toFixed(1)).join(', ')} (median ${median(child).toFixed(2)})`,
    )
}
