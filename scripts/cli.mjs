// `npm run <cli> -- args`: build if needed, then run backend/dist/cli/<name>.js.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { ensureBuilt } from './ensure-built.mjs'

const [name, ...args] = process.argv.slice(2)
ensureBuilt({ quiet: true })
const entry = fileURLToPath(new URL(`../backend/dist/cli/${name}.js`, import.meta.url))
if (!existsSync(entry)) {
  process.stderr.write(`unknown command: ${name}\n`)
  process.exit(2)
}
// npm runs a script in the package root, whichever folder it was typed in: tell the CLI that
// folder (npm's INIT_CWD), so that a relative path the operator typed means what it says there.
// DATA_DIR and .env stay relative to the root, as for the server, so the child does not move.
const env =
  process.env.npm_lifecycle_event === name && process.env.INIT_CWD
    ? { ...process.env, RAG_AUTH_INVOKED_FROM: process.env.INIT_CWD }
    : process.env
const child = spawn(process.execPath, ['--enable-source-maps', entry, ...args], { stdio: 'inherit', env })
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
