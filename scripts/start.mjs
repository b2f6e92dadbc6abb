// `npm start`: build what is missing or stale, then run the server in this process's place.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { ensureBuilt } from './ensure-built.mjs'

ensureBuilt()
const server = fileURLToPath(new URL('../backend/dist/server.js', import.meta.url))
const child = spawn(process.execPath, ['--enable-source-maps', server, ...process.argv.slice(2)], {
  stdio: 'inherit',
})
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig))
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
