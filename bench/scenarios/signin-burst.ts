// 50 concurrent sign-ins (argon2id on the libuv pool) while /health is polled: the event loop
// must stay responsive. The delay is measured inside the server (monitorEventLoopDelay, 1 ms
// resolution, raw percentiles — they include up to 1 ms of the timer's own interval).
import { type Bench, base } from '../lib/bench.js'
import { roundRobin, runLoad } from '../lib/load.js'
import { loadRow, statusNote } from '../lib/report.js'

interface Eld {
  p50: number
  p99: number
  max: number
  samples: number
  error?: string
}

export async function signinBurst(b: Bench): Promise<void> {
  const users = roundRobin(b.users.slice(0, 50))
  const next = () => {
    const u = users()
    return { body: JSON.stringify({ email: u.email, password: u.password }) }
  }
  // Warm-up: the argon2 threads and the route's code paths.
  await runLoad({ url: `${base(b.app)}/api/auth/sign-in`, method: 'POST', connections: 4, amount: 8, next })
  await b.app.rpc('eld-start')
  let done: () => void = () => {}
  const finished = new Promise<void>((r) => {
    done = r
  })
  // Background probe: 2 connections, ended when the burst ends (60 s cap).
  const healthRun = runLoad({ url: `${base(b.app)}/health`, connections: 2, durationS: 60, stop: finished })
  const signin = await runLoad({
    url: `${base(b.app)}/api/auth/sign-in`,
    method: 'POST',
    connections: 50,
    amount: b.opts.signinRequests,
    next,
    timeoutS: 30,
    serverPid: b.app.proc.pid as number,
  })
  done()
  const health = await healthRun
  const eld = await b.app.rpc<Eld>('eld-stop')
  const signinOk = signin.s2xx === signin.requests && signin.errors === 0
  b.rows.push(
    loadRow('sign-in burst: 50 concurrent POST /api/auth/sign-in', signin, {
      value: `${signin.rps.toFixed(0)} sign-ins/s`,
      target: 'all 200',
      pass: signinOk,
      note: statusNote(signin),
    }),
    {
      scenario: 'event-loop delay during the burst (in server)',
      value: eld.error ? eld.error : `p99 ${eld.p99} ms, p50 ${eld.p50}, max ${eld.max}`,
      target: 'p99 ≤ 10 ms',
      pass: eld.error ? false : eld.p99 <= 10,
    },
    loadRow('GET /health during the burst (2 conns)', health, {
      target: 'p99 ≤ 20 ms',
      pass: health.s2xx === health.requests && health.p99 <= 20,
      note: statusNote(health),
    }),
  )
}
