// `npm run dev`: the backend under `tsx watch` (restarts on a change in backend/src) and the Vite
// dev server (hot reload) side by side. Vite forwards /api and /health to the backend, so open the
// URL Vite prints (http://localhost:5173). Ctrl-C stops both.
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
// Vite itself, not `npm run dev -w frontend`: a signal to npm would leave its vite child running.
const requireUi = createRequire(new URL('../frontend/package.json', import.meta.url))
const vite = join(dirname(requireUi.resolve('vite/package.json')), 'bin/vite.js')
const children = [
  spawn(process.execPath, ['--import', 'tsx', '--watch', 'backend/src/server.ts'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { NODE_ENV: 'development', ...process.env },
  }),
  spawn(process.execPath, [vite], { cwd: `${ROOT}frontend`, stdio: 'inherit' }),
]
let stopping = false
function stop(code) {
  if (stopping) return
  stopping = true
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM')
  process.exitCode = code
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => stop(0))
for (const c of children) c.on('exit', (code) => stop(code ?? 1))
