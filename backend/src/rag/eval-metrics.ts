// Retrieval metrics computed the BEIR / pytrec_eval way: binary relevance, DCG with log2(rank+1)
// discounts, ideal DCG from the qrels; recall = relevant found in the top k / all relevant.
export type Qrels = Map<string, Set<string>>

export function ndcgAt(ranking: string[], relevant: Set<string>, k: number): number {
  if (relevant.size === 0) return 0
  let dcg = 0
  ranking.slice(0, k).forEach((id, i) => {
    if (relevant.has(id)) dcg += 1 / Math.log2(i + 2)
  })
  let ideal = 0
  for (let i = 0; i < Math.min(k, relevant.size); i++) ideal += 1 / Math.log2(i + 2)
  return dcg / ideal
}

export function recallAt(ranking: string[], relevant: Set<string>, k: number): number {
  if (relevant.size === 0) return 0
  const found = new Set(ranking.slice(0, k).filter((id) => relevant.has(id)))
  return found.size / relevant.size
}

/** Mean over every query in the qrels (a query with no ranking counts as 0). */
export function meanMetric(
  qrels: Qrels,
  rankings: Map<string, string[]>,
  metric: (ranking: string[], relevant: Set<string>) => number,
): number {
  if (qrels.size === 0) return 0
  let sum = 0
  for (const [qid, relevant] of qrels) sum += metric(rankings.get(qid) ?? [], relevant)
  return sum / qrels.size
}

/**
 * The queries a BEIR test run scores: those with test qrels, unless the query names another split
 * (SciFact's queries.jsonl names theirs; most BEIR sets' do not, and the qrels file decides).
 */
export function testQueries<Q extends { _id: string; metadata?: { split?: string } }>(
  queries: readonly Q[],
  qrels: Qrels,
): Q[] {
  return queries.filter((q) => (q.metadata?.split ?? 'test') === 'test' && qrels.has(q._id))
}

/**
 * Corpus entries with the same text become one document (ingestion is idempotent by content): the
 * returned function turns a ranking of the ids that were kept into one that ranks every entry with
 * that text at its place, as a BEIR run ranks duplicates side by side.
 */
export function withSameText(entries: readonly { id: string; hash: string }[]): (ids: string[]) => string[] {
  const hashOf = new Map<string, string>()
  const idsOf = new Map<string, string[]>()
  for (const e of entries) {
    hashOf.set(e.id, e.hash)
    idsOf.set(e.hash, [...(idsOf.get(e.hash) ?? []), e.id])
  }
  return (ids) => [...new Set(ids.flatMap((id) => idsOf.get(hashOf.get(id) ?? '') ?? [id]))]
}

/** Collapses a ranked list of (document, score) hits to documents, keeping each one's best rank. */
export function documentRanking(hits: { doc: string }[]): string[] {
  const seen = new Set<string>()
  const out: string[] = []
  for (const h of hits) {
    if (seen.has(h.doc)) continue
    seen.add(h.doc)
    out.push(h.doc)
  }
  return out
}

/** qrels TSV (BEIR: header row, query-id, corpus-id, score); score > 0 is relevant. */
export function parseQrels(tsv: string): Qrels {
  const qrels: Qrels = new Map()
  for (const line of tsv.split(/\r?\n/).slice(1)) {
    const [q, d, s] = line.split('\t')
    if (!q || !d || !(Number(s) > 0)) continue
    if (!qrels.has(q)) qrels.set(q, new Set())
    qrels.get(q)?.add(d)
  }
  return qrels
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number
}

/** SQuAD's answer normalisation: lower case, no punctuation, no articles, single spaces. */
export function normalizeAnswer(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .replace(/\b(a|an|the)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
}

/** Whether an answer (markers removed) contains one of the gold spans, both normalised. */
export function containsGold(answer: string, gold: readonly string[]): boolean {
  const text = ` ${normalizeAnswer(answer.replace(/\[\d+\]/g, ' '))} `
  return gold.some((g) => {
    const n = normalizeAnswer(g)
    return n.length > 0 && text.includes(` ${n} `)
  })
}

/** Share of true values (0 for none). */
export function share(values: readonly boolean[]): number {
  return values.length === 0 ? 0 : values.filter(Boolean).length / values.length
}
