import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { testConfig } from '../../src/config.js'
import { openDatabase } from '../../src/db/client.js'
import { SHARED_LIBRARY_ID } from '../../src/db/queries/spaces.js'
import { createRagContext } from '../../src/rag/context.js'
import { CORPUS_DIR, loadDemoCorpus } from '../../src/rag/demo-corpus.js'
import { deleteDocument } from '../../src/rag/ingest.js'
import { retrieve } from '../../src/rag/retrieve.js'
import { startupTasks } from '../../src/startup.js'
import { buildTestApp, json, type TestApp } from '../helpers/app.js'
import { createTestDatabase, dbKinds } from '../helpers/db.js'
import { bearer, createUserWithSession } from '../helpers/users.js'

const SHARED = [SHARED_LIBRARY_ID]

const FILES = readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.md'))

describe('demo corpus at start-up [pglite]', () => {
  let t: TestApp
  before(async () => {
    t = await buildTestApp('pglite')
  })
  after(() => t.close())

  it('loads the corpus once when the knowledge base is empty (DEMO_CORPUS=auto, no DATABASE_URL)', async () => {
    const config = testConfig()
    await startupTasks(t.app, { config, db: t.tdb.db })
    const docs = await t.tdb.db.query<{ source: string }>('select source from documents order by source')
    assert.deepEqual(
      docs.map((d) => d.source),
      FILES.map((f) => `corpus/${f}`).sort(),
    )
    const again = await loadDemoCorpus(createRagContext(t.tdb.db, config))
    assert.equal(again.loaded, false)
    const forced = await loadDemoCorpus(createRagContext(t.tdb.db, testConfig({ DEMO_CORPUS: 'true' })))
    assert.deepEqual(forced, { loaded: true, created: 0, updated: 0, unchanged: FILES.length })
  })

  it('does not bring back demo documents an admin deleted (auto loads once per database)', async () => {
    const db = (await createTestDatabase('pglite')).db
    try {
      const ctx = createRagContext(db, testConfig())
      assert.equal((await loadDemoCorpus(ctx)).created, FILES.length)
      for (const d of await db.query<{ id: string }>('select id from documents'))
        await deleteDocument(ctx, d.id)
      const again = await loadDemoCorpus(ctx)
      assert.equal(again.loaded, false)
      assert.match(again.reason ?? '', /loaded before/)
    } finally {
      await db.close()
    }
  })

  it('answers the deployment question and refuses an off-topic one', async () => {
    const ctx = createRagContext(t.tdb.db, testConfig())
    const hits = await retrieve(ctx, 'How do I deploy this to Hugging Face Spaces?', { k: 5 }, SHARED)
    assert.equal(hits[0]?.source, 'corpus/deploy-huggingface.md')
    assert.deepEqual(await retrieve(ctx, 'what is the capital of Mongolia', { k: 5 }, SHARED), [])
    const user = await createUserWithSession(t.tdb.db, testConfig(), { email: 'demo@example.com' })
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/search?q=session%20lifetime%20days',
      headers: bearer(user.token),
    })
    assert.equal(json<{ results: { source: string }[] }>(res).results.length > 0, true)
  })

  it('is skipped with DEMO_CORPUS=false, or with DATABASE_URL set in auto mode', async () => {
    const db = (await createTestDatabase('pglite')).db
    try {
      const off = await loadDemoCorpus(createRagContext(db, testConfig({ DEMO_CORPUS: 'false' })))
      assert.equal(off.loaded, false)
      const remote = testConfig({ DATABASE_URL: 'postgres://u@db.example.com/x' })
      assert.equal((await loadDemoCorpus(createRagContext(db, remote))).loaded, false)
    } finally {
      await db.close()
    }
  })
})

for (const kind of dbKinds().filter((k) => k === 'postgres')) {
  describe(`demo corpus, several instances starting at once [${kind}]`, () => {
    it('loads once under the advisory lock', async () => {
      const tdb = await createTestDatabase(kind)
      // Two "instances": two connection pools on the same database. DATABASE_URL stays unset in
      // their config so that auto mode applies and the emptiness check inside the lock matters.
      const other = await openDatabase({ databaseUrl: tdb.url, pgliteDir: null, max: 3 })
      try {
        const config = testConfig()
        const loads = await Promise.all(
          [tdb.db, other, tdb.db].map((db) => loadDemoCorpus(createRagContext(db, config))),
        )
        assert.equal(loads.filter((l) => l.loaded).length, 1, JSON.stringify(loads))
        assert.equal(
          loads.reduce((n, l) => n + l.created, 0),
          FILES.length,
        )
        const rows = await tdb.db.query<{ n: number }>('select count(*)::int as n from documents')
        assert.equal(Number(rows[0]?.n), FILES.length)
        // Forced loads racing each other still create nothing twice (content hashes).
        const forced = testConfig({ DEMO_CORPUS: 'true' })
        const again = await Promise.all(
          [tdb.db, other].map((db) => loadDemoCorpus(createRagContext(db, forced))),
        )
        assert.equal(
          again.reduce((n, l) => n + l.created + l.updated, 0),
          0,
        )
      } finally {
        await other.close()
        await tdb.cleanup()
      }
    })
  })
}
