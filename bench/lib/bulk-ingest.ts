// Seeding 100k chunks in minutes through the product's bulk ingestion (rag/ingest-bulk.ts
// `ingestBulk`: many documents per transaction, same rows, postings and statistics as
// ingestDocument, then VACUUM (ANALYZE) of the search tables). What it is fed skips the
// product's parse + chunk step, because a synthetic document's sections ARE its chunks and
// BPE-counting 100k chunks alone takes minutes:
// `checkEquivalence` proves, on a sample, that prepareDocument (the product's parse + chunk)
// yields exactly those chunks.
import type { Config } from '../../backend/src/config.js'
import type { Database } from '../../backend/src/db/client.js'
import {
  syntheticChunks as directChunks,
  preparedSynthetic as prepared,
} from '../../backend/src/rag/eval-distractors.js'
import { type PreparedDocument, prepareDocument } from '../../backend/src/rag/ingest.js'
import { ingestBulk } from '../../backend/src/rag/ingest-bulk.js'
import { DEFAULT_CORPUS, syntheticDocument } from '../corpus.js'
import type { CorpusProgress } from './seed.js'

/** Throws unless prepareDocument yields exactly our sections for `n` documents from `startDoc`. */
export async function checkEquivalence(n = 3, startDoc = 0): Promise<void> {
  for (let i = startDoc; i < startDoc + n; i++) {
    const doc = syntheticDocument(i, DEFAULT_CORPUS)
    const p = await prepareDocument({ title: doc.title, content: doc.content, format: 'markdown' })
    const direct = directChunks(doc)
    const same =
      p.title === doc.title &&
      p.chunks.length === direct.length &&
      p.chunks.every((c, j) => c.heading === direct[j]?.heading && c.content === direct[j]?.content)
    if (!same) {
      throw new Error(
        `bulk seeding: the product's chunker no longer makes one chunk per section of synthetic document ${i} ` +
          `(${p.chunks.length} chunks for ${direct.length} sections); update bench/lib/bulk-ingest.ts`,
      )
    }
  }
}

/** Adds at least `targetChunks` chunks through ingestBulk, `docsPerCall` documents at a time. */
export async function bulkSeedCorpus(
  db: Database,
  config: Config,
  targetChunks: number,
  startDoc = 0,
  docsPerCall = 1000,
  spaceId?: string,
): Promise<CorpusProgress> {
  const ctx = { db, config, embedder: null }
  const t0 = performance.now()
  let next = startDoc
  let chunks = 0
  // Bounded: every document has ≥ 1 section.
  while (chunks < targetChunks && next - startDoc < targetChunks) {
    const docs: PreparedDocument[] = []
    let planned = chunks
    while (docs.length < docsPerCall && planned < targetChunks) {
      const d = syntheticDocument(next++, DEFAULT_CORPUS)
      docs.push(prepared(d))
      planned += d.sections.length
    }
    const r = await ingestBulk(ctx, docs, { batchSize: 50, ...(spaceId ? { spaceId } : {}) })
    chunks += r.chunks
  }
  const seconds = (performance.now() - t0) / 1000
  return { nextDoc: next, docs: next - startDoc, chunks, seconds, chunksPerSecond: chunks / seconds }
}
