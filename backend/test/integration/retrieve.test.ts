import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { testConfig } from '../../src/config.js'
import { lexemesOf } from '../../src/db/queries/bm25.js'
import { chunksByIds } from '../../src/db/queries/chunks.js'
import { SHARED_LIBRARY_ID } from '../../src/db/queries/spaces.js'
import { BM25, idf } from '../../src/rag/bm25.js'
import { createRagContext } from '../../src/rag/context.js'
import { extractiveAnswer } from '../../src/rag/extractive.js'
import { deleteDocument, ingestDocument } from '../../src/rag/ingest.js'
import { retrieve, search } from '../../src/rag/retrieve.js'
import { snippetSentences, snippets, stemMatcher } from '../../src/rag/snippet.js'
import type { RagContext } from '../../src/rag/types.js'
import { createTestDatabase, dbKinds, type TestDatabase } from '../helpers/db.js'

const SHARED = [SHARED_LIBRARY_ID]

// Three one-chunk documents whose lexemes are easy to count by hand: the title is indexed with
// the content, so each has 5 lexeme occurrences (dl = 5, avgdl = 5, N = 3).
//   first:  first, appl×3, pear      second: second, appl, banana×3      third: third, cherri×2, pear×2
const DOCS = [
  { title: 'First', content: 'apple apple apple pear' },
  { title: 'Second', content: 'apple banana banana banana' },
  { title: 'Third', content: 'cherry cherry pear pear' },
]

/** BM25 of one term with dl = avgdl (length normalisation cancels out). */
const term = (tf: number, df: number, n = 3) => (idf(n, df) * tf * (BM25.k1 + 1)) / (tf + BM25.k1)
const near = (a: number | undefined, b: number) =>
  assert.ok(Math.abs((a ?? Number.NaN) - b) < 1e-4, `${a} ≉ ${b}`)

for (const kind of dbKinds()) {
  describe(`BM25 retrieval [${kind}]`, () => {
    let tdb: TestDatabase
    let ctx: RagContext
    const ids: Record<string, string> = {}
    before(async () => {
      tdb = await createTestDatabase(kind)
      ctx = createRagContext(tdb.db, testConfig())
      for (const d of DOCS) ids[d.title] = (await ingestDocument(ctx, { ...d, format: 'text' })).id
    })
    after(() => tdb.cleanup())

    it('scores a single term exactly as BM25 (k1 0.9, b 0.4, Lucene idf)', async () => {
      const r = await retrieve(ctx, 'apple', { k: 10 }, SHARED)
      assert.deepEqual(
        r.map((x) => x.title),
        ['First', 'Second'],
      )
      near(r[0]?.score, term(3, 2))
      near(r[1]?.score, term(1, 2))
    })

    it('sums the terms of an OR query', async () => {
      // search has no floor: "first" holds only the less specific half of the query (see the floor test).
      const r = await search(ctx, 'pear cherries', { k: 10 }, SHARED)
      assert.deepEqual(
        r.map((x) => x.title),
        ['Third', 'First'],
      )
      near(r[0]?.score, term(2, 2) + term(2, 1))
      near(r[1]?.score, term(1, 2))
      const floored = await retrieve(ctx, 'pear cherries', { k: 10 }, SHARED)
      assert.deepEqual(
        floored.map((x) => x.title),
        ['Third'],
      )
    })

    it('applies length normalisation', async () => {
      const long = await ingestDocument(ctx, {
        title: 'Fourth',
        content: 'banana kiwi kiwi kiwi kiwi kiwi kiwi kiwi kiwi kiwi kiwi kiwi kiwi kiwi kiwi',
        format: 'text',
      })
      const r = await retrieve(ctx, 'banana', { k: 10 }, SHARED)
      // Same tf would favour the shorter document; here tf 3 in 5 lexemes beats tf 1 in 17.
      assert.deepEqual(
        r.map((x) => x.title),
        ['Second', 'Fourth'],
      )
      await deleteDocument(ctx, long.id)
      near((await retrieve(ctx, 'apple', { k: 1 }, SHARED))[0]?.score, term(3, 2))
    })

    it('applies the relevance floor: one known word among unknown ones is not enough', async () => {
      assert.deepEqual(await retrieve(ctx, 'apple durian rambutan', { k: 10 }, SHARED), [])
      const unfloored = await search(ctx, 'apple durian rambutan', { k: 10 }, SHARED)
      assert.deepEqual(
        unfloored.map((x) => x.title),
        ['First', 'Second'],
      )
      assert.deepEqual(await retrieve(ctx, 'what is the capital of Mongolia', { k: 10 }, SHARED), [])
      assert.deepEqual(await retrieve(ctx, 'the of and is', { k: 10 }, SHARED), [], 'stopwords only')
      assert.deepEqual(await retrieve(ctx, '   ', { k: 10 }, SHARED), [])
    })

    it('bounds the work of a very long query to its rarest terms', async () => {
      const noise = Array.from({ length: 150 }, (_, i) => `zzword${i}`).join(' ')
      const r = await search(ctx, `${noise} cherries`, { k: 3 }, SHARED)
      assert.equal(r[0]?.title, 'Third')
    })

    it('honours k and returns the RetrievedChunk fields', async () => {
      const r = await search(ctx, 'apple pear', { k: 1 }, SHARED)
      assert.equal(r.length, 1)
      assert.deepEqual(Object.keys(r[0] ?? {}).sort(), [
        'chunk_id',
        'content',
        'document_id',
        'heading',
        'plain',
        'score',
        'snippet',
        'source',
        'space_id',
        'title',
      ])
      assert.equal(r[0]?.document_id, ids.First)
      assert.equal(r[0]?.content, 'apple apple apple pear')
      // Ingested as text: read as written, never as Markdown.
      assert.equal(r[0]?.plain, true)
    })

    it('snippets the best-matching sentences, at most ~300 characters', async () => {
      const filler = 'This sentence talks about something else entirely and keeps going for a while.'
      await ingestDocument(ctx, {
        content: `# Manual\n\n## Ports\n\n${filler} ${filler} The server listens on port 7860 by default. ${filler} ${filler} ${filler}`,
        format: 'markdown',
      })
      const [hit] = await retrieve(ctx, 'which port does the server listen on', { k: 1 }, SHARED)
      assert.equal(hit?.heading, 'Ports') // the path does not repeat the title
      assert.match(hit?.snippet ?? '', /^The server listens on port 7860 by default\./)
      assert.ok((hit?.snippet.length ?? 0) <= 300)
    })

    it('picks the same snippets when it skips the sentences that cannot match the query', async () => {
      const dir = new URL('../../../corpus/', import.meta.url)
      const contents = readdirSync(dir)
        .filter((f) => f.endsWith('.md'))
        .map((f) => readFileSync(new URL(f, dir), 'utf8'))
      contents.push(
        'Studies show it. The study was long. We are going now. Version 3.5 shipped. Mail ops@example.com today. Flies fly.',
      )
      const questions = [
        'How do I deploy this to Hugging Face Spaces?',
        'Which databases are supported?',
        'what happens when I hit the rate limit',
        'How are my passwords stored?',
        'which studies were going on in version 3.5',
        'who do I mail at example.com about flying',
        'capital of Mongolia',
      ]
      for (const q of questions) {
        const [queryLexemes = []] = await lexemesOf(tdb.db, [q])
        assert.deepEqual(
          await snippets(tdb.db, q, contents, queryLexemes),
          await snippets(tdb.db, q, contents),
          q,
        )
      }
    })

    it('stores each chunk’s sentence lexemes at ingestion; snippets from them match, with no round trip', async () => {
      const dir = new URL('../../../corpus/', import.meta.url)
      const added: string[] = []
      for (const f of readdirSync(dir).filter((n) => n.endsWith('.md'))) {
        const content = `${readFileSync(new URL(f, dir), 'utf8')}\n\nStudies show it. Flies fly. Mail ops@example.com.`
        added.push((await ingestDocument(ctx, { title: `stored ${f}`, content, format: 'markdown' })).id)
      }
      const rows = await tdb.db.query<{ id: string }>(
        `select id from chunks where document_id in (select (jsonb_array_elements_text($1::text::jsonb))::uuid)
         order by document_id, ordinal`,
        [JSON.stringify(added)],
      )
      const fetched = [
        ...(
          await chunksByIds(
            tdb.db,
            rows.map((r) => r.id),
          )
        ).values(),
      ]
      assert.ok(fetched.length >= 10)
      const contents = fetched.map((f) => f.chunk.content)
      const stored = fetched.map((f) => f.sentenceLexemes)
      // Stored as lexemesOf analyses each snippet sentence, in order.
      for (const f of fetched.slice(0, 5)) {
        assert.deepEqual(f.sentenceLexemes, await lexemesOf(tdb.db, snippetSentences(f.chunk.content)))
      }
      let queries = 0
      const counting = {
        ...tdb.db,
        query: ((text, params) => {
          queries++
          return tdb.db.query(text, params)
        }) as typeof tdb.db.query,
      }
      for (const q of [
        'How do I deploy this to Hugging Face Spaces?',
        'which studies',
        'who do I mail about flying',
      ]) {
        const [queryLexemes = []] = await lexemesOf(tdb.db, [q])
        queries = 0
        const fromStore = await snippets(counting, q, contents, queryLexemes, stored)
        assert.equal(queries, 0, 'stored lexemes need no round trip')
        assert.deepEqual(fromStore, await snippets(tdb.db, q, contents, queryLexemes), q)
      }
      // Chunks stored before the column existed (NULL) or whose sentences no longer line up are
      // analysed at query time: same snippets.
      const q = 'How do I deploy this to Hugging Face Spaces?'
      const [queryLexemes = []] = await lexemesOf(tdb.db, [q])
      const stale = stored.map((s, i) => (i % 3 === 0 ? null : i % 3 === 1 ? (s as string[][]).slice(1) : s))
      assert.deepEqual(
        await snippets(tdb.db, q, contents, queryLexemes, stale),
        await snippets(tdb.db, q, contents, queryLexemes),
      )
      // search(): the chat's retrieve() also hands the stored lexemes on to the answerer.
      const before = await search(ctx, q, { k: 5 }, SHARED)
      assert.ok(before.length > 0)
      const chatQ = 'How are passwords and sessions stored?'
      const fromStore = await retrieve(ctx, chatQ, { k: 6 }, SHARED)
      const answered = extractiveAnswer(chatQ, fromStore)
      assert.ok(answered)
      await tdb.db.query(
        `update chunks set sentence_lexemes = null
         where document_id in (select (jsonb_array_elements_text($1::text::jsonb))::uuid)`,
        [JSON.stringify(added)],
      )
      assert.deepEqual(await search(ctx, q, { k: 5 }, SHARED), before)
      // Without stored lexemes the chat analyses the sentences that can match: the answerer still
      // weighs them by Postgres' lexemes (not the stand-in stemmer), so the answer is the same.
      const analysed = await retrieve(ctx, chatQ, { k: 6 }, SHARED)
      assert.ok(analysed.every((c) => Array.isArray(c.analysis?.sentenceLexemes)))
      assert.deepEqual(extractiveAnswer(chatQ, analysed), answered)
      for (const id of added) await deleteDocument(ctx, id)
    })
  })
}

describe('stemMatcher', () => {
  it('matches words whose stem starts like a lexeme, y and i alike', () => {
    const m = stemMatcher(['studi', 'go', '3.5', 'fli', 'example.com', 'c++'])
    assert.ok(m('Recent studies agree.'))
    assert.ok(m('The STUDY agrees.'))
    assert.ok(m('We were going.'))
    assert.ok(m('Version 3.5 is out.'))
    assert.ok(m('Flying.'))
    assert.ok(m('Write to ops@example.com.'))
    assert.ok(m('Written in C.'), 'a lexeme with symbols matches by its first word')
    assert.ok(!m('Nothing to see here.'))
    assert.ok(!m('Ergo, nothing.'), 'only at the start of a word')
    assert.ok(stemMatcher(['password'])('Set `ADMIN_PASSWORD`.'), 'Postgres splits words at `_`')
    assert.ok(!stemMatcher([])('anything'))
  })
})
