// Retrieval inside spaces (docs/api.md §7, §10): the filter is inside the SQL, scores depend only on
// the searched spaces, and the pruned BM25 top k is the exact one (issue 18), checked against an
// exhaustive pass and on known-item questions over the bench's synthetic corpus.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { testConfig } from '../../src/config.js'
import { readSpaceStats, reweightSpace } from '../../src/db/queries/bm25.js'
import { type Bm25Result, onScoreGrid } from '../../src/db/queries/bm25-search.js'
import { insertSpace, SHARED_LIBRARY_ID } from '../../src/db/queries/spaces.js'
import { chunkLexemes, queryTermStats } from '../../src/db/queries/term-idf.js'
import { uuidv7 } from '../../src/lib/ids.js'
import { BM25, bm25PlanSearch, bm25Search } from '../../src/rag/bm25.js'
import { createRagContext } from '../../src/rag/context.js'
import { addDistractors } from '../../src/rag/eval-distractors.js'
import { deleteDocument, ingestDocument } from '../../src/rag/ingest.js'
import { cachedBm25Search, PostingCache, postingCacheOf } from '../../src/rag/posting-cache.js'
import { retrieve, search } from '../../src/rag/retrieve.js'
import { knownItemQuestions } from '../../src/rag/synthetic-corpus.js'
import type { RagContext } from '../../src/rag/types.js'
import { createTestDatabase, dbKinds, type TestDatabase } from '../helpers/db.js'

/** Budgets scaled to a ~1,200-chunk corpus the way the product's are to 100k–1M chunks. */
const TINY = [
  { wholePostings: 150, perTerm: 10, rescoreAll: true },
  { wholePostings: 600, perTerm: 40, rescoreAll: true },
]
/** Reads every posting of every query term: the reference ranking. */
const EXHAUSTIVE = [{ wholePostings: 1e9, perTerm: 1e9, rescoreAll: true }]

const QUERIES = ['volcano lava eruption', 'glacier ice melting', 'lava ice', 'ash cloud over the glacier']

async function space(db: TestDatabase['db'], name: string): Promise<string> {
  const id = uuidv7()
  await insertSpace(db, { id, name, kind: 'team' })
  return id
}

for (const kind of dbKinds()) {
  describe(`retrieval inside spaces [${kind}]`, () => {
    let tdb: TestDatabase
    let ctx: RagContext
    let mine: string
    let theirs: string
    const ingest = (spaceId: string, title: string, content: string) =>
      ingestDocument(ctx, { title, content, format: 'text', spaceId })
    before(async () => {
      tdb = await createTestDatabase(kind)
      ctx = createRagContext(tdb.db, testConfig())
      mine = await space(tdb.db, 'Mine')
      theirs = await space(tdb.db, 'Theirs')
      await ingest(mine, 'Volcanoes', 'A volcano erupts lava and ash. Lava flows downhill from the volcano.')
      await ingest(mine, 'Glaciers', 'A glacier is slow ice. Melting ice feeds rivers below the glacier.')
      await ingest(SHARED_LIBRARY_ID, 'Ash', 'An ash cloud from an eruption can ground aircraft for days.')
      await ingest(
        SHARED_LIBRARY_ID,
        'Ice',
        'Sea ice and glacier ice differ: melting sea ice does not raise the sea.',
      )
    })
    after(() => tdb.cleanup())

    const snapshot = async (spaceIds: string[]) => {
      const out = []
      for (const q of QUERIES) out.push(await search(ctx, q, { k: 10 }, spaceIds))
      return out
    }

    it('returns only chunks of the searched spaces', async () => {
      await ingest(theirs, 'Their volcano', 'volcano volcano lava lava eruption eruption glacier ice')
      for (const q of QUERIES) {
        const r = await search(ctx, q, { k: 20 }, [mine])
        assert.ok(r.length > 0, q)
        assert.ok(
          r.every((c) => c.space_id === mine),
          q,
        )
      }
      assert.deepEqual(await retrieve(ctx, 'volcano', { k: 5 }, []), [])
    })

    it('keeps results and scores identical while other spaces gain and lose documents', async () => {
      const scopes = [[mine], [mine, SHARED_LIBRARY_ID]]
      const before = await Promise.all(scopes.map(snapshot))
      const added = []
      for (let i = 0; i < 6; i++) {
        const text = `volcano ${'lava '.repeat(i)} ice glacier ash eruption melting cloud ${i} ${'filler '.repeat(i * 5)}`
        added.push(await ingest(theirs, `Theirs ${i}`, text))
      }
      assert.deepEqual(await Promise.all(scopes.map(snapshot)), before, 'after adding')
      for (const d of added.slice(0, 4)) await deleteDocument(ctx, d.id)
      assert.deepEqual(await Promise.all(scopes.map(snapshot)), before, 'after deleting')
      // The check can see a change: a document in a searched space moves the scores.
      await ingest(mine, 'More lava', 'lava lava lava everywhere')
      assert.notDeepEqual(await snapshot([mine]), before[0])
    })

    it('orders chunks that tie by id, in the pruned plan, the exhaustive one and the posting cache', async () => {
      // A sum taken in another order differs in its last bits; every plan rounds to one grid.
      assert.notEqual(0.1 + 0.2 + 0.3, 0.1 + (0.2 + 0.3))
      assert.equal(onScoreGrid(0.1 + 0.2 + 0.3), onScoreGrid(0.1 + (0.2 + 0.3)))
      const xs = Array.from({ length: 500 }, (_, i) => (i % 7) + Math.sin(i) * 3 + 1e-12 * i)
      const rows = await tdb.db.query<{ g: number }>(
        `select round(x * 1e9) / 1e9 as g from unnest($1::float8[]) with ordinality u(x, i) order by i`,
        [xs],
      )
      assert.deepEqual(
        rows.map((r) => Number(r.g)),
        xs.map(onScoreGrid),
        'SQL and JavaScript round to the same grid',
      )
      // Chunks of equal length holding the query's terms equally often score the same.
      const tied = await space(tdb.db, 'Tied')
      for (const word of ['north', 'south', 'east', 'west', 'inland', 'seaward']) {
        await ingest(tied, `Compass ${word}`, `Magnetic compass needles point ${word} toward the pole.`)
      }
      for (const plan of [TINY, EXHAUSTIVE]) {
        const r = await bm25PlanSearch(tdb.db, 'compass needle pole', [tied], 6, plan)
        assert.equal(r.hits.length, 6)
        assert.equal(new Set(r.hits.map((h) => h.score)).size, 1, 'one score')
        const ids = r.hits.map((h) => h.chunk_id)
        assert.deepEqual(ids, [...ids].sort(), 'ties by chunk id')
        const cached = await cachedBm25Search(tdb.db, 'compass needle pole', [tied], 6, new PostingCache())
        assert.deepEqual(cached?.hits, r.hits)
      }
    })

    it('combines df and N over the searched spaces', async () => {
      const [one] = await search(ctx, 'glacier', { k: 1 }, [mine])
      const [both] = await search(ctx, 'glacier', { k: 1 }, [mine, SHARED_LIBRARY_ID])
      assert.equal(one?.chunk_id, both?.chunk_id)
      assert.notEqual(one?.score, both?.score, 'idf over two spaces differs from idf over one')
    })
  })

  describe(`known-item recall with pruning [${kind}]`, () => {
    let tdb: TestDatabase
    let ctx: RagContext
    const DOCS = 60
    let where: Map<string, string>
    before(async () => {
      tdb = await createTestDatabase(kind)
      ctx = createRagContext(tdb.db, testConfig())
      const { nextDoc } = await addDistractors(ctx, DOCS * 20)
      assert.equal(nextDoc, DOCS)
      const rows = await tdb.db.query<{ id: string; source: string; ordinal: number }>(
        'select c.id, d.source, c.ordinal from chunks c join documents d on d.id = c.document_id',
      )
      where = new Map(rows.map((r) => [String(r.id), `${r.source}#${r.ordinal}`]))
    })
    after(() => tdb.cleanup())

    it('finds the source section in the top 8 for ≥ 95 % of 200 questions, ranked as without pruning', async () => {
      const questions = knownItemQuestions(200, DOCS)
      let found = 0
      let exact = 0
      for (const q of questions) {
        const pruned = await bm25PlanSearch(tdb.db, q.question, [SHARED_LIBRARY_ID], 50, TINY)
        const top8 = pruned.hits.slice(0, 8).map((h) => where.get(h.chunk_id))
        if (top8.includes(`${q.source}#${q.section}`)) found++
        if (!pruned.exact) continue
        exact++
        const full = await bm25PlanSearch(tdb.db, q.question, [SHARED_LIBRARY_ID], 50, EXHAUSTIVE)
        assert.deepEqual(
          pruned.hits.map((h) => [h.chunk_id, h.score.toFixed(9), h.matched_terms]),
          full.hits.map((h) => [h.chunk_id, h.score.toFixed(9), h.matched_terms]),
          q.question,
        )
      }
      assert.ok(found / questions.length >= 0.95, `known-item recall ${found}/${questions.length}`)
      assert.ok(exact / questions.length >= 0.9, `provably exact ${exact}/${questions.length}`)
    })

    it("names each hit's query lexemes as chunk_terms holds them, and the terms' df (the chat's floor reads no more)", async () => {
      const questions = knownItemQuestions(100, DOCS)
      for (const budgets of [TINY, undefined]) {
        for (const q of questions) {
          const r = budgets
            ? await bm25PlanSearch(tdb.db, q.question, [SHARED_LIBRARY_ID], 50, budgets)
            : await bm25Search(tdb.db, q.question, [SHARED_LIBRARY_ID], 50)
          assert.equal(r.lexemesComplete, true, q.question)
          const held = await chunkLexemes(
            tdb.db,
            r.hits.map((h) => h.chunk_id),
            r.queryLexemes,
          )
          assert.deepEqual(r.stats, await queryTermStats(tdb.db, q.question, [SHARED_LIBRARY_ID]), q.question)
          for (const h of r.hits) {
            assert.deepEqual([...h.lexemes].sort(), [...(held.get(h.chunk_id) ?? [])].sort(), q.question)
            assert.equal(h.matched_terms, h.lexemes.length, q.question)
          }
        }
      }
      // Left unrescored, or a query with more lexemes than are scanned: not complete.
      const lazy = [{ wholePostings: 10, perTerm: 2, rescoreAll: false }]
      const q = (questions[0] as (typeof questions)[number]).question
      assert.equal((await bm25PlanSearch(tdb.db, q, [SHARED_LIBRARY_ID], 50, lazy)).lexemesComplete, false)
      const words = await tdb.db.query<{ lexeme: string }>(
        `select lexeme from space_terms where space_id = $1 order by df desc, lexeme limit 80`,
        [SHARED_LIBRARY_ID],
      )
      const long = words.map((w) => w.lexeme).join(' ')
      assert.equal((await bm25Search(tdb.db, long, [SHARED_LIBRARY_ID], 50)).lexemesComplete, false)
    })

    it('answers from remembered posting lists exactly as the SQL plan does, and never from stale ones', async () => {
      const cache = new PostingCache()
      const same = async (q: string, spaceIds: string[], note: string) => {
        const remembered = await cachedBm25Search(tdb.db, q, spaceIds, 50, cache)
        assert.ok(remembered, `${note}: took the remembered lists (${q})`)
        const plan = await bm25PlanSearch(tdb.db, q, spaceIds, 50, EXHAUSTIVE)
        const shape = (r: Bm25Result) =>
          r.hits.map((h) => [h.chunk_id, h.score.toFixed(9), h.matched_terms, [...h.lexemes].sort()])
        assert.deepEqual(shape(remembered), shape(plan), `${note}: ${q}`)
        assert.deepEqual(remembered.stats, plan.stats, `${note}: ${q}`)
        assert.deepEqual([...remembered.queryLexemes].sort(), [...plan.queryLexemes].sort(), `${note}: ${q}`)
        return remembered
      }
      const questions = knownItemQuestions(60, DOCS).map((q) => q.question)
      for (const q of questions) await same(q, [SHARED_LIBRARY_ID], 'first read')
      const held = cache.size
      assert.ok(held > 0)
      for (const q of questions) await same(q, [SHARED_LIBRARY_ID], 'remembered')
      assert.equal(cache.size, held, 'the second round read nothing new')

      // A write to the space (ingest, delete) is seen by the very next search.
      const marker = 'quetzalcoatlus'
      const probe = `${questions[0]} ${marker}`
      await same(probe, [SHARED_LIBRARY_ID], 'before the write')
      const doc = await ingestDocument(ctx, {
        title: 'Pterosaurs',
        content: `The ${marker} was the largest flying animal. ${questions[0]}`,
        format: 'text',
        spaceId: SHARED_LIBRARY_ID,
      })
      const after = await same(probe, [SHARED_LIBRARY_ID], 'after an ingest')
      const ids = new Set(
        (await tdb.db.query<{ id: string }>('select id from chunks where document_id = $1', [doc.id])).map(
          (r) => String(r.id),
        ),
      )
      assert.ok(
        after.hits.some((h) => ids.has(h.chunk_id)),
        'the new document is found at once',
      )
      await deleteDocument(ctx, doc.id)
      const gone = await same(probe, [SHARED_LIBRARY_ID], 'after a delete')
      assert.ok(!gone.hits.some((h) => ids.has(h.chunk_id)), 'the deleted document is gone at once')
      for (const q of questions.slice(0, 10)) await same(q, [SHARED_LIBRARY_ID], 'after the writes')
      // Weights recomputed (another avgdl) make every remembered list of the space stale.
      const { weightsAvgdl } = await readSpaceStats(tdb.db, SHARED_LIBRARY_ID)
      await reweightSpace(tdb.db, SHARED_LIBRARY_ID, BM25, weightsAvgdl * 1.5)
      for (const q of questions.slice(0, 10)) await same(q, [SHARED_LIBRARY_ID], 'after re-weighting')
      await reweightSpace(tdb.db, SHARED_LIBRARY_ID, BM25, weightsAvgdl)

      // Another space beside it: scored apart, merged, and its writes leave the library's lists.
      const team = await space(tdb.db, 'Team')
      await ingestDocument(ctx, {
        title: 'Team notes',
        content: `${questions[1]} ${questions[2]}`,
        format: 'text',
        spaceId: team,
      })
      for (const q of questions.slice(0, 10)) await same(q, [SHARED_LIBRARY_ID, team], 'two spaces')
      await same(questions[1] as string, [team], 'the team space alone')
      // Another database handle has a memory of its own (generations are per database).
      assert.notEqual(postingCacheOf(tdb.db), postingCacheOf({ ...tdb.db }))
    })

    it('a memory too small for one query keeps answering exactly', async () => {
      const cache = new PostingCache(50)
      for (const { question } of knownItemQuestions(20, DOCS)) {
        const remembered = await cachedBm25Search(tdb.db, question, [SHARED_LIBRARY_ID], 8, cache)
        const plan = await bm25PlanSearch(tdb.db, question, [SHARED_LIBRARY_ID], 8, EXHAUSTIVE)
        assert.deepEqual(
          remembered?.hits.map((h) => [h.chunk_id, h.score.toFixed(9)]),
          plan.hits.map((h) => [h.chunk_id, h.score.toFixed(9)]),
          question,
        )
      }
    })
  })
}
