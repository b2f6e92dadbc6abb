// A chat limited to a small space (issue 17: "a member of one small space gets full results from
// it"): the chat's path (findSources → generateAnswer, offline) answers from a one-chunk team space
// with a citation, and still refuses what the space does not say. Whether it answers depends only
// on spaces every asker reads (the searched ones and the shared library), and search's scores only
// on the searched spaces.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { answerQuestion } from '../../src/cli/eval-answers.js'
import { testConfig } from '../../src/config.js'
import { SHARED_LIBRARY_ID } from '../../src/db/queries/spaces.js'
import { NO_CONTEXT_ANSWER } from '../../src/rag/answer.js'
import { createRagContext } from '../../src/rag/context.js'
import { ingestDocument } from '../../src/rag/ingest.js'
import { retrieve, search } from '../../src/rag/retrieve.js'
import type { RagContext } from '../../src/rag/types.js'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { newUser } from '../helpers/auth.js'
import { DOCKER_DOC, ingestCorpus } from '../helpers/chat-corpus.js'
import { createTestDatabase, dbKinds, type TestDatabase } from '../helpers/db.js'
import { createSpace } from '../helpers/spaces.js'

const ENV = { RATE_LIMIT_AUTH: '10000/minute', RATE_LIMIT_GLOBAL: '100000/minute' }
const FACT = 'The lattice must be re-tensioned every eleven days.'
const ASKED = ['How often must the lattice be re-tensioned?', 'When is the lattice re-tensioned?']
/** Questions the space does not answer: unrelated, or about its subject but not what it says. */
const NOT_COVERED = [
  'What is the capital of Mongolia?',
  'How often must the boiler be inspected?',
  'How often must the lattice be painted?',
  'When must the lattice be painted?',
  'What is the lattice made of?',
  'Which port does the Docker container listen on?',
]

const ask = (ctx: RagContext, question: string, spaceIds: string[]) =>
  answerQuestion(ctx, question, [], spaceIds)

for (const kind of dbKinds()) {
  describe(`chat inside a small space [${kind}]`, () => {
    let tdb: TestDatabase
    let t: TestApp
    let ctx: RagContext
    let team: string
    let other: string
    let chunkId: string

    before(async () => {
      tdb = await createTestDatabase(kind)
      t = await buildTestApp(kind, ENV, { tdb })
      ctx = createRagContext(tdb.db, testConfig())
      const owner = await newUser(t.app)
      team = (await createSpace(t.app, owner.token)).id
      other = (await createSpace(t.app, (await newUser(t.app)).token)).id
      await ingestDocument(ctx, { title: 'Lattice care', content: FACT, format: 'text', spaceId: team })
      const [hit] = await search(ctx, 'lattice', { k: 1 }, [team])
      assert.ok(hit)
      chunkId = hit.chunk_id
    })
    after(async () => {
      await t.close()
      await tdb.cleanup()
    })

    const answersFromTheSpace = async () => {
      for (const question of ASKED) {
        const out = await ask(ctx, question, [team])
        assert.notEqual(out.content, NO_CONTEXT_ANSWER, question)
        assert.match(out.content, /re-tensioned every eleven days \[1\]/, question)
        assert.deepEqual(
          out.citations.map((c) => [c.index, c.chunk_id]),
          [[1, chunkId]],
          question,
        )
      }
    }
    const refusesTheRest = async () => {
      for (const question of NOT_COVERED) {
        const out = await ask(ctx, question, [team])
        assert.equal(out.content, NO_CONTEXT_ANSWER, question)
        assert.deepEqual(out.citations, [], question)
      }
    }

    it('answers from a one-chunk space with an empty shared library, and refuses what it does not say', async () => {
      await answersFromTheSpace()
      await refusesTheRest()
    })

    it('does the same with documents in the shared library; search in the space keeps its scores', async () => {
      const before = await search(ctx, ASKED[0] as string, { k: 5 }, [team])
      await ingestCorpus(tdb.db, testConfig())
      assert.deepEqual(await search(ctx, ASKED[0] as string, { k: 5 }, [team]), before)
      await answersFromTheSpace()
      await refusesTheRest()
      // The default scope answers from either.
      const both = await ask(ctx, ASKED[0] as string, [team, SHARED_LIBRARY_ID])
      assert.deepEqual(
        both.citations.map((c) => c.chunk_id),
        [chunkId],
      )
      const docker = await ask(ctx, 'Which port does the Docker container listen on?', [
        team,
        SHARED_LIBRARY_ID,
      ])
      assert.match(docker.content, /7860 \[1\]/)
      assert.equal(docker.citations[0]?.title, DOCKER_DOC.title)
    })

    it('decides on nothing from spaces the asker cannot read', async () => {
      const questions = [...ASKED, ...NOT_COVERED]
      const snapshot = () => Promise.all(questions.map((q) => retrieve(ctx, q, { k: 6 }, [team])))
      const seen = await snapshot()
      // Another user's space fills up with the question's words: often, lattice, painted, boiler.
      for (let i = 0; i < 30; i++) {
        await ingestDocument(ctx, {
          title: `Often ${i}`,
          content: `Often the lattice is painted ${i} times; often a boiler is inspected. Often, often.`,
          format: 'text',
          spaceId: other,
        })
      }
      // The very sentence, word for word, in a space the asker cannot read: never a second source.
      await ingestDocument(ctx, { title: 'Lattice copy', content: FACT, format: 'text', spaceId: other })
      assert.deepEqual(await snapshot(), seen)
      await answersFromTheSpace()
      await refusesTheRest()
    })
  })
}
