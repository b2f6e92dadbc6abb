// Retrieval metrics computed the BEIR / pytrec_eval way: DCG with the qrels' relevance grades as
// gains (trec_eval's ndcg: 1 and 2 in NFCorpus or TREC-COVID, all 1 in SciFact) and log2(rank+1)
// discounts, ideal DCG from the qrels; recall = relevant (grade > 0) found in the top k / all relevant.
import { withoutNotes } from './plain-text.js'

/** Query id → relevant document id → relevance grade (> 0). */
export type Qrels = Map<string, Map<string, number>>
/** The relevant documents of one query: ids with their grades, or a set (grade 1 each). */
export type Relevant = ReadonlyMap<string, number> | ReadonlySet<string>

const gradeOf = (relevant: Relevant, id: string): number =>
  relevant instanceof Map ? (relevant.get(id) ?? 0) : relevant.has(id) ? 1 : 0
const gradesOf = (relevant: Relevant): number[] =>
  relevant instanceof Map ? [...relevant.values()] : [...relevant].map(() => 1)

export function ndcgAt(ranking: string[], relevant: Relevant, k: number): number {
  if (relevant.size === 0) return 0
  let dcg = 0
  ranking.slice(0, k).forEach((id, i) => {
    dcg += gradeOf(relevant, id) / Math.log2(i + 2)
  })
  const ideal = gradesOf(relevant)
    .sort((a, b) => b - a)
    .slice(0, k)
    .reduce((sum, g, i) => sum + g / Math.log2(i + 2), 0)
  return ideal > 0 ? dcg / ideal : 0
}

export function recallAt(ranking: string[], relevant: Relevant, k: number): number {
  if (relevant.size === 0) return 0
  const found = new Set(ranking.slice(0, k).filter((id) => gradeOf(relevant, id) > 0))
  return found.size / relevant.size
}

/** Mean over every query in the qrels (a query with no ranking counts as 0). */
export function meanMetric(
  qrels: Qrels,
  rankings: Map<string, string[]>,
  metric: (ranking: string[], relevant: Relevant) => number,
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

/**
 * BEIR's qrels/test.tsv: `query-id corpus-id score` (tab-separated, a header line first; one
 * without a header, or separated by spaces, reads the same). Grades of 0 or less are not relevant.
 */
export function parseQrels(tsv: string): Qrels {
  const qrels: Qrels = new Map()
  for (const line of tsv.split(/\r?\n/)) {
    const [q, d, s] = line.trim().split(/\t|\s+/)
    const grade = Number(s)
    if (!q || !d || !Number.isFinite(grade) || grade <= 0) continue
    if (!qrels.has(q)) qrels.set(q, new Map())
    const docs = qrels.get(q) as Map<string, number>
    docs.set(d, Math.max(docs.get(d) ?? 0, grade))
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

/**
 * Whether an answer (markers removed) contains one of the gold spans, both normalised. A gold span
 * copied with an editor's note inside ("planning,[citation needed] design, and financing") is
 * read without it, as answers show passages (plain-text.ts): the note is about the text, not part
 * of the answer.
 */
export function containsGold(answer: string, gold: readonly string[]): boolean {
  const text = ` ${normalizeAnswer(answer.replace(/\[\d+\]/g, ' '))} `
  return gold.some((g) => {
    const n = normalizeAnswer(withoutNotes(g))
    return n.length > 0 && text.includes(` ${n} `)
  })
}

/** Share of true values (0 for none). */
export function share(values: readonly boolean[]): number {
  return values.length === 0 ? 0 : values.filter(Boolean).length / values.length
}
