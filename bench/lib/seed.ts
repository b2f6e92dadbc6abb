// Seeding through the product's own code: users via insertUser + hashPassword, sessions via
// createSession (so token hashing matches the server's), documents via ingestDocument (the same
// path as POST /api/documents and `npm run ingest`). Used by the bench process for Postgres and
// inside the PGlite server child (PGlite has one owner).
import { hashPassword } from '../../backend/src/auth/passwords.js'
import { createSession } from '../../backend/src/auth/sessions.js'
import type { Config } from '../../backend/src/config.js'
import type { Database } from '../../backend/src/db/client.js'
import { insertUser } from '../../backend/src/db/queries/users.js'
import { systemClock } from '../../backend/src/lib/clock.js'
import { uuidv7 } from '../../backend/src/lib/ids.js'
import { ingestDocument } from '../../backend/src/rag/ingest.js'
import { DEFAULT_CORPUS, syntheticDocument } from '../corpus.js'

export interface SeededUser {
  id: string
  email: string
  password: string
  token: string
}

export const benchPassword = (i: number) => `Bench-${i}-quartz-Vigil-93`

/** n users, each with one session; argon2 hashes 8 at a time (that is what costs). */
export async function seedUsers(db: Database, config: Config, n: number): Promise<SeededUser[]> {
  const ctx = { db, config, clock: systemClock }
  const out: SeededUser[] = []
  for (let start = 0; start < n; start += 8) {
    const batch = Array.from({ length: Math.min(8, n - start) }, (_, j) => start + j)
    const made = await Promise.all(
      batch.map(async (i) => {
        const email = `bench-user-${i}@bench.test`
        const password = benchPassword(i)
        const id = uuidv7()
        await insertUser(db, {
          id,
          email,
          name: `Bench ${i}`,
          passwordHash: await hashPassword(password),
          createdAt: new Date(),
        })
        const { token } = await createSession(ctx, id, { ip: '127.0.0.1', userAgent: 'bench' })
        return { id, email, password, token }
      }),
    )
    out.push(...made)
  }
  return out
}

export interface CorpusProgress {
  /** Next synthetic document index (continue from here to grow the corpus). */
  nextDoc: number
  docs: number
  chunks: number
  seconds: number
  chunksPerSecond: number
}

/**
 * Ingests synthetic documents from `startDoc` on until `targetChunks` more chunks exist.
 * `concurrency` documents are in flight, so parsing one overlaps the database work of another.
 */
export async function seedCorpus(
  db: Database,
  config: Config,
  targetChunks: number,
  startDoc = 0,
  concurrency = 2,
): Promise<CorpusProgress> {
  const ctx = { db, config, embedder: null }
  const t0 = performance.now()
  let next = startDoc
  let chunks = 0
  let docs = 0
  // Bounded: each document adds ≥ 1 chunk, so at most targetChunks documents are ever started.
  const worker = async () => {
    while (chunks < targetChunks && next - startDoc < targetChunks) {
      const doc = syntheticDocument(next++, DEFAULT_CORPUS)
      const r = await ingestDocument(ctx, {
        title: doc.title,
        content: doc.content,
        source: doc.source,
        format: 'markdown',
      })
      chunks += r.chunks
      docs += 1
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  const seconds = (performance.now() - t0) / 1000
  return { nextDoc: next, docs, chunks, seconds, chunksPerSecond: chunks / seconds }
}
