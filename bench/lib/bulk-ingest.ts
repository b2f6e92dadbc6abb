// The bulk variant of the product's ingestion, for seeding 100k chunks in minutes: the same
// writes as rag/ingest.ts `ingestPrepared` (documents, chunks, BM25 postings and statistics,
// one transaction per batch) through the product's own query functions, with two differences:
// - many documents per transaction, and `workers` transactions in flight: the heavy part
//   (chunk rows and postings) runs before the knowledge-base lock is taken, and only the shared
//   statistics (df, N, total length, rebalance) are updated under it, as `indexChunks` does;
// - no parse/chunk: a synthetic document's sections ARE its chunks, which `checkEquivalence`
//   proves against prepareDocument (the product's parse + chunk) on a sample first.
import type { Config } from '../../backend/src/config.js'
import type { Database } from '../../backend/src/db/client.js'
import { applyDocumentStats, insertPostings, readCorpusStats } from '../../backend/src/db/queries/bm25.js'
import { insertChunks, type NewChunk } from '../../backend/src/db/queries/chunks.js'
import { insertDocuments } from '../../backend/src/db/queries/documents.js'
import { uuidv7 } from '../../backend/src/lib/ids.js'
import { BM25, indexHeading, lockKnowledgeBase, rebalance } from '../../backend/src/rag/bm25.js'
import { contentHash, prepareDocument } from '../../backend/src/rag/ingest.js'
import { withTransaction } from '../../backend/src/rag/tx.js'
import { DEFAULT_CORPUS, type SyntheticDocument, syntheticDocument } from '../corpus.js'
import type { CorpusProgress } from './seed.js'

/** What the product's chunker makes of a synthetic document: heading path + paragraph. */
function directChunks(doc: SyntheticDocument) {
  return doc.sections.map((s) => ({
    heading: `${doc.title} > ${s.heading}`,
    content: s.text,
    // The BPE count is the expensive part of chunking; ~2.2 tokens per pseudo-word measured.
    tokens: Math.round(s.text.split(' ').length * 2.2),
  }))
}

/** Throws unless prepareDocument yields exactly our sections for the first `n` documents. */
export async function checkEquivalence(n = 3, startDoc = 0): Promise<void> {
  for (let i = startDoc; i < startDoc + n; i++) {
    const doc = syntheticDocument(i, DEFAULT_CORPUS)
    const prepared = await prepareDocument({ title: doc.title, content: doc.content, format: 'markdown' })
    const direct = directChunks(doc)
    const same =
      prepared.title === doc.title &&
      prepared.chunks.length === direct.length &&
      prepared.chunks.every((c, j) => c.heading === direct[j]?.heading && c.content === direct[j]?.content)
    if (!same) {
      throw new Error(
        `bulk seeding: the product's chunker no longer maps synthetic document ${i} to one chunk per ` +
          `section (got ${prepared.chunks.length} chunks for ${direct.length} sections); update bench/lib/bulk-ingest.ts`,
      )
    }
  }
}

async function ingestBatch(db: Database, docs: SyntheticDocument[]): Promise<number> {
  const now = new Date()
  const newDocs = docs.map((d) => ({ doc: d, id: uuidv7(now.getTime()), chunks: directChunks(d) }))
  const rows: NewChunk[] = []
  const terms: { id: string; heading: string; content: string }[] = []
  for (const { doc, id, chunks } of newDocs) {
    chunks.forEach((c, i) => {
      const row = {
        id: uuidv7(),
        document_id: id,
        ordinal: i,
        heading: c.heading,
        content: c.content,
        token_count: c.tokens,
      }
      rows.push(row)
      terms.push({ id: row.id, heading: indexHeading(doc.title, c.heading), content: c.content })
    })
  }
  await withTransaction(db, async (tx) => {
    await insertDocuments(
      tx,
      newDocs.map(({ doc, id, chunks }) => ({
        id,
        title: doc.title,
        source: doc.source,
        format: 'markdown' as const,
        contentHash: contentHash(doc.content),
        chunkCount: chunks.length,
        createdBy: null,
      })),
      now,
    )
    await insertChunks(tx, rows)
    // indexChunks, split so that only the shared statistics wait for the lock.
    const { weightsAvgdl } = await readCorpusStats(tx)
    await insertPostings(tx, terms, BM25, weightsAvgdl)
    await lockKnowledgeBase(tx)
    await applyDocumentStats(
      tx,
      newDocs.map((d) => d.id),
      1,
    )
    await rebalance(tx, false)
  })
  return rows.length
}

/** Adds at least `targetChunks` chunks, `docsPerBatch` documents per transaction. */
export async function bulkSeedCorpus(
  db: Database,
  _config: Config,
  targetChunks: number,
  startDoc = 0,
  { docsPerBatch = 25, workers = db.kind === 'postgres' ? 2 : 1 } = {},
): Promise<CorpusProgress> {
  const t0 = performance.now()
  let next = startDoc
  let chunks = 0
  let started = 0
  // Bounded: every document has ≥ 1 section, so at most targetChunks documents are started.
  const worker0 = async () => {
    const docs: SyntheticDocument[] = []
    for (let i = 0; i < docsPerBatch; i++) docs.push(syntheticDocument(next++, DEFAULT_CORPUS))
    started += docs.reduce((n, d) => n + d.sections.length, 0)
    // Not `chunks += await …`: that reads `chunks` before the await and loses the other worker's adds.
    const added = await ingestBatch(db, docs)
    chunks += added
  }
  const worker = async () => {
    while (started < targetChunks && next - startDoc < targetChunks) await worker0()
  }
  // Weights need a non-zero avgdl to start from: on an empty corpus the first batch goes alone.
  if ((await readCorpusStats(db)).weightsAvgdl === 0) await worker0()
  await Promise.all(Array.from({ length: workers }, worker))
  const seconds = (performance.now() - t0) / 1000
  return { nextDoc: next, docs: next - startDoc, chunks, seconds, chunksPerSecond: chunks / seconds }
}
