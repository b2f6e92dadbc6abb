// Issue 17 through the API (docs/api.md §7, §8, §10): a team space holding one short document;
// search in it finds the chunk, and a chat limited to it (`space_ids`) answers with a citation of
// that chunk, while questions the space does not answer get the plain refusal.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { NO_CONTEXT_ANSWER } from '../../src/rag/answer.js'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { newUser } from '../helpers/auth.js'
import { dbKinds } from '../helpers/db.js'
import { as, createSpace, expectStatus } from '../helpers/spaces.js'

const ENV = {
  RATE_LIMIT_AUTH: '10000/minute',
  RATE_LIMIT_GLOBAL: '100000/minute',
  RATE_LIMIT_CHAT: '1000/minute',
}
const FACT = 'The lattice must be re-tensioned every eleven days.'
const QUESTION = 'How often must the lattice be re-tensioned?'
const NOT_COVERED = [
  'What is the capital of Mongolia?',
  'How often must the boiler be inspected?',
  'How often must the lattice be painted?',
  'What is the lattice made of?',
]

interface Citation {
  index: number
  chunk_id: string
  space_id: string
}
interface ChatBody {
  message: { content: string; citations: Citation[] }
}

for (const kind of dbKinds()) {
  describe(`chat limited to a one-chunk team space, through the API [${kind}]`, () => {
    let t: TestApp
    let owner: { token: string }
    let team: string
    let chunkId: string

    const chat = async (message: string, spaceIds?: string[]) =>
      expectStatus<ChatBody>(
        await as(t.app, owner.token)('POST', '/api/chat/message', {
          message,
          ...(spaceIds ? { space_ids: spaceIds } : {}),
        }),
        200,
      ).message

    before(async () => {
      t = await buildTestApp(kind, ENV)
      owner = await newUser(t.app)
      team = (await createSpace(t.app, owner.token)).id
      const doc = expectStatus<{ space_id: string; chunks: number }>(
        await as(t.app, owner.token)('POST', '/api/documents', {
          title: 'Lattice care',
          content: FACT,
          format: 'text',
          space_id: team,
        }),
        201,
      )
      assert.deepEqual([doc.space_id, doc.chunks], [team, 1])
      const found = expectStatus<{ results: { chunk_id: string; space_id: string; score: number }[] }>(
        await as(t.app, owner.token)('GET', `/api/search?q=${encodeURIComponent(QUESTION)}&space_id=${team}`),
        200,
      ).results
      assert.equal(found.length, 1)
      assert.ok(found[0] && found[0].space_id === team && found[0].score > 0)
      chunkId = found[0].chunk_id
    })
    after(() => t.close())

    it('answers from the space with a citation of its chunk, with space_ids and in the default scope', async () => {
      for (const scope of [[team], undefined]) {
        const m = await chat(QUESTION, scope)
        assert.match(m.content, /re-tensioned every eleven days \[1\]/, `scope ${scope}`)
        assert.deepEqual(
          m.citations.map((c) => [c.index, c.chunk_id, c.space_id]),
          [[1, chunkId, team]],
        )
      }
    })

    it('refuses, without citations, what the space does not say', async () => {
      for (const question of NOT_COVERED) {
        const m = await chat(question, [team])
        assert.equal(m.content, NO_CONTEXT_ANSWER, question)
        assert.deepEqual(m.citations, [], question)
      }
    })
  })
}
