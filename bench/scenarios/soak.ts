// Soak: bounded mixed traffic (≤ 2 minutes, loopback) — sign-ins, me, search, chat at once —
// with zero 5xx allowed and the server's RSS sampled every 5 s; "flat" means the last quarter's
// mean is within max(10 MiB, 5 %) of the second quarter's (the first quarter is warm-up).

import { syntheticQuestions } from '../corpus.js'
import { type Bench, base, cookieOf } from '../lib/bench.js'
import { type LoadResult, roundRobin, runLoad } from '../lib/load.js'
import { loadRow, statusNote } from '../lib/report.js'

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)

export async function soak(b: Bench): Promise<void> {
  const seconds = b.opts.soakSeconds
  const app = base(b.app)
  const cookie = roundRobin(b.users.map(cookieOf))
  const q = roundRobin(syntheticQuestions(500, b.corpus.nextDoc, 11))
  const user = roundRobin(b.users)
  const samples: number[] = []
  const sampler = setInterval(() => samples.push(b.app.rssMiB()), 5_000)
  samples.push(b.app.rssMiB())
  let runs: LoadResult[]
  try {
    runs = await Promise.all([
      runLoad({
        url: `${app}/api/auth/me`,
        connections: 16,
        durationS: seconds,
        next: () => ({ headers: { cookie: cookie() } }),
      }),
      runLoad({
        url: `${app}/api/search`,
        connections: 4,
        durationS: seconds,
        next: () => ({ path: `/api/search?q=${encodeURIComponent(q())}`, headers: { cookie: cookie() } }),
      }),
      runLoad({
        url: `${app}/api/chat/message`,
        method: 'POST',
        connections: 4,
        durationS: seconds,
        next: () => ({
          headers: { cookie: cookie(), 'content-type': 'application/json' },
          body: JSON.stringify({ message: q() }),
        }),
      }),
      runLoad({
        url: `${app}/api/auth/sign-in`,
        method: 'POST',
        connections: 2,
        durationS: seconds,
        next: () => {
          const u = user()
          return { body: JSON.stringify({ email: u.email, password: u.password }) }
        },
      }),
    ])
  } finally {
    clearInterval(sampler)
  }
  samples.push(b.app.rssMiB())
  const names = ['me', 'search', 'chat', 'sign-in']
  runs.forEach((r, i) => {
    b.rows.push(
      loadRow(`soak ${names[i]} (${seconds} s)`, r, {
        target: 'zero 5xx',
        pass: r.s5xx === 0 && r.errors === 0,
        note: statusNote(r),
      }),
    )
  })
  const q4 = Math.max(1, Math.floor(samples.length / 4))
  const second = mean(samples.slice(q4, 2 * q4))
  const last = mean(samples.slice(-q4))
  const growth = last - second
  b.rows.push({
    scenario: 'soak memory curve (RSS every 5 s)',
    value: `${samples.map((s) => s.toFixed(0)).join(' → ')} MiB`,
    target: 'flat: last quarter ≤ second + max(10 MiB, 5 %)',
    pass: growth <= Math.max(10, 0.05 * second),
    note: `growth ${growth.toFixed(1)} MiB`,
  })
}
