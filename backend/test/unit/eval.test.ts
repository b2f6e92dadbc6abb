import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  containsGold,
  documentRanking,
  meanMetric,
  ndcgAt,
  normalizeAnswer,
  parseQrels,
  percentile,
  recallAt,
  testQueries,
  withSameText,
} from '../../src/rag/eval-metrics.js'

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} ≉ ${b}`)

describe('retrieval metrics (BEIR / pytrec_eval conventions)', () => {
  it('nDCG@k with binary relevance: log2(rank+1) discounts and the ideal DCG of the qrels', () => {
    const rel = new Set(['a', 'b'])
    close(ndcgAt(['a', 'b', 'x'], rel, 10), 1)
    close(ndcgAt(['b', 'a'], rel, 10), 1)
    // relevant at ranks 2 and 3: (1/log2 3 + 1/log2 4) / (1 + 1/log2 3)
    close(ndcgAt(['x', 'a', 'b'], rel, 10), (1 / Math.log2(3) + 1 / Math.log2(4)) / (1 + 1 / Math.log2(3)))
    // one of two relevant found at rank 1: 1 / (1 + 1/log2 3)
    close(ndcgAt(['a', 'x'], rel, 10), 1 / (1 + 1 / Math.log2(3)))
    close(ndcgAt(['x', 'y'], rel, 10), 0)
    // beyond the cut-off counts nothing; the ideal is capped at k
    close(ndcgAt(['x', 'a'], rel, 1), 0)
    close(ndcgAt(['a'], new Set(['a', 'b', 'c']), 1), 1)
  })

  it('nDCG@k takes graded qrels (NFCorpus, TREC-COVID) as gains, as trec_eval does', () => {
    const graded = new Map([
      ['a', 2],
      ['b', 1],
    ])
    close(ndcgAt(['a', 'b'], graded, 10), 1)
    // the less relevant first: (1 + 2/log2 3) / (2 + 1/log2 3)
    close(ndcgAt(['b', 'a'], graded, 10), (1 + 2 / Math.log2(3)) / (2 + 1 / Math.log2(3)))
    close(recallAt(['b', 'x'], graded, 100), 0.5)
    const qrels = parseQrels('query-id\tcorpus-id\tscore\n1\ta\t2\n1\tb\t1\n1\tc\t0\n')
    assert.deepEqual(
      [...(qrels.get('1') ?? [])],
      [
        ['a', 2],
        ['b', 1],
      ],
    )
  })

  it('reads qrels without a header line or separated by spaces', () => {
    const qrels = parseQrels('1 a 1\n2\tb\t1\n\n')
    assert.deepEqual([...qrels.keys()], ['1', '2'])
  })

  it('recall@k is the share of relevant documents in the top k', () => {
    const rel = new Set(['a', 'b', 'c', 'd'])
    close(recallAt(['a', 'x', 'b'], rel, 100), 0.5)
    close(recallAt(['a', 'x', 'b'], rel, 2), 0.25)
    close(recallAt([], rel, 100), 0)
  })

  it('averages over every query in the qrels, missing rankings counting as 0', () => {
    const qrels = parseQrels('query-id\tcorpus-id\tscore\n1\ta\t1\n1\tb\t1\n2\tc\t1\n3\td\t0\n')
    assert.deepEqual([...qrels.keys()], ['1', '2'])
    const rankings = new Map([['1', ['a', 'b']]])
    close(
      meanMetric(qrels, rankings, (r, rel) => ndcgAt(r, rel, 10)),
      0.5,
    )
  })

  it('collapses chunk hits to documents keeping the best rank', () => {
    assert.deepEqual(documentRanking([{ doc: 'a' }, { doc: 'b' }, { doc: 'a' }, { doc: 'c' }]), [
      'a',
      'b',
      'c',
    ])
  })

  it('scores the queries with test qrels, whether or not queries.jsonl names a split', () => {
    const qrels = parseQrels('query-id\tcorpus-id\tscore\n1\td1\t1\n2\td2\t1\n3\td3\t1\n')
    const queries = [
      { _id: '1', metadata: {} }, // most BEIR sets
      { _id: '2', metadata: { split: 'test' } }, // SciFact
      { _id: '3', metadata: { split: 'train' } },
      { _id: '4' },
    ]
    assert.deepEqual(
      testQueries(queries, qrels).map((q) => q._id),
      ['1', '2'],
    )
  })

  it('ranks corpus entries with the same text together, at the place of the one kept', () => {
    const expand = withSameText([
      { id: 'a', hash: 'h1' },
      { id: 'b', hash: 'h2' },
      { id: 'a2', hash: 'h1' },
    ])
    assert.deepEqual(expand(['b', 'a']), ['b', 'a', 'a2'])
    assert.deepEqual(expand(['a', 'x']), ['a', 'a2', 'x'])
  })

  it('computes nearest-rank percentiles', () => {
    assert.equal(percentile([5, 1, 3, 2, 4], 50), 3)
    assert.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95), 10)
    assert.equal(percentile([], 95), 0)
  })
})

describe('answer metrics (SQuAD conventions)', () => {
  it('normalises case, punctuation and articles, and matches whole words', () => {
    assert.equal(normalizeAnswer('The  Robert Boyle, (an) chemist!'), 'robert boyle chemist')
    assert.ok(containsGold('It was shown by Robert Boyle [1].', ['Robert Boyle', 'Boyle']))
    assert.ok(containsGold('Discharge is 2,290 m3/s [1].', ['2,290 m3/s']))
    assert.ok(!containsGold('Boyles law [1].', ['Boyle']))
    assert.ok(!containsGold('anything', ['']))
    // An editor's note in the gold span is not part of the answer (answers show passages without it).
    assert.ok(
      containsGold('Construction starts with planning, design, and financing [1].', [
        'planning,[citation needed] design, and financing',
      ]),
    )
    assert.ok(
      !containsGold('Construction starts with planning and financing [1].', [
        'planning,[citation needed] design, and financing',
      ]),
    )
  })
})
