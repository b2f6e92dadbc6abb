// `npm test`: every test in the repository — backend unit + integration (node:test), frontend
// unit (Vitest), browser e2e (node:test + playwright-core). Prints what it skipped and why,
// and a closing "N passed, N failed" line.
import { spawn } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureBuilt } from './ensure-built.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const CI = process.env.CI === 'true'
const only = process.argv.slice(2) // optional: backend | frontend | e2e

function find(dir, suffix) {
  if (!existsSync(dir)) return []
  const out = []
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory() && e.name !== 'node_modules') out.push(...find(p, suffix))
    else if (e.isFile() && e.name.endsWith(suffix)) out.push(relative(ROOT, p))
  }
  return out.sort()
}

function run(cmd, args, env = {}) {
  return new Promise((resolve) => {
    let out = ''
    const child = spawn(cmd, args, {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    child.stdout.on('data', (d) => {
      out += d
      process.stdout.write(d)
    })
    child.stderr.on('data', (d) => process.stderr.write(d))
    child.on('exit', (code) => resolve({ code: code ?? 1, out }))
  })
}

const totals = { passed: 0, failed: 0, skipped: 0 }
const failures = []

function tally(name, { code, out }, kind) {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colours
  const clean = out.replace(/\x1b\[[0-9;]*m/g, '')
  let passed = 0
  let failed = 0
  let skipped = 0
  if (kind === 'node') {
    passed = Number(/^# pass (\d+)/m.exec(clean)?.[1] ?? 0)
    failed =
      Number(/^# fail (\d+)/m.exec(clean)?.[1] ?? 0) + Number(/^# cancelled (\d+)/m.exec(clean)?.[1] ?? 0)
    skipped = Number(/^# skipped (\d+)/m.exec(clean)?.[1] ?? 0)
  } else {
    const line = /Tests\s+(.*)$/m.exec(clean)?.[1] ?? ''
    passed = Number(/(\d+) passed/.exec(line)?.[1] ?? 0)
    failed = Number(/(\d+) failed/.exec(line)?.[1] ?? 0)
    skipped = Number(/(\d+) skipped/.exec(line)?.[1] ?? 0)
  }
  if (code !== 0 && failed === 0) failed = 1
  totals.passed += passed
  totals.failed += failed
  totals.skipped += skipped
  if (code !== 0) failures.push(name)
}

const skips = []
if (!process.env.TEST_DATABASE_URL)
  skips.push('Postgres variants of the integration tests: TEST_DATABASE_URL not set (PGlite only)')
if (!process.env.TEST_REDIS_URL)
  skips.push('Redis store tests: TEST_REDIS_URL not set (in-process store only)')
if (CI && skips.length > 0) {
  process.stderr.write(`CI=true but services are missing:\n- ${skips.join('\n- ')}\n`)
  process.exit(1)
}

ensureBuilt()
const want = (part) => only.length === 0 || only.includes(part)
const nodeTest = ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=900000']

if (want('backend')) {
  const files = find(join(ROOT, 'backend/test'), '.test.ts')
  tally('backend', await run(process.execPath, [...nodeTest, ...files]), 'node')
}
if (want('frontend') && existsSync(join(ROOT, 'frontend/vite.config.ts'))) {
  tally('frontend', await run('npm', ['test', '-w', 'frontend', '--silent']), 'vitest')
}
if (want('e2e')) {
  const files = find(join(ROOT, 'e2e'), '.test.ts')
  if (!existsSync('/usr/bin/chromium')) {
    if (CI) {
      process.stderr.write('CI=true but /usr/bin/chromium is missing: apt-get install -y chromium\n')
      process.exit(1)
    }
    skips.push('browser tests: /usr/bin/chromium not installed (apt-get install -y chromium)')
  } else if (files.length > 0) {
    tally('e2e', await run(process.execPath, [...nodeTest, '--test-concurrency=1', ...files]), 'node')
  }
}

if (skips.length > 0) process.stdout.write(`\nSkipped:\n- ${skips.join('\n- ')}\n`)
if (failures.length > 0) process.stdout.write(`\nFailed suites: ${failures.join(', ')}\n`)
process.stdout.write(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`)
process.exit(totals.failed > 0 || failures.length > 0 ? 1 : 0)
