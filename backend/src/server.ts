// Process entry: config → database (+ migrations) → app → listen; graceful shutdown on signals.
import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.js'
import { openDatabase, pgliteDirOf } from './db/client.js'
import { acquireDataDirLock, LockHeldError } from './db/lock-file.js'
import { migrate } from './db/migrate.js'
import { resolveDataDir } from './lib/data-dir.js'
import { configFromEnvOrExit } from './lib/env.js'
import { readyLine } from './lib/ready-line.js'
import { startupTasks } from './startup.js'

/** How long a stopping server still answers on its open connections before it closes them. */
const DRAIN_MS = 300

async function main() {
  const { config, warnings } = configFromEnvOrExit()
  const pretty = !config.production && process.stdout.isTTY === true
  const dataDir = resolveDataDir(config.dataDir)
  let release: (() => void) | null = null
  if (!config.databaseUrl) {
    try {
      release = acquireDataDirLock(dataDir.path)
    } catch (err) {
      if (err instanceof LockHeldError) {
        const who = err.pid > 0 ? `another server (pid ${err.pid})` : 'another server'
        process.stderr.write(`error: ${who} holds ${dataDir.path}: stop it first\n`)
        process.exit(1)
      }
      throw err
    }
  }
  const db = await openDatabase({ databaseUrl: config.databaseUrl, pgliteDir: pgliteDirOf(dataDir.path) })
  const app = await buildApp({ config: { ...config, dataDir: dataDir.path }, db, prettyLogs: pretty })
  for (const w of warnings) app.log.warn(w)
  if (dataDir.note) app.log.warn(dataDir.note)
  const applied = await migrate(db)
  if (applied.length > 0) app.log.info({ migrations: applied }, 'database migrated')
  await startupTasks(app, { config: { ...config, dataDir: dataDir.path }, db })

  // Closing the server drops its idle keep-alive connections at once, and a request a client has
  // just sent on one is lost with it (ECONNRESET). So first drain: for DRAIN_MS every response
  // says `Connection: close`, and a request already on its way is answered before the
  // connection goes.
  let draining = false
  app.server.prependListener('request', (_req, res) => {
    if (draining) res.shouldKeepAlive = false
  })
  closeWithGrace({ delay: 10_000, logger: app.log }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error')
    else app.log.info({ signal }, 'shutting down')
    draining = true
    await new Promise((resolve) => setTimeout(resolve, DRAIN_MS))
    await app.close()
    await db.close()
    release?.()
  })
  await app.listen({ port: config.port, host: config.host })
  if (!config.production) {
    const address = app.server.address()
    process.stdout.write(
      readyLine(config.host, typeof address === 'object' && address ? address.port : config.port),
    )
  }
}

main().catch((err) => {
  process.stderr.write(`fatal: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
