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
const child = spawn(process.execPath, ['--enable-source-maps', entry, ...args], { stdio: 'inherit' })
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
