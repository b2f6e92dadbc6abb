// `npm run image:smoke [-- --keep] [-- --reuse DIR]`: the Docker image's life without a Docker
// engine. Reads the Dockerfile, builds its build context from the tracked files (minus
// .dockerignore), runs the build stage's RUN lines in a temporary /app, applies the runtime
// stage's ENV/RUN/USER, starts its CMD as uid 1000 (the image's `node` user) and checks what a
// Space needs: the DATA_DIR fallback line, /health with the security headers, the UI at /, the
// HEALTHCHECK command, a sign-up with the production cookie, and a clean exit on SIGTERM.
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const RUN_UID = 1000
const args = process.argv.slice(2)
const keep = args.includes('--keep')
const reuseAt = args.indexOf('--reuse')
const reuse = reuseAt >= 0 ? args[reuseAt + 1] : null

const results = []
function check(name, ok, detail = '') {
  results.push({ name, ok })
  process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''}\n`)
}
function step(msg) {
  process.stdout.write(`\n== ${msg}\n`)
}

/**
 * The subset of Dockerfile syntax this repository uses: stages with their instructions, the final
 * stage's ENV, USER, EXPOSE, HEALTHCHECK and CMD (exec form). Continuation lines are joined.
 */
export function parseDockerfile(text) {
  const lines = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/)
  const argDefaults = {}
  const stages = []
  for (const raw of lines) {
    const line = raw.trim()
    if (!line || line.startsWith('#')) continue
    const m = /^(\w+)\s+(.*)$/.exec(line)
    if (!m) continue
    const op = m[1].toUpperCase()
    const rest = m[2].trim()
    if (op === 'ARG' && stages.length === 0) {
      const [k, v = ''] = rest.split('=')
      argDefaults[k] = v
    } else if (op === 'FROM') {
      const f = /^(\S+)(?:\s+AS\s+(\S+))?/i.exec(rest)
      const from = f[1].replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a, b) => argDefaults[a ?? b] ?? '')
      stages.push({ name: f[2] ?? String(stages.length), from, instructions: [] })
    } else if (stages.length > 0) {
      stages.at(-1).instructions.push({ op, args: rest })
    }
  }
  const final = stages.at(-1)
  const env = {}
  let user = ''
  let expose = []
  let cmd = []
  let healthcheck = []
  for (const { op, args } of final?.instructions ?? []) {
    if (op === 'ENV') {
      for (const pair of args.match(/(\w+)=("[^"]*"|\S*)/g) ?? []) {
        const i = pair.indexOf('=')
        env[pair.slice(0, i)] = pair.slice(i + 1).replace(/^"(.*)"$/, '$1')
      }
    } else if (op === 'USER') user = args
    else if (op === 'EXPOSE') expose = args.split(/\s+/).map((p) => Number.parseInt(p, 10))
    else if (op === 'CMD') cmd = JSON.parse(args)
    else if (op === 'HEALTHCHECK') {
      const c = /\bCMD\s+(\[.*\])\s*$/.exec(args)
      healthcheck = c ? JSON.parse(c[1]) : []
    }
  }
  return { stages, env, user, expose, cmd, healthcheck }
}

/** .dockerignore → predicate (Docker's rules: last match wins, `!` re-includes, dirs cover their contents). */
export function dockerIgnore(text) {
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!')
      const pat = (negate ? l.slice(1) : l).replace(/^\/+/, '').replace(/\/+$/, '')
      let re = ''
      for (let i = 0; i < pat.length; i++) {
        const c = pat[i]
        if (c === '*' && pat[i + 1] === '*') {
          re += pat[i + 2] === '/' ? '(?:.*/)?' : '.*'
          i += pat[i + 2] === '/' ? 2 : 1
        } else if (c === '*') re += '[^/]*'
        else if (c === '?') re += '[^/]'
        else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&')
      }
      return { negate, re: new RegExp(`^${re}(?:/.*)?$`) }
    })
  return (path) => {
    let ignored = false
    for (const r of rules) if (r.re.test(path)) ignored = !r.negate
    return ignored
  }
}

function buildContext(dest) {
  const ignoreFile = join(ROOT, '.dockerignore')
  const ignored = existsSync(ignoreFile) ? dockerIgnore(readFileSync(ignoreFile, 'utf8')) : () => false
  // What `docker build .` sends from this work tree: tracked and untracked-but-not-gitignored files.
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\0')
    .filter(Boolean)
  let n = 0
  for (const f of files) {
    const src = join(ROOT, f)
    if (ignored(f) || !existsSync(src) || !statSync(src).isFile()) continue
    mkdirSync(dirname(join(dest, f)), { recursive: true })
    copyFileSync(src, join(dest, f))
    chmodSync(join(dest, f), statSync(src).mode & 0o777)
    n++
  }
  return n
}

function sh(cmd, cwd, env) {
  const t0 = Date.now()
  process.stdout.write(`$ ${cmd}\n`)
  const r = spawnSync('sh', ['-c', cmd], { cwd, env, stdio: 'inherit' })
  if (r.status !== 0) throw new Error(`step failed (exit ${r.status}): ${cmd}`)
  process.stdout.write(`  (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`)
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/** Maps the image's absolute /app paths and `node` user onto the temporary directory and uid. */
function localise(cmd, app, asRoot) {
  let out = cmd.replace(/(^|[\s=:'"])\/app(?=\/|\s|$)/g, `$1${app}`)
  out = out.replace(/\bnode:node\b/g, asRoot ? `${RUN_UID}:${RUN_UID}` : `${process.getuid()}`)
  return out
}

async function waitHealthy(base, child, timeoutMs) {
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`server exited early with code ${child.exitCode}`)
    try {
      const res = await fetch(`${base}/health`)
      if (res.status === 200) return res
    } catch {}
    await sleep(250)
  }
  throw new Error(`no 200 from /health within ${timeoutMs / 1000} s`)
}

async function probe(base, log, child, env, image) {
  const health = await fetch(`${base}/health`)
  const h = (k) => health.headers.get(k)
  check('/health answers 200 healthy', health.status === 200 && (await health.json()).status === 'healthy')
  check('X-Content-Type-Options: nosniff', h('x-content-type-options') === 'nosniff')
  check('Strict-Transport-Security', h('strict-transport-security') === 'max-age=31536000; includeSubDomains')
  check(
    "API CSP default-src 'none'",
    h('content-security-policy') === "default-src 'none'; frame-ancestors 'none'",
  )
  check('Referrer-Policy: no-referrer', h('referrer-policy') === 'no-referrer')
  check('X-XSS-Protection: 0', h('x-xss-protection') === '0')
  check(
    'Cross-Origin-Opener-Policy / -Resource-Policy',
    h('cross-origin-opener-policy') === 'same-origin' && h('cross-origin-resource-policy') === 'same-origin',
  )
  check('no X-Frame-Options (FRAME_ANCESTORS set)', h('x-frame-options') === null)
  check('no X-Powered-By, X-Request-Id present', h('x-powered-by') === null && !!h('x-request-id'))

  const ui = await fetch(`${base}/`, { headers: { accept: 'text/html' } })
  const html = await ui.text()
  check(
    'UI at / is HTML',
    ui.status === 200 &&
      /text\/html/.test(ui.headers.get('content-type') ?? '') &&
      /<!doctype html>/i.test(html),
  )
  check(
    'UI CSP lets huggingface.co frame it',
    (ui.headers.get('content-security-policy') ?? '').includes(`frame-ancestors ${env.FRAME_ANCESTORS}`),
  )

  const hc = spawnSync(
    image.healthcheck[0] === 'node' ? process.execPath : image.healthcheck[0],
    image.healthcheck.slice(1),
    {
      env: { PATH: process.env.PATH, PORT: env.PORT },
      timeout: 10_000,
    },
  )
  check('HEALTHCHECK command exits 0', hc.status === 0, `exit ${hc.status}`)

  const email = `smoke-${Date.now()}@example.com`
  const reg = await fetch(`${base}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'smoke test passphrase 7', name: 'Smoke' }),
  })
  const cookie = reg.headers.get('set-cookie') ?? ''
  check('POST /api/auth/register → 201', reg.status === 201, `got ${reg.status}`)
  check(
    'session cookie: HttpOnly; Secure; SameSite=None; Partitioned',
    /session_token=/.test(cookie) &&
      /;\s*HttpOnly/i.test(cookie) &&
      /;\s*Secure/i.test(cookie) &&
      /;\s*SameSite=None/i.test(cookie) &&
      /;\s*Partitioned/i.test(cookie),
    cookie.replace(/session_token=[^;]+/, 'session_token=…'),
  )
  if (reg.status === 201) {
    const me = await fetch(`${base}/api/auth/me`, {
      headers: { cookie: cookie.split(';')[0], 'x-forwarded-proto': 'https' },
    })
    check('the cookie signs the user in (GET /api/auth/me → 200)', me.status === 200, `got ${me.status}`)
  }
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8')
  const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1])
  check(`server runs as uid ${RUN_UID}`, process.getuid() !== 0 ? true : uid === RUN_UID, `uid ${uid}`)
  check('no secret in the logs', !/smoke test passphrase/.test(log()))
}

async function main() {
  const image = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'))
  step(`Dockerfile: ${image.stages.map((s) => `${s.name} (${s.from})`).join(' → ')}`)
  const asRoot = process.getuid() === 0
  const app = reuse ?? mkdtempSync(join(tmpdir(), 'rag-auth-image-'))
  chmodSync(app, 0o755)
  const t0 = Date.now()
  let child = null
  try {
    // Like a `docker build`: a clean environment (no npm run variables, no node_modules/.bin on PATH).
    const PATH = (process.env.PATH ?? '')
      .split(':')
      .filter((p) => !p.includes('node_modules'))
      .join(':')
    const buildEnv = {
      PATH,
      HOME: process.env.HOME ?? '/root',
      LANG: 'C.UTF-8',
      npm_config_prefer_offline: 'true',
      npm_config_update_notifier: 'false',
    }
    if (!reuse) {
      step(`build context → ${app}`)
      process.stdout.write(`${buildContext(app)} files\n`)
      for (const ins of image.stages[0].instructions) {
        if (ins.op === 'RUN') sh(ins.args, app, buildEnv)
      }
      const runtime = image.stages.at(-1)
      for (const ins of runtime.instructions) {
        if (ins.op === 'RUN') sh(localise(ins.args, app, asRoot), app, buildEnv)
      }
    }
    step('what the image holds')
    check('backend/dist/server.js built', existsSync(join(app, 'backend/dist/server.js')))
    check('frontend/dist/index.html built', existsSync(join(app, 'frontend/dist/index.html')))
    check(
      'dev dependencies pruned (no typescript, vite)',
      !existsSync(join(app, 'node_modules/typescript')) && !existsSync(join(app, 'node_modules/vite')),
    )
    check(
      'runtime dependencies kept (fastify, argon2, pglite)',
      ['fastify', '@node-rs/argon2', '@electric-sql/pglite'].every((p) =>
        existsSync(join(app, 'node_modules', p)),
      ),
    )
    check(
      'sources and tests dropped',
      !existsSync(join(app, 'backend/src')) && !existsSync(join(app, 'backend/test')),
    )

    step('run the image CMD')
    const env = { ...image.env }
    check(
      'EXPOSE matches PORT',
      image.expose.includes(Number(env.PORT)),
      `EXPOSE ${image.expose} PORT ${env.PORT}`,
    )
    check('USER is non-root', image.user !== '' && image.user !== 'root' && image.user !== '0', image.user)
    const port = await freePort()
    const home = join(app, '.home')
    mkdirSync(home, { recursive: true })
    if (asRoot) execFileSync('chown', [`${RUN_UID}:${RUN_UID}`, home])
    // The image's DATA_DIR (/data) is not writable by uid 1000 unless a Space mounts storage there.
    // Where /data exists on this machine, or we cannot drop root, use a path no one can create.
    let dataDir = env.DATA_DIR
    if (existsSync(dataDir) || !asRoot) {
      writeFileSync(join(app, '.not-a-dir'), '')
      dataDir = join(app, '.not-a-dir', 'data')
    }
    Object.assign(env, { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir })
    const runEnv = { PATH, HOME: home, ...env }
    const [cmd, ...cmdArgs] = image.cmd
    const bin = cmd === 'node' ? process.execPath : cmd
    const drop = asRoot ? ['setpriv', `--reuid=${RUN_UID}`, `--regid=${RUN_UID}`, '--clear-groups', '--'] : []
    const argv = [...drop, bin, ...cmdArgs]
    process.stdout.write(`$ ${argv.join(' ')}  (port ${port}, DATA_DIR ${dataDir})\n`)
    let out = ''
    child = spawn(argv[0], argv.slice(1), { cwd: app, env: runEnv, stdio: ['ignore', 'pipe', 'pipe'] })
    child.stdout.on('data', (d) => {
      out += d
    })
    child.stderr.on('data', (d) => {
      out += d
    })
    const base = `http://127.0.0.1:${port}`
    const tStart = Date.now()
    await waitHealthy(base, child, 180_000)
    process.stdout.write(`healthy after ${((Date.now() - tStart) / 1000).toFixed(1)} s\n`)
    check('DATA_DIR fallback logged', out.includes(`is not writable: using ${join(app, 'data')} instead`))
    check('the embedded database lives in the fallback', existsSync(join(app, 'data', 'pglite')))
    await probe(base, () => out, child, env, image)

    step('SIGTERM')
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
    child.kill('SIGTERM')
    const timer = sleep(20_000).then(() => ({ code: null, signal: 'timeout' }))
    const { code, signal } = await Promise.race([exited, timer])
    check('exit code 0 after SIGTERM', code === 0, `code ${code} signal ${signal}`)
    if (results.some((r) => !r.ok)) process.stdout.write(`\n--- server output ---\n${out.slice(-6000)}\n`)
  } finally {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    if (!keep && !reuse) rmSync(app, { recursive: true, force: true })
    else process.stdout.write(`\nkept ${app} (re-run checks with --reuse ${app})\n`)
  }
  const failed = results.filter((r) => !r.ok).length
  const took = `${((Date.now() - t0) / 1000).toFixed(0)} s`
  process.stdout.write(
    failed > 0
      ? `\nimage smoke FAILED: ${failed} of ${results.length} checks failed (${took})\n`
      : `\nimage smoke OK: all ${results.length} checks hold (${took})\n`,
  )
  process.exit(failed > 0 ? 1 : 0)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    process.stderr.write(`image smoke failed: ${err.message}\n`)
    process.exit(1)
  })
}
