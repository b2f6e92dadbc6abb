// Rows for ingestion and the one-line history entry of a recorded run.
import type { Bench } from './lib/bench.js'
import type { Row } from './lib/report.js'

export function ingestRows(b: Bench): Row[] {
  return b.ingest.map(({ label, progress: p }) => {
    const productPath = label.startsWith('ingestDocument')
    return {
      scenario: `ingestion: ${label} (${p.chunks} chunks, ${p.docs} docs)`,
      value: `${p.chunksPerSecond.toFixed(0)} chunks/s (${p.seconds.toFixed(1)} s)`,
      target: productPath ? '≥ 200 chunks/s' : 'info',
      pass: productPath ? p.chunksPerSecond >= 200 : null,
    }
  })
}

const find = (b: Bench, prefix: string) => b.rows.find((r) => r.scenario.startsWith(prefix))
const num = (x: number | undefined) => (x === undefined ? '–' : x >= 100 ? x.toFixed(0) : x.toFixed(1))

export function historyLine(b: Bench, load: string, passed: number, failed: number): string {
  const hello = find(b, 'bare Fastify')
  const me = find(b, 'GET /api/auth/me')
  const health = find(b, 'GET /health')
  const eld = find(b, 'event-loop delay')
  const searches = b.rows.filter((r) => r.scenario.startsWith('GET /api/search,'))
  const search = searches.at(-1)
  const chat = find(b, 'POST /api/chat')
  const ingest = find(b, 'ingestion: ingestDocument')
  const rss = b.rows.filter((r) => r.scenario.startsWith('server RSS')).at(-1)
  // The target ratio a throughput row leads its ratio cell with (a median of per-round ratios).
  const ratioOf = (row: Row | undefined) => {
    const lead = Number.parseFloat(row?.ratio ?? '')
    return Number.isFinite(lead) ? lead.toFixed(2) : '–'
  }
  const cells = [
    new Date().toISOString().slice(0, 16).replace('T', ' '),
    // Throughput ratios are only comparable within one load tool.
    hello ? `${b.opts.mode}, ${hello.note?.startsWith('wrk') ? 'wrk' : 'autocannon'}` : b.opts.mode,
    load,
    num(hello?.rps),
    ratioOf(me),
    num(me?.p99),
    ratioOf(health),
    eld?.value?.match(/p99 ([\d.]+)/)?.[1] ?? '–',
    search ? `${num(search.p95)} (${search.scenario.match(/(\d+) chunks/)?.[1] ?? '?'})` : '–',
    num(chat?.p95),
    ingest?.value?.split(' ')[0] ?? '–',
    rss?.value?.split(' ')[0] ?? '–',
    `${passed}/${failed}`,
  ]
  return `| ${cells.join(' | ')} |`
}
