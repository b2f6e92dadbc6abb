// Distractors for the evaluation (`npm run eval -- --distractors=N`): the bench's synthetic
// sections, ingested in bulk into the same space as the evaluated corpus, so that retrieval
// quality is measured with a large knowledge base around the relevant documents.
import { contentHash, type PreparedDocument } from './ingest.js'
import { ingestBulk } from './ingest-bulk.js'
import { DEFAULT_CORPUS, type SyntheticDocument, syntheticDocument } from './synthetic-corpus.js'
import type { RagContext } from './types.js'

/**
 * What the product's chunker makes of a synthetic document: one chunk per section, heading path
 * (without the title, which is its first heading) + paragraph (bench/lib/bulk-ingest.ts checkEquivalence proves it on a sample).
 */
export function syntheticChunks(doc: SyntheticDocument) {
  return doc.sections.map((s) => ({
    heading: s.heading,
    content: s.text,
    // Estimated: ~2.2 BPE tokens per pseudo-word, measured on this vocabulary.
    tokens: Math.round(s.text.split(' ').length * 2.2),
  }))
}

export function preparedSynthetic(doc: SyntheticDocument): PreparedDocument {
  return {
    title: doc.title,
    source: doc.source,
    format: 'markdown',
    hash: contentHash(doc.content),
    chunks: syntheticChunks(doc),
    createdBy: null,
  }
}

/** Adds synthetic documents from `startDoc` on until at least `chunks` chunks were added. */
export async function addDistractors(
  ctx: RagContext,
  chunks: number,
  opts: { spaceId?: string; startDoc?: number; onProgress?: (done: number) => void } = {},
): Promise<{ chunks: number; nextDoc: number }> {
  let next = opts.startDoc ?? 0
  let added = 0
  while (added < chunks) {
    const docs: PreparedDocument[] = []
    let planned = added
    while (docs.length < 1000 && planned < chunks) {
      const d = syntheticDocument(next++, DEFAULT_CORPUS)
      docs.push(preparedSynthetic(d))
      planned += d.sections.length
    }
    const r = await ingestBulk(ctx, docs, {
      batchSize: 50,
      ...(opts.spaceId ? { spaceId: opts.spaceId } : {}),
    })
    if (r.chunks === 0) break
    added += r.chunks
    opts.onProgress?.(added)
  }
  return { chunks: added, nextDoc: next }
}
