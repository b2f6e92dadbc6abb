// Resident memory of the server process (VmRSS from /proc), after warm-up and when idle.
import type { Bench } from '../lib/bench.js'

export const IDLE_MS = 5_000
/**
 * How long the server sits without requests before its idle RSS is read. V8 keeps the heap a
 * load grew for a while and shrinks it once the allocation rate stays low: after the quick
 * scenarios, 227 MiB for 40 s, 151 at 50 s, 133 from 100 s on (bench/RESULTS.md).
 */
export const SETTLE_MS = 60_000

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function rssRow(b: Bench, label: string, target: boolean): number {
  const rss = b.app.rssMiB()
  b.rows.push({
    scenario: `server RSS, ${label}`,
    value: `${rss.toFixed(0)} MiB`,
    target: target ? '≤ 200 MiB' : 'info',
    pass: target ? rss <= 200 : null,
  })
  return rss
}

export async function idleRss(b: Bench, label: string, target: boolean): Promise<number> {
  await sleep(IDLE_MS)
  return rssRow(b, `idle ${IDLE_MS / 1000} s ${label}`, target)
}

/**
 * After the last load on the product: its RSS 5 s later (info: the heap the load left), then
 * `meanwhile` (scenarios on other servers), then its RSS once it has been idle SETTLE_MS (the
 * target: an idle server).
 */
export async function settledRss(b: Bench, meanwhile: () => Promise<void>): Promise<number> {
  const since = Date.now()
  await idleRss(b, 'after all scenarios', false)
  await meanwhile()
  await sleep(Math.max(0, since + SETTLE_MS - Date.now()))
  return rssRow(b, `idle ${Math.round((Date.now() - since) / 1000)} s after all scenarios`, true)
}
