// Builds the backend (tsc) and the web UI (vite) when their output is missing or older than
// their sources, so `npm start`, the CLIs and the tests always run current code.
import { execSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

function newest(dir) {
  if (!existsSync(dir)) return 0
  let max = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue
    const p = join(dir, entry.name)
    max = Math.max(max, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs)
  }
  return max
}

function stale(outputFile, inputs) {
  if (!existsSync(outputFile)) return true
  const built = statSync(outputFile).mtimeMs
  return inputs.some(
    (p) =>
      (existsSync(p) && statSync(p).isDirectory() ? newest(p) : existsSync(p) ? statSync(p).mtimeMs : 0) >
      built,
  )
}

export function ensureBuilt({ quiet = false } = {}) {
  const run = (cmd) =>
    execSync(cmd, { cwd: ROOT, stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit' })
  const backend = join(ROOT, 'backend')
  if (
    stale(join(backend, 'dist/server.js'), [
      join(backend, 'src'),
      join(backend, 'package.json'),
      join(ROOT, 'tsconfig.base.json'),
    ])
  ) {
    if (!quiet) process.stderr.write('building backend…\n')
    run('npm run build -w backend --silent')
  }
  const frontend = join(ROOT, 'frontend')
  if (
    existsSync(join(frontend, 'index.html')) &&
    stale(join(frontend, 'dist/index.html'), [
      join(frontend, 'src'),
      join(frontend, 'index.html'),
      join(frontend, 'public'),
      join(frontend, 'vite.config.ts'),
    ])
  ) {
    if (!quiet) process.stderr.write('building web UI…\n')
    run('npm run build -w frontend --silent')
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) ensureBuilt()
