// A private redis-server process (no persistence) on a free port, which a fault test may kill
// and start again on the same port, without touching the machine's Redis on 6379.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, IN_CI, sleep } from './processes.js'

/** For node:test `skip`: why no private Redis can run here, or false. Under CI it throws. */
export function redisServerSkipReason(): string | false {
  const ok = spawnSync('redis-server', ['--version']).status === 0
  if (ok) return false
  if (IN_CI) throw new Error('CI=true but redis-server is not installed')
  return 'redis-server not installed'
}

/** Sends one inline command and returns the first reply line (or throws). */
export function redisCommand(port: number, command: string, timeoutMs = 1000): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1')
    let buf = ''
    const timer = setTimeout(() => {
      sock.destroy()
      reject(new Error('redis timeout'))
    }, timeoutMs)
    sock.on('connect', () => sock.write(`${command}\r\n`))
    sock.on('data', (d) => {
      buf += d
      if (buf.includes('\r\n')) {
        clearTimeout(timer)
        sock.end()
        resolve(buf)
      }
    })
    sock.on('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
  })
}

export class RedisServer {
  private child: ChildProcess | null = null
  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(): Promise<RedisServer> {
    const r = new RedisServer(await freePort(), mkdtempSync(join(tmpdir(), 'rag-auth-redis-')))
    await r.start()
    process.once('exit', () => r.child?.kill('SIGKILL'))
    return r
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`
  }

  async start(): Promise<void> {
    if (this.child) return
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        this.dir,
      ],
      { stdio: 'ignore' },
    )
    this.child = child
    child.once('exit', () => {
      if (this.child === child) this.child = null
    })
    for (let i = 0; i < 100; i++) {
      try {
        if ((await redisCommand(this.port, 'PING')).startsWith('+PONG')) return
      } catch {}
      await sleep(50)
    }
    throw new Error(`redis-server on ${this.port} did not answer PING`)
  }

  /** SIGKILL: the server vanishes without closing its clients' connections cleanly. */
  async kill(): Promise<void> {
    const child = this.child
    if (!child) return
    const exited = new Promise((r) => child.once('exit', r))
    child.kill('SIGKILL')
    await exited
    this.child = null
  }

  /** The integer value of a key (0 when absent). */
  async get(key: string): Promise<number> {
    const reply = await redisCommand(this.port, `GET ${key}`)
    const m = /^\$-?\d+\r\n(\d+)/.exec(reply)
    return m ? Number(m[1]) : 0
  }

  async destroy(): Promise<void> {
    await this.kill()
    rmSync(this.dir, { recursive: true, force: true })
  }
}
