import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { testConfig } from '../../src/config.js'
import { createRagContext } from '../../src/rag/context.js'
import { ingestDocument } from '../../src/rag/ingest.js'
import { buildTestApp, json, type TestApp } from '../helpers/app.js'
import { dbKinds } from '../helpers/db.js'
import { bearer, createUserWithSession } from '../helpers/users.js'

interface Result {
  chunk_id: string
  document_id: string
  title: string
  source: string | null
  heading: string | null
  snippet: string
  score: number
}

for (const kind of dbKinds()) {
  describe(`GET /api/search [${kind}]`, () => {
    let t: TestApp
    let auth: Record<string, string>
    before(async () => {
      t = await buildTestApp(kind)
      const config = testConfig()
      auth = bearer((await createUserWithSession(t.tdb.db, config, { email: 'reader@example.com' })).token)
      const ctx = createRagContext(t.tdb.db, config)
      for (let i = 0; i < 12; i++) {
        await ingestDocument(ctx, {
          content: `# Volcano ${i}\n\n## Eruptions\n\nVolcano number ${i} erupts lava ${'and ash '.repeat(i)}every spring.`,
          format: 'markdown',
          source: `volcano-${i}.md`,
        })
      }
    })
    after(() => t.close())

    const search = (qs: string, headers = auth) =>
      t.app.inject({ method: 'GET', url: `/api/search${qs}`, headers })

    it('answers 401 without a session', async () => {
      const res = await search('?q=volcano', {})
      assert.equal(res.statusCode, 401)
      assert.equal(json(res).code, 'auth_required')
    })

    it('returns results best first with the contract fields, k defaulting to 8', async () => {
      const res = await search('?q=ash%20eruptions')
      assert.equal(res.statusCode, 200)
      const { results } = json<{ results: Result[] }>(res)
      assert.equal(results.length, 8)
      for (const r of results) {
        assert.deepEqual(Object.keys(r).sort(), [
          'chunk_id',
          'document_id',
          'heading',
          'score',
          'snippet',
          'source',
          'space_id',
          'title',
        ])
        assert.equal(r.heading, 'Eruptions') // the path leaves out the title (its first heading)
        assert.match(r.snippet, /erupts lava/)
        assert.ok(r.snippet.length <= 300)
      }
      const scores = results.map((r) => r.score)
      assert.deepEqual(
        scores,
        [...scores].sort((a, b) => b - a),
      )
      assert.equal(results[0]?.source, 'volcano-11.md', 'most "ash" first')
    })

    it('honours k from 1 to 100', async () => {
      assert.equal(json<{ results: Result[] }>(await search('?q=volcano&k=1')).results.length, 1)
      assert.equal(json<{ results: Result[] }>(await search('?q=volcano&k=100')).results.length, 12)
    })

    it('answers 422 for q or k out of range', async () => {
      for (const qs of [
        '',
        '?q=',
        '?q=%20%20%20',
        `?q=${'a'.repeat(1001)}`,
        '?q=x&k=0',
        '?q=x&k=101',
        '?q=x&k=abc',
        '?q=x&k=1.5',
      ]) {
        const res = await search(qs)
        assert.equal(res.statusCode, 422, qs)
        const body = json<{ code: string; errors: { path: string }[] }>(res)
        assert.equal(body.code, 'validation_error')
        assert.ok(body.errors.length > 0)
      }
      assert.equal((await search(`?q=${'a'.repeat(1000)}`)).statusCode, 200)
    })

    it('ranks without the chat relevance floor: weak matches are still results, while chat refuses', async () => {
      // "volcano" is one known word among unknown ones: below the chat's floor (docs/api.md §7, §8).
      const q = 'volcano quasar pulsar nebula magnetar'
      const res = await search(`?q=${encodeURIComponent(q)}&k=5`)
      assert.equal(res.statusCode, 200)
      assert.equal(json<{ results: Result[] }>(res).results.length, 5)
      const chat = await t.app.inject({
        method: 'POST',
        url: '/api/chat/message',
        headers: auth,
        payload: { message: q },
      })
      assert.equal(chat.statusCode, 200)
      assert.deepEqual(json<{ message: { citations: unknown[] } }>(chat).message.citations, [])
    })

    it('finds a dotted name by its parts and by itself ("node" and "Node.js", "vercel json")', async () => {
      const ctx = createRagContext(t.tdb.db, testConfig())
      await ingestDocument(ctx, {
        content: '# Runtime\n\nThe server needs Node.js 20 and reads its settings from vercel.json at start.',
        format: 'markdown',
        source: 'runtime.md',
      })
      for (const q of ['node', 'Node.js', 'vercel%20json', 'vercel.json']) {
        const { results } = json<{ results: Result[] }>(await search(`?q=${q}`))
        assert.equal(results[0]?.source, 'runtime.md', q)
      }
    })

    it('finds nothing for an off-topic question', async () => {
      const res = await search('?q=what%20is%20the%20capital%20of%20Mongolia')
      assert.deepEqual(json(res), { results: [] })
    })
  })
}
