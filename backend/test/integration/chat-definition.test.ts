// "What is <a document's title>?" (rag/definition.ts): the answer is the document's opening, which
// rarely repeats the name ("Fast, in memory work queue." under "# fastq"), not the first sentence
// ranking finds that names it (an install command). The opening is read only from spaces the asker
// searches: a document of the same title elsewhere is neither used nor hinted at.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { answerQuestion } from '../../src/cli/eval-answers.js'
import { testConfig } from '../../src/config.js'
import { NO_CONTEXT_ANSWER } from '../../src/rag/answer.js'
import { createRagContext } from '../../src/rag/context.js'
import { ingestDocument } from '../../src/rag/ingest.js'
import type { RagContext } from '../../src/rag/types.js'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { newUser } from '../helpers/auth.js'
import { createTestDatabase, dbKinds, type TestDatabase } from '../helpers/db.js'
import { createSpace } from '../helpers/spaces.js'

const ENV = { RATE_LIMIT_AUTH: '10000/minute', RATE_LIMIT_GLOBAL: '100000/minute' }
const OPENING = 'Fast, in memory quill sharpening queue.'
/** A README whose sections all name the project, so that ranking alone never favours its opening. */
const README = [
  '# quillmark',
  '',
  '![ci][ci-url] [![npm version][npm-badge]][npm-url]',
  '',
  OPENING,
  '',
  ...['Install', 'Usage', 'Options', 'Events', 'Errors', 'Benchmarks', 'Testing', 'Licence'].flatMap(
    (section, i) => [
      `## ${section}`,
      '',
      `Run quillmark with ${section.toLowerCase()} ${i}: quillmark reads quillmark.json and quillmark prints what quillmark did.`,
      '',
    ],
  ),
].join('\n')

const ask = (ctx: RagContext, question: string, spaceIds: string[]) =>
  answerQuestion(ctx, question, [], spaceIds)

for (const kind of dbKinds()) {
  describe(`"What is <title>?" answered from the document's opening [${kind}]`, () => {
    let tdb: TestDatabase
    let t: TestApp
    let ctx: RagContext
    let team: string
    let other: string
    let opening: string

    before(async () => {
      tdb = await createTestDatabase(kind)
      t = await buildTestApp(kind, ENV, { tdb })
      ctx = createRagContext(tdb.db, testConfig())
      team = (await createSpace(t.app, (await newUser(t.app)).token)).id
      other = (await createSpace(t.app, (await newUser(t.app)).token)).id
      const doc = await ingestDocument(ctx, { content: README, format: 'markdown', spaceId: team })
      const [first] = await tdb.db.query<{ id: string }>(
        'select id from chunks where document_id = $1 order by ordinal limit 1',
        [doc.id],
      )
      opening = (first as { id: string }).id
    })
    after(async () => {
      await t.close()
      await tdb.cleanup()
    })

    it('answers with the opening sentence, citing the opening chunk', async () => {
      for (const question of [
        'What is quillmark?',
        "What's quillmark?",
        'and what is Quillmark',
        'What does quillmark do?',
      ]) {
        const out = await ask(ctx, question, [team])
        assert.equal(out.content, `${OPENING.slice(0, -1)} [1].`, question)
        assert.deepEqual(
          out.citations.map((c) => [c.index, c.chunk_id, c.title]),
          [[1, opening, 'quillmark']],
          question,
        )
      }
    })

    it('leaves other questions about it to the sentences that answer them', async () => {
      const out = await ask(ctx, 'What does quillmark read?', [team])
      assert.match(out.content, /quillmark\.json/)
    })

    it("never reads a same-titled document's opening from a space the asker does not search", async () => {
      await ingestDocument(ctx, {
        content:
          '# quillmark\n\nA private diary kept by the quillmark guild.\n\n## Entries\n\nquillmark notes.',
        format: 'markdown',
        spaceId: other,
      })
      const mine = await ask(ctx, 'What is quillmark?', [team])
      assert.equal(mine.content, `${OPENING.slice(0, -1)} [1].`)
      assert.ok(!JSON.stringify(mine).includes('diary'))
      const theirs = await ask(ctx, 'What is quillmark?', [other])
      assert.match(theirs.content, /A private diary kept by the quillmark guild \[1\]\./)
      assert.ok(!JSON.stringify(theirs).includes('sharpening'))
    })

    it('does not answer from an opening when no document has that name', async () => {
      const out = await ask(ctx, 'What is a sharpening queue?', [other])
      assert.equal(out.content, NO_CONTEXT_ANSWER)
    })
  })
}
