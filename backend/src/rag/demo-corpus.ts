// The demo corpus (the product's own documentation in corpus/*.md), loaded at start per
// DEMO_CORPUS (auto: on the first start of an empty knowledge base without DATABASE_URL). Several instances may start at once on one Postgres: the load runs under an
// advisory lock, re-checks emptiness inside it, and content-hash idempotency does the rest.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { LOCK_DEMO_CORPUS } from '../db/migrate.js'
import { countDocuments } from '../db/queries/documents.js'
import { demoCorpusLoaded, markDemoCorpusLoaded } from '../db/queries/kb-meta.js'
import { ingestDocument } from './ingest.js'
import type { RagContext } from './types.js'

/** Repository root's corpus/ (same depth from src/rag and dist/rag). */
export const CORPUS_DIR = fileURLToPath(new URL('../../../corpus/', import.meta.url))

export interface DemoLoad {
  loaded: boolean
  reason?: string
  created: number
  updated: number
  unchanged: number
}

export function shouldLoadDemo(mode: 'auto' | 'true' | 'false', databaseUrl: string | null): boolean {
  if (mode === 'false') return false
  return mode === 'true' || databaseUrl === null
}

export async function loadDemoCorpus(ctx: RagContext, dir = CORPUS_DIR): Promise<DemoLoad> {
  const none = (reason: string): DemoLoad => ({ loaded: false, reason, created: 0, updated: 0, unchanged: 0 })
  const mode = ctx.config.demoCorpus
  if (!shouldLoadDemo(mode, ctx.config.databaseUrl)) return none(`DEMO_CORPUS=${mode}`)
  if (!existsSync(dir)) return none(`no corpus directory at ${dir}`)
  const files = readdirSync(dir)
    .filter((f) => /\.(md|markdown)$/i.test(f))
    .sort()
  return ctx.db.withAdvisoryLock(LOCK_DEMO_CORPUS, async () => {
    // Inside the lock: another instance may have loaded it while we waited. Auto mode loads it
    // once per database ("on first start"): documents an admin deleted do not come back.
    if (mode === 'auto') {
      if (await demoCorpusLoaded(ctx.db)) return none('the demo corpus was loaded before')
      if ((await countDocuments(ctx.db)) > 0) return none('the knowledge base is not empty')
    }
    const out: DemoLoad = { loaded: true, created: 0, updated: 0, unchanged: 0 }
    for (const file of files) {
      const content = readFileSync(join(dir, file), 'utf8')
      const r = await ingestDocument(ctx, { content, format: 'markdown', source: `corpus/${file}` })
      out[r.status]++
    }
    await markDemoCorpusLoaded(ctx.db, new Date())
    return out
  })
}
