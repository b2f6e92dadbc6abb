// Re-embedding every chunk with the configured model (`npm run reembed`): after EMBEDDING_MODEL
// or EMBEDDING_DIMENSIONS changed, or for chunks ingested while dense retrieval was off. The
// recorded model is cleared first and written last, so an interrupted run leaves the database
// lexical-only (never half-embedded but "ready"); running it again starts over.
import type { Database } from '../db/client.js'
import { LOCK_MIGRATE } from '../db/migrate.js'
import { chunksWithoutEmbedding, countChunks, setEmbeddings } from '../db/queries/chunks.js'
import { createVectorIndex, hasPgvector, recordModel, resetVectorColumn } from '../db/queries/vector.js'
import { indexHeading } from './bm25.js'
import { EMBED_BATCH } from './embeddings.js'
import type { Embedder } from './types.js'
import { forgetVectorStatus } from './vector.js'

export async function reembedAll(
  db: Database,
  embedder: Embedder,
  onProgress: (done: number, total: number) => void = () => {},
): Promise<number> {
  if (!(await hasPgvector(db))) throw new Error('this database has no pgvector extension')
  const dims = Math.trunc(embedder.dimensions)
  await db.withAdvisoryLock(LOCK_MIGRATE, (conn) => resetVectorColumn(conn, dims))
  forgetVectorStatus(db)
  const total = await countChunks(db)
  let done = 0
  onProgress(0, total)
  for (;;) {
    const batch = await chunksWithoutEmbedding(db, EMBED_BATCH * 4)
    if (batch.length === 0) break
    const texts = batch.map((c) => `${indexHeading(c.title, c.heading)}\n\n${c.content}`)
    const vectors: number[][] = []
    for (let i = 0; i < texts.length; i += EMBED_BATCH) {
      vectors.push(...(await embedder.embed(texts.slice(i, i + EMBED_BATCH))))
    }
    await setEmbeddings(
      db,
      batch.map((c, i) => ({ id: c.id, embedding: vectors[i] as number[] })),
    )
    done += batch.length
    onProgress(done, total)
  }
  // The index is built once at the end: faster than maintaining it row by row.
  await db.withAdvisoryLock(LOCK_MIGRATE, async (conn) => {
    await createVectorIndex(conn)
    await recordModel(conn, embedder.model, dims)
  })
  forgetVectorStatus(db)
  return done
}
