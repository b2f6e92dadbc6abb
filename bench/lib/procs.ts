// Child processes under test: each server runs in its own process (its own event loop and
// core), reports `{type:'ready', port}` over IPC once listening, and answers small RPCs
// (event-loop delay, seeding results). Server logs go to a file, never to the terminal.
import { type ChildProcess, spawn } from 'node:child_process'
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const BENCH_DIR = fileURLToPath(new URL('../', import.meta.url))
export const REPO_DIR = join(BENCH_DIR, '..')

export interface Child {
  name: string
  proc: ChildProcess
  port: number
  ready: Record<string, unknown>
  logPath: string
  rpc<T = unknown>(cmd: string, args?: unknown, timeoutMs?: number): Promise<T>
  rssMiB(): number
  stop(): Promise<void>
}

interface SpawnOptions {
  name: string
  /** argv after `node`, e.g. ['--import', 'tsx', 'bench/baseline-hello.ts'] */
  args: string[]
  env: Record<string, string>
  logDir: string
  /** How long to wait for `ready` (seeding a corpus inside the child can take minutes). */
  readyTimeoutMs: number
}

export function readRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const m = /VmRSS:\s+(\d+)\s+kB/.exec(status)
  return m ? Number(m[1]) / 1024 : Number.NaN
}

export async function spawnChild(opts: SpawnOptions): Promise<Child> {
  const logPath = join(opts.logDir, `${opts.name}.log`)
  const fd = openSync(logPath, 'a')
  const proc = spawn(process.execPath, opts.args, {
    cwd: REPO_DIR,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...opts.env },
    stdio: ['ignore', fd, fd, 'ipc'],
  })
  closeSync(fd)
  let seq = 0
  const pending = new Map<number, (v: unknown) => void>()
  let onReady: ((m: Record<string, unknown>) => void) | null = null
  proc.on('message', (m: Record<string, unknown>) => {
    if (m.type === 'ready') onReady?.(m)
    else if (m.type === 'rpc' && pending.has(m.id as number)) {
      pending.get(m.id as number)?.(m.result)
      pending.delete(m.id as number)
    }
  })
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)))
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${opts.name}: not ready after ${opts.readyTimeoutMs} ms`)),
      opts.readyTimeoutMs,
    )
    onReady = (m) => {
      clearTimeout(timer)
      resolve(m)
    }
    exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`${opts.name} exited with ${code} before it was ready:\n${tail(logPath)}`))
    })
  }).catch(async (err) => {
    proc.kill('SIGKILL')
    throw err
  })
  return {
    name: opts.name,
    proc,
    port: Number(ready.port),
    ready,
    logPath,
    rpc<T>(cmd: string, args?: unknown, timeoutMs = 600_000) {
      const id = ++seq
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${opts.name}: rpc ${cmd} timed out`)), timeoutMs)
        pending.set(id, (v) => {
          clearTimeout(timer)
          resolve(v as T)
        })
        proc.send({ type: 'rpc', id, cmd, args })
      })
    },
    rssMiB: () => readRssMiB(proc.pid as number),
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return
      proc.kill('SIGTERM')
      const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000)
      await exited
      clearTimeout(timer)
    },
  }
}

export function tail(path: string, lines = 20): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')
  } catch {
    return '(no log)'
  }
}

/** `node --import tsx <script>` from the repository root. */
export const tsxArgs = (script: string) => ['--import', 'tsx', join(BENCH_DIR, script)]

/** For the children: answer RPCs from the parent. */
export function serveRpc(handlers: Record<string, (args: unknown) => unknown | Promise<unknown>>) {
  process.on('message', async (m: { type?: string; id?: number; cmd?: string; args?: unknown }) => {
    if (m?.type !== 'rpc' || typeof m.cmd !== 'string') return
    const h = handlers[m.cmd]
    let result: unknown
    try {
      result = h ? await h(m.args) : { error: `unknown rpc ${m.cmd}` }
    } catch (err) {
      result = { error: err instanceof Error ? err.message : String(err) }
    }
    process.send?.({ type: 'rpc', id: m.id, result })
  })
  // The parent going away (Ctrl-C, crash) must not leave servers behind.
  process.on('disconnect', () => process.exit(0))
}

/** User + system CPU seconds in the text of a /proc/<pid>/stat. */
function cpuSecondsOf(stat: string): number {
  // Fields after the command name (which may contain spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
export function readCpuSeconds(pid: number): number {
  return cpuSecondsOf(readFileSync(`/proc/${pid}/stat`, 'utf8'))
}

/**
 * CPU seconds used so far by the processes named `postgres` on this machine (the local server's
 * backends and helpers; the benchmark only talks to loopback Postgres). Processes that ended in
 * between are missed, so read it around one load run with a fixed pool of connections.
 */
function readPostgresCpuSeconds(): number {
  let total = 0
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    let stat: string
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
    } catch {
      continue // ended meanwhile
    }
    if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) === 'postgres') total += cpuSecondsOf(stat)
  }
  return total
}

/**
 * CPU per request over one load run: of the server process, and of the local Postgres when the
 * server uses it (NaN where not measured).
 */
export function cpuMeter(
  serverPid: number | undefined,
  localPostgres = true,
): (requests: number) => { server: number; postgres: number } {
  const pg = serverPid !== undefined && localPostgres
  const server0 = serverPid ? readCpuSeconds(serverPid) : Number.NaN
  const pg0 = pg ? readPostgresCpuSeconds() : Number.NaN
  return (requests) => {
    const n = Math.max(1, requests)
    return {
      server: serverPid ? ((readCpuSeconds(serverPid) - server0) * 1000) / n : Number.NaN,
      postgres: pg ? ((readPostgresCpuSeconds() - pg0) * 1000) / n : Number.NaN,
    }
  }
}
