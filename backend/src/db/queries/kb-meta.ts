// Facts about the knowledge base kept in kb_meta (the embedding model is in vector.ts).
import { eq, sql } from 'drizzle-orm'
import type { Conn } from '../client.js'
import { kbMeta } from '../schema/index.js'

const DEMO_LOADED = 'demo_corpus_loaded_at'

/** Whether the demo corpus was loaded into this database before (whatever was deleted since). */
export async function demoCorpusLoaded(db: Conn): Promise<boolean> {
  const rows = await db.orm.select({ key: kbMeta.key }).from(kbMeta).where(eq(kbMeta.key, DEMO_LOADED))
  return rows.length > 0
}

export async function markDemoCorpusLoaded(db: Conn, at: Date): Promise<void> {
  await db.orm
    .insert(kbMeta)
    .values({ key: DEMO_LOADED, value: at.toISOString() })
    .onConflictDoUpdate({ target: kbMeta.key, set: { value: sql`excluded.value` } })
}
