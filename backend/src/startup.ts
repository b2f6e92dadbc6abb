// Start-up steps after migrations (run by server.ts, not by buildApp, so tests control them):
// the ADMIN_PASSWORD bootstrap, the pgvector "ensure" step, then the demo corpus.
import type { FastifyInstance } from 'fastify'
import { bootstrapAdmins } from './auth/admin-bootstrap.js'
import type { Config } from './config.js'
import type { Database } from './db/client.js'
import { createRagContext } from './rag/context.js'
import { loadDemoCorpus } from './rag/demo-corpus.js'
import { ensureVectorSupport } from './rag/vector.js'

export async function startupTasks(
  app: FastifyInstance,
  deps: { config: Config; db: Database },
): Promise<void> {
  const { config, db } = deps
  // Before listening: a weak ADMIN_PASSWORD stops the start (exit 1) like any invalid setting.
  await bootstrapAdmins(db, config, app.log)
  await ensureVectorSupport(db, config, app.log)
  try {
    const started = Date.now()
    const demo = await loadDemoCorpus(createRagContext(db, config, app.log))
    if (demo.loaded) {
      app.log.info(
        { created: demo.created, updated: demo.updated, unchanged: demo.unchanged, ms: Date.now() - started },
        'demo corpus loaded',
      )
    }
  } catch (err) {
    // The server is useful without the demo documents: say why and carry on.
    app.log.error({ err }, 'loading the demo corpus failed')
  }
}
