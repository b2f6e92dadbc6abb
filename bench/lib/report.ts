// Result rows and the table: absolute figures, the ratio against this run's baseline, and the
// verdict against the target.
import type { LoadResult } from './load.js'

export interface Row {
  scenario: string
  rps?: number
  p50?: number
  p95?: number
  p99?: number
  /** A figure that is not a load run (chunks/s, MiB, ms of event-loop delay). */
  value?: string
  ratio?: string
  target: string
  pass: boolean | null
  note?: string
}

const f0 = (n: number | undefined) =>
  n === undefined || Number.isNaN(n) ? '' : n >= 100 ? n.toFixed(0) : n.toFixed(1)

export function loadRow(scenario: string, r: LoadResult, extra: Partial<Row> = {}): Row {
  return { scenario, rps: r.rps, p50: r.p50, p95: r.p95, p99: r.p99, target: '', pass: null, ...extra }
}

export function statusNote(r: LoadResult): string {
  const bad = Object.entries(r.statuses).filter(([s]) => !s.startsWith('2'))
  const parts = Number.isNaN(r.cpuMsPerReq) ? [] : [`server CPU ${r.cpuMsPerReq.toFixed(2)} ms/req`]
  if (!Number.isNaN(r.dbCpuMsPerReq)) parts.push(`Postgres CPU ${r.dbCpuMsPerReq.toFixed(2)} ms/req`)
  parts.push(...bad.map(([s, n]) => `${n}×${s}`))
  if (r.errors) parts.push(`${r.errors} errors`)
  if (r.timeouts) parts.push(`${r.timeouts} timeouts`)
  return parts.join(', ')
}

export function renderTable(rows: Row[]): string {
  const head = [
    'scenario',
    'req/s',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'figure',
    'ratio',
    'target',
    'verdict',
    'note',
  ]
  const lines = [
    `| ${head.join(' | ')} |`,
    `| ${head.map((h) => '-'.repeat(Math.max(3, h.length))).join(' | ')} |`,
  ]
  for (const r of rows) {
    const verdict = r.pass === null ? 'info' : r.pass ? 'PASS' : 'FAIL'
    const cells = [
      r.scenario,
      f0(r.rps),
      f0(r.p50),
      f0(r.p95),
      f0(r.p99),
      r.value ?? '',
      r.ratio ?? '',
      r.target,
      verdict,
      r.note ?? '',
    ]
    lines.push(`| ${cells.map((c) => c.replace(/\|/g, '/')).join(' | ')} |`)
  }
  return lines.join('\n')
}

export const fmtRatio = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : 'n/a')
