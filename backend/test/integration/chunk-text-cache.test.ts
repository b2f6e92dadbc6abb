// chunksByIds remembers the text of chunks it read (a chunk's text never changes): a chunk read
// again comes back without its text over the wire, yet whether it still exists, its space and its
// document's title are read every time.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { testConfig } from '../../src/config.js'
import type { Executor } from '../../src/db/client.js'
import { chunksByIds } from '../../src/db/queries/chunks.js'
import { createRagContext } from '../../src/rag/context.js'
import { deleteDocument, ingestDocument } from '../../src/rag/ingest.js'
import type { RagContext } from '../../src/rag/types.js'
import { createTestDatabase, dbKinds, type TestDatabase } from '../helpers/db.js'

for (const kind of dbKinds()) {
  describe(`chunk text cache [${kind}]`, () => {
    let tdb: TestDatabase
    let ctx: RagContext
    let docId: string
    let chunkIds: string[]
    /** The rows the database sent for each statement run through `spy`. */
    const sent: Record<string, unknown>[][] = []
    let spy: Executor

    before(async () => {
      tdb = await createTestDatabase(kind)
      ctx = createRagContext(tdb.db, testConfig())
      const content =
        '# Orchard\n\nApples keep at 2.5 °C. Quinces keep at 0 °C.\n\n## Press\n\nPressing costs 4 euros.'
      docId = (await ingestDocument(ctx, { title: 'Orchard', content, format: 'markdown' })).id
      chunkIds = (
        await tdb.db.query<{ id: string }>('select id from chunks where document_id = $1 order by ordinal', [
          docId,
        ])
      ).map((r) => r.id)
      spy = {
        query: async <T>(text: string, params?: unknown[]) => {
          const rows = await tdb.db.query<T>(text, params)
          sent.push(rows as Record<string, unknown>[])
          return rows
        },
        exec: (text: string) => tdb.db.exec(text),
      }
    })
    after(() => tdb.cleanup())

    it('a chunk read again has the same text, which the database no longer sends', async () => {
      assert.ok(chunkIds.length > 0)
      const first = await chunksByIds(spy, chunkIds)
      const second = await chunksByIds(spy, chunkIds)
      assert.deepEqual([...second.entries()], [...first.entries()])
      for (const id of chunkIds) assert.match(first.get(id)?.chunk.content ?? '', /keep|costs/)
      const [a, b] = sent.slice(-2)
      assert.ok(a?.every((r) => r.known === false && typeof r.content === 'string'))
      assert.ok(b?.every((r) => r.known === true && r.content === null && r.sentence_lexemes === null))
    })

    it('the title is read now, and a deleted chunk is gone at once', async () => {
      await chunksByIds(spy, chunkIds)
      await tdb.db.query('update documents set title = $2 where id = $1', [docId, 'Fruit store'])
      const renamed = await chunksByIds(spy, chunkIds)
      assert.ok([...renamed.values()].every((f) => f.chunk.title === 'Fruit store'))
      await deleteDocument(ctx, docId)
      assert.equal((await chunksByIds(spy, chunkIds)).size, 0)
    })

    it('the remembered text cannot be changed by a reader', async () => {
      const [f] = (await chunksByIds(spy, chunkIds.slice(0, 1))).values()
      // Deleted above: ingest again for a fresh chunk.
      assert.equal(f, undefined)
      const id = (
        await ingestDocument(ctx, { title: 'Pears', content: 'Pears ripen in a week.', format: 'text' })
      ).id
      const [chunk] = await tdb.db.query<{ id: string }>('select id from chunks where document_id = $1', [id])
      await chunksByIds(spy, [chunk?.id as string])
      const again = (await chunksByIds(spy, [chunk?.id as string])).get(chunk?.id as string)
      const lexemes = again?.sentenceLexemes as string[][]
      assert.ok(Array.isArray(lexemes) && lexemes.length > 0)
      assert.throws(() => (lexemes[0] as string[]).push('x'), TypeError)
    })
  })
}
