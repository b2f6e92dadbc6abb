// Resident memory of the server process (VmRSS from /proc), after warm-up and a quiet pause.
import type { Bench } from '../lib/bench.js'

export const IDLE_MS = 5_000

export async function idleRss(b: Bench, label: string, target: boolean): Promise<number> {
  await new Promise((r) => setTimeout(r, IDLE_MS))
  const rss = b.app.rssMiB()
  b.rows.push({
    scenario: `server RSS, idle ${IDLE_MS / 1000} s ${label}`,
    value: `${rss.toFixed(0)} MiB`,
    target: target ? '≤ 200 MiB' : 'info',
    pass: target ? rss <= 200 : null,
  })
  return rss
}
