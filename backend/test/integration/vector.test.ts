// Dense retrieval (pgvector on PGlite) against a local OpenAI-compatible embeddings server.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { testConfig } from '../../src/config.js'
import { chunksByIds, denseSearch } from '../../src/db/queries/chunks.js'
import { insertSpace, SHARED_LIBRARY_ID } from '../../src/db/queries/spaces.js'
import { recordedModel } from '../../src/db/queries/vector.js'
import { AppError } from '../../src/errors.js'
import { uuidv7 } from '../../src/lib/ids.js'
import { createRagContext } from '../../src/rag/context.js'
import { createEmbedder } from '../../src/rag/embeddings.js'
import { RRF_K } from '../../src/rag/fusion.js'
import { ingestDocument } from '../../src/rag/ingest.js'
import { reembedAll } from '../../src/rag/reembed.js'
import { retrieve } from '../../src/rag/retrieve.js'
import { ensureVectorSupport, forgetVectorStatus } from '../../src/rag/vector.js'
import { createTestDatabase, dbKinds, type TestDatabase } from '../helpers/db.js'
import {
  type EmbeddingsServer,
  hashedBagOfWords,
  startEmbeddingsServer,
} from '../helpers/openai-embeddings-server.js'

const SHARED = [SHARED_LIBRARY_ID]

const DIMS = 64

function recorder() {
  const lines: string[] = []
  return { lines, log: { info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m) } }
}

describe('dense retrieval + RRF [pglite]', () => {
  let server: EmbeddingsServer
  let tdb: TestDatabase
  const env = (model = 'test-embed', dims = DIMS) => ({
    EMBEDDING_BASE_URL: server.url,
    EMBEDDING_MODEL: model,
    EMBEDDING_DIMENSIONS: String(dims),
  })
  before(async () => {
    server = await startEmbeddingsServer({ dimensions: DIMS })
    tdb = await createTestDatabase('pglite')
  })
  after(async () => {
    await tdb.cleanup()
    await server.close()
  })

  it('creates the vector column and records the model at start-up', async () => {
    const config = testConfig(env())
    const { log, lines } = recorder()
    const status = await ensureVectorSupport(tdb.db, config, log)
    assert.equal(status.state, 'ready')
    assert.deepEqual(await recordedModel(tdb.db), { model: 'test-embed', dimensions: DIMS })
    assert.ok(lines.some((l) => /dense retrieval on/.test(l)))
    assert.equal(createRagContext(tdb.db, config).embedder?.model, 'test-embed')
    // Idempotent: a second start changes nothing.
    assert.equal((await ensureVectorSupport(tdb.db, config, log)).state, 'ready')
  })

  it('embeds chunks at ingest (batched, floats) and fuses lexical and dense rankings with RRF', async () => {
    const ctx = createRagContext(tdb.db, testConfig(env()))
    server.requests.length = 0
    await ingestDocument(ctx, { content: '# Volcanoes\n\nVolcanoes erupt lava and ash.', format: 'markdown' })
    await ingestDocument(ctx, {
      content: '# Idioms\n\nWhat about this and that, and all of those over there?',
      format: 'markdown',
    })
    assert.equal(server.requests.length, 2)
    assert.equal(server.requests[0]?.encoding_format, 'float')
    assert.equal(server.requests[0]?.model, 'test-embed')
    const rows = await tdb.db.query<{ n: number }>(
      'select count(*)::int as n from chunks where embedding is not null',
    )
    assert.equal(Number(rows[0]?.n), 2)

    const [top] = await retrieve(ctx, 'volcanoes erupt lava', { k: 5 }, SHARED)
    assert.equal(top?.title, 'Volcanoes')
    // First in both rankings: 1/(60+1) twice.
    assert.ok(Math.abs((top?.score ?? 0) - 2 / (RRF_K + 1)) < 1e-6, String(top?.score))
    // Only stopwords: BM25 has no terms, the dense side still finds the passage.
    const dense = await retrieve(ctx, 'what about all of those over there', { k: 5 }, SHARED)
    assert.deepEqual(
      dense.map((r) => r.title),
      ['Idioms'],
    )
    // An unrelated question passes neither floor.
    assert.deepEqual(await retrieve(ctx, 'quantum chromodynamics gluon', { k: 5 }, SHARED), [])
  })

  it('filters the dense side by space inside the statement, exact or through the HNSW index', async () => {
    const ctx = createRagContext(tdb.db, testConfig(env()))
    const other = uuidv7()
    await insertSpace(tdb.db, { id: other, name: 'Other', kind: 'team' })
    const theirs = await ingestDocument(ctx, {
      content: '# Their idioms\n\nWhat about this and that, and all of those over there?',
      format: 'markdown',
      spaceId: other,
    })
    const vector = hashedBagOfWords('what about all of those over there', DIMS)
    for (const exact of [true, false]) {
      const shared = await denseSearch(tdb.db, vector, 10, SHARED, exact)
      const ids = new Set(
        (
          await chunksByIds(
            tdb.db,
            shared.map((h) => h.chunk_id),
          )
        ).values(),
      )
      assert.ok(shared.length >= 2, `exact ${exact}`)
      assert.ok(
        [...ids].every((c) => c.chunk.space_id === SHARED_LIBRARY_ID),
        `exact ${exact}`,
      )
      const mine = await denseSearch(tdb.db, vector, 10, [other], exact)
      assert.equal(mine.length, 1, `exact ${exact}`)
    }
    // Only stopwords (no BM25 terms): the dense side alone, and only the searched space.
    const dense = await retrieve(ctx, 'what about all of those over there', { k: 5 }, [other])
    assert.deepEqual(
      dense.map((r) => r.document_id),
      [theirs.id],
    )
  })

  it('falls back to lexical retrieval when the provider fails at query time', async () => {
    const { log, lines } = recorder()
    const ctx = createRagContext(tdb.db, testConfig(env()), log)
    server.failNext(500, 3)
    const [top] = await retrieve(ctx, 'volcanoes erupt lava', { k: 5 }, SHARED)
    assert.equal(top?.title, 'Volcanoes')
    assert.ok((top?.score ?? 0) > 1, 'a BM25 score, not an RRF one')
    assert.ok(lines.some((l) => /lexical retrieval only/.test(l)))
  })

  it('refuses to ingest (502, nothing written) when the provider fails', async () => {
    const ctx = createRagContext(tdb.db, testConfig(env()))
    server.failNext(500, 3)
    await assert.rejects(
      ingestDocument(ctx, { content: '# Glaciers\n\nIce moves slowly.', format: 'markdown' }),
      (e: unknown) => e instanceof AppError && e.code === 'upstream_error',
    )
    const rows = await tdb.db.query<{ n: number }>(
      "select count(*)::int as n from documents where title = 'Glaciers'",
    )
    assert.equal(Number(rows[0]?.n), 0)
  })

  it('stays lexical-only and says how to fix it when the model or size changed', async () => {
    for (const [model, dims] of [
      ['another-model', DIMS],
      ['test-embed', 32],
    ] as const) {
      const config = testConfig(env(model, dims))
      const { log, lines } = recorder()
      const status = await ensureVectorSupport(tdb.db, config, log)
      assert.equal(status.state, 'mismatch')
      assert.ok(
        lines.some((l) => /npm run reembed/.test(l) && /lexical-only/.test(l)),
        lines.join('\n'),
      )
      const ctx = createRagContext(tdb.db, config)
      assert.equal(ctx.embedder, null)
      server.requests.length = 0
      const [top] = await retrieve(ctx, 'volcanoes erupt lava', { k: 5 }, SHARED)
      assert.equal(top?.title, 'Volcanoes')
      assert.equal(server.requests.length, 0, 'no query embedding in lexical-only mode')
      await ingestDocument(ctx, {
        content: `# Lexical ${model} ${dims}\n\nNo vector for this one.`,
        format: 'markdown',
      })
      assert.equal(server.requests.length, 0)
    }
  })

  it('re-embeds every chunk with the new model, which turns dense retrieval back on', async () => {
    const config = testConfig(env('another-model', 32))
    const done = await reembedAll(
      tdb.db,
      createEmbedder(config.embedding as NonNullable<typeof config.embedding>),
    )
    const rows = await tdb.db.query<{ n: number; missing: number }>(
      'select count(*)::int as n, count(*) filter (where embedding is null)::int as missing from chunks',
    )
    assert.equal(done, Number(rows[0]?.n))
    assert.equal(Number(rows[0]?.missing), 0)
    assert.deepEqual(await recordedModel(tdb.db), { model: 'another-model', dimensions: 32 })
    forgetVectorStatus(tdb.db)
    const status = await ensureVectorSupport(tdb.db, config, recorder().log)
    assert.equal(status.state, 'ready')
    const [top] = await retrieve(createRagContext(tdb.db, config), 'volcanoes erupt lava', { k: 5 }, SHARED)
    assert.ok(Math.abs((top?.score ?? 0) - 2 / (RRF_K + 1)) < 1e-6)
  })
})

for (const kind of dbKinds().filter((k) => k === 'postgres')) {
  describe(`without pgvector [${kind}]`, () => {
    it('says so once and stays lexical', async (t) => {
      const tdb = await createTestDatabase(kind)
      try {
        const has = await tdb.db.query("select 1 from pg_available_extensions where name = 'vector'")
        if (has.length > 0) return t.skip('this Postgres has pgvector')
        const config = testConfig({
          EMBEDDING_BASE_URL: 'http://127.0.0.1:9/v1',
          EMBEDDING_MODEL: 'm',
          EMBEDDING_DIMENSIONS: '8',
        })
        const { log, lines } = recorder()
        const status = await ensureVectorSupport(tdb.db, config, log)
        assert.deepEqual(status, { state: 'off', reason: 'no_pgvector' })
        assert.equal(lines.length, 1)
        assert.match(lines[0] ?? '', /no pgvector/)
        const ctx = createRagContext(tdb.db, config)
        await ingestDocument(ctx, { content: '# Lexical\n\nStill searchable.', format: 'markdown' })
        assert.equal((await retrieve(ctx, 'searchable', { k: 3 }, SHARED))[0]?.title, 'Lexical')
      } finally {
        await tdb.cleanup()
      }
    })
  })
}
