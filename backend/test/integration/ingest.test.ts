import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { testConfig } from '../../src/config.js'
import type { Database } from '../../src/db/client.js'
import { AppError } from '../../src/errors.js'
import { createRagContext } from '../../src/rag/context.js'
import { deleteDocument, ingestDocument } from '../../src/rag/ingest.js'
import type { RagContext } from '../../src/rag/types.js'
import { makePdf } from '../fixtures/pdf.js'
import { createTestDatabase, dbKinds, type TestDatabase } from '../helpers/db.js'

async function count(db: Database, sql: string, params: unknown[] = []): Promise<number> {
  const rows = await db.query<{ n: number | string }>(sql, params)
  return Number(rows[0]?.n ?? 0)
}

/** The stored statistics equal what the postings say (df, N, total length), space by space. */
async function assertStatsConsistent(db: Database) {
  const drift = await db.query(
    `select coalesce(s.space_id, p.space_id) as space_id, coalesce(s.lexeme, p.lexeme) as lexeme, s.df, p.n
     from space_terms s
     full join (select space_id, lexeme, count(*) as n from chunk_terms group by space_id, lexeme) p
       on p.space_id = s.space_id and p.lexeme = s.lexeme
     where s.df is distinct from p.n`,
  )
  assert.deepEqual([...drift], [], 'space_terms.df matches the postings')
  const stats = await db.query(
    `select coalesce(s.space_id, c.space_id) as space_id, s.chunk_count, c.n, s.total_terms, c.t
     from space_stats s
     full join (
       select c.space_id, count(*) as n,
         (select coalesce(sum(tf), 0) from chunk_terms t where t.space_id = c.space_id) as t
       from chunks c group by c.space_id
     ) c on c.space_id = s.space_id
     where s.chunk_count is distinct from coalesce(c.n, 0)
        or s.total_terms is distinct from coalesce(c.t, 0)::float8`,
  )
  assert.deepEqual([...stats], [], 'space_stats match the chunks and postings')
  assert.equal(
    await count(
      db,
      'select count(*) as n from chunk_terms t join chunks c on c.id = t.chunk_id where t.space_id <> c.space_id',
    ),
    0,
    "postings carry their chunk's space",
  )
  assert.equal(
    await count(
      db,
      'select count(*) as n from chunk_terms t left join chunks c on c.id = t.chunk_id where c.id is null',
    ),
    0,
    'no orphan postings',
  )
}

for (const kind of dbKinds()) {
  describe(`ingestion [${kind}]`, () => {
    let tdb: TestDatabase
    let ctx: RagContext
    before(async () => {
      tdb = await createTestDatabase(kind)
      ctx = createRagContext(tdb.db, testConfig())
    })
    after(() => tdb.cleanup())

    it('ingests Markdown, text, HTML and PDF', async () => {
      const md = await ingestDocument(ctx, {
        content: '# Guide\n\n## Setup\n\nRun npm ci.',
        format: 'markdown',
      })
      assert.deepEqual([md.title, md.chunks, md.created, md.status], ['Guide', 1, true, 'created'])
      const txt = await ingestDocument(ctx, {
        content: 'Plain words.',
        format: 'text',
        source: 'notes/plain-words.txt',
      })
      assert.equal(txt.title, 'plain words')
      const html = await ingestDocument(ctx, {
        content: new TextEncoder().encode(
          '<title>Web</title><main><h1>Web</h1><p>Hypertext body.</p></main>',
        ),
        format: 'html',
      })
      assert.equal(html.title, 'Web')
      const pdf = await ingestDocument(ctx, {
        content: makePdf(['Portable text.'], 'Portable'),
        format: 'pdf',
      })
      assert.equal(pdf.title, 'Portable')
      const heading = await tdb.db.query<{ heading: string }>(
        'select heading from chunks where document_id = $1',
        [md.id],
      )
      // The heading path does not repeat the title ("Guide — Setup", never "Guide — Guide > Setup").
      assert.deepEqual([...heading], [{ heading: 'Setup' }])
      assert.ok((await count(tdb.db, 'select count(*) as n from chunk_terms')) > 0)
      await assertStatsConsistent(tdb.db)
    })

    it('is idempotent by content hash', async () => {
      const input = { content: '# Same\n\nIdentical content.', format: 'markdown' as const }
      const first = await ingestDocument(ctx, input)
      const again = await ingestDocument(ctx, {
        ...input,
        content: '# Same\r\n\r\nIdentical content.\r\n',
        title: 'Other',
      })
      assert.equal(again.id, first.id)
      assert.equal(again.title, 'Same')
      assert.deepEqual([again.created, again.status], [false, 'unchanged'])
      assert.equal(await count(tdb.db, 'select count(*) as n from documents where title = $1', ['Same']), 1)
    })

    it('concurrent ingests of the same content create one document', async () => {
      const input = {
        content: '# Racing\n\nThe same text posted three times at once.',
        format: 'markdown' as const,
      }
      const results = await Promise.all([1, 2, 3].map(() => ingestDocument(ctx, input)))
      assert.equal(new Set(results.map((r) => r.id)).size, 1)
      assert.equal(results.filter((r) => r.created).length, 1)
      await assertStatsConsistent(tdb.db)
    })

    it('replaces the chunks of a changed document at the same source', async () => {
      const v1 = await ingestDocument(ctx, {
        content: '# Changing\n\nVersion one mentions walruses.',
        format: 'markdown',
        source: 'docs/changing.md',
      })
      const oldChunks = await tdb.db.query<{ id: string }>('select id from chunks where document_id = $1', [
        v1.id,
      ])
      const v2 = await ingestDocument(ctx, {
        content: '# Changed\n\nVersion two mentions narwhals.\n\n## More\n\nAnd more.',
        format: 'markdown',
        source: 'docs/changing.md',
      })
      assert.deepEqual(
        [v2.id, v2.title, v2.chunks, v2.created, v2.status],
        [v1.id, 'Changed', 2, false, 'updated'],
      )
      assert.equal(v2.created_at.getTime(), v1.created_at.getTime())
      assert.equal(
        await count(tdb.db, 'select count(*) as n from documents where source = $1', ['docs/changing.md']),
        1,
      )
      const ids = oldChunks.map((c) => c.id)
      assert.equal(await count(tdb.db, 'select count(*) as n from chunks where id::text = any($1)', [ids]), 0)
      assert.equal(await count(tdb.db, "select count(*) as n from space_terms where lexeme = 'walrus'"), 0)
      assert.equal(await count(tdb.db, "select count(*) as n from space_terms where lexeme = 'narwhal'"), 1)
      await assertStatsConsistent(tdb.db)
    })

    it('refuses unusable input with a 422 AppError and writes nothing', async () => {
      const before = await count(tdb.db, 'select count(*) as n from documents')
      for (const input of [
        { content: '', format: 'markdown' as const },
        { content: new Uint8Array([0, 0, 1, 2, 0xff]), format: 'text' as const },
        { content: new TextEncoder().encode('%PDF-1.4 broken'), format: 'pdf' as const },
      ]) {
        await assert.rejects(
          ingestDocument(ctx, input),
          (e: unknown) => e instanceof AppError && e.statusCode === 422,
        )
      }
      assert.equal(await count(tdb.db, 'select count(*) as n from documents'), before)
    })

    it('leaves nothing behind when the database fails mid-ingest', async () => {
      const before = {
        documents: await count(tdb.db, 'select count(*) as n from documents'),
        chunks: await count(tdb.db, 'select count(*) as n from chunks'),
        postings: await count(tdb.db, 'select count(*) as n from chunk_terms'),
        stats: [...(await tdb.db.query('select * from space_stats order by space_id'))],
      }
      // A real failure inside the transaction, after the document row and the chunks are written.
      await tdb.db.exec(`
        create function fail_ingest() returns trigger language plpgsql as $$
        begin raise exception 'simulated failure while writing postings'; end $$;
        create trigger fail_ingest before insert on space_terms for each statement execute function fail_ingest();`)
      try {
        await assert.rejects(
          ingestDocument(ctx, {
            content: '# Doomed\n\nThis never lands.',
            format: 'markdown',
            source: 'doomed.md',
          }),
          /simulated failure/,
        )
        // The replacement path fails the same way and keeps the old version whole.
        await assert.rejects(
          ingestDocument(ctx, {
            content: '# Changed again\n\nNope.',
            format: 'markdown',
            source: 'docs/changing.md',
          }),
          /simulated failure/,
        )
      } finally {
        await tdb.db.exec('drop trigger fail_ingest on space_terms; drop function fail_ingest();')
      }
      assert.equal(await count(tdb.db, 'select count(*) as n from documents'), before.documents)
      assert.equal(await count(tdb.db, 'select count(*) as n from chunks'), before.chunks)
      assert.equal(await count(tdb.db, 'select count(*) as n from chunk_terms'), before.postings)
      assert.deepEqual([...(await tdb.db.query('select * from space_stats order by space_id'))], before.stats)
      assert.equal(await count(tdb.db, "select count(*) as n from documents where title = 'Changed'"), 1)
      await assertStatsConsistent(tdb.db)
    })

    it('writes a document of many chunks whole, or not at all when a late statement fails', async () => {
      // More chunks than the embedded database writes in one statement (rag/ingest.ts).
      const sections = (word: string) =>
        Array.from(
          { length: 150 },
          (_, i) => `## ${word} ${i}\n\nSection ${i} tells of ${word}s and of the number ${i * 7}.`,
        ).join('\n\n')
      const big = await ingestDocument(ctx, { content: `# Many\n\n${sections('heron')}`, format: 'markdown' })
      assert.ok(big.chunks > 128, `chunks: ${big.chunks}`)
      assert.equal(
        await count(tdb.db, 'select count(*) as n from chunks where document_id = $1', [big.id]),
        big.chunks,
      )
      assert.deepEqual(
        (
          await tdb.db.query<{ ordinal: number }>(
            'select ordinal from chunks where document_id = $1 order by ordinal',
            [big.id],
          )
        ).map((r) => r.ordinal),
        Array.from({ length: big.chunks }, (_, i) => i),
      )
      await assertStatsConsistent(tdb.db)
      const before = {
        documents: await count(tdb.db, 'select count(*) as n from documents'),
        chunks: await count(tdb.db, 'select count(*) as n from chunks'),
        stats: [...(await tdb.db.query('select * from space_stats order by space_id'))],
      }
      await tdb.db.exec(`
        create function fail_late() returns trigger language plpgsql as $$
        begin raise exception 'simulated failure on a late chunk'; end $$;
        create trigger fail_late before insert on chunks for each row when (new.ordinal = 140)
          execute function fail_late();`)
      try {
        await assert.rejects(
          ingestDocument(ctx, { content: `# Many more\n\n${sections('egret')}`, format: 'markdown' }),
          /simulated failure/,
        )
      } finally {
        await tdb.db.exec('drop trigger fail_late on chunks; drop function fail_late();')
      }
      assert.equal(await count(tdb.db, 'select count(*) as n from documents'), before.documents)
      assert.equal(await count(tdb.db, 'select count(*) as n from chunks'), before.chunks)
      assert.equal(await count(tdb.db, "select count(*) as n from space_terms where lexeme = 'egret'"), 0)
      assert.deepEqual([...(await tdb.db.query('select * from space_stats order by space_id'))], before.stats)
      await assertStatsConsistent(tdb.db)
    })

    it('deletes a document with its chunks and postings, keeping the statistics exact', async () => {
      const doc = await ingestDocument(ctx, {
        content: '# Gone soon\n\nOcelots and margays.',
        format: 'markdown',
      })
      assert.equal(await deleteDocument(ctx, doc.id), true)
      assert.equal(await deleteDocument(ctx, doc.id), false)
      assert.equal(
        await count(tdb.db, 'select count(*) as n from chunks where document_id = $1', [doc.id]),
        0,
      )
      assert.equal(
        await count(tdb.db, "select count(*) as n from space_terms where lexeme in ('ocelot', 'margay')"),
        0,
      )
      await assertStatsConsistent(tdb.db)
    })
  })
}
