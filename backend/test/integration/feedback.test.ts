// Answer feedback (docs/api.md §8): PUT/DELETE on one's own answers only, shown with the conversation,
// and the admins' list (newest first, by rating, cursor pages) and export (JSON Lines and CSV).
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { testConfig } from '../../src/config.js'
import { FakeClock } from '../../src/lib/clock.js'
import { csvField } from '../../src/routes/feedback.js'
import { buildTestApp, json, type TestApp } from '../helpers/app.js'
import { ingestCorpus } from '../helpers/chat-corpus.js'
import { createTestDatabase, dbKinds, type TestDatabase } from '../helpers/db.js'
import { bearer, createUserWithSession } from '../helpers/users.js'

interface Message {
  id: string
  role: string
  content: string
  citations: unknown[]
  feedback: { rating: string; comment: string | null } | null
  mode: string | null
}
interface Item {
  message_id: string
  conversation_id: string
  user_email: string
  question: string
  answer: string
  citations: Array<{ index: number }>
  rating: string
  comment: string | null
  created_at: string
}

const UNKNOWN = '0190a8f0-0000-7000-8000-00000000abcd'

for (const kind of dbKinds()) {
  describe(`feedback [${kind}]`, () => {
    const clock = new FakeClock()
    let tdb: TestDatabase
    let t: TestApp
    let alice: string
    let bob: string
    let admin: string
    const aliceEmail = `fb-alice-${kind}@example.com`

    before(async () => {
      tdb = await createTestDatabase(kind)
      await ingestCorpus(tdb.db, testConfig())
      t = await buildTestApp(kind, {}, { tdb, clock })
      const config = testConfig()
      alice = (await createUserWithSession(tdb.db, config, { email: aliceEmail, clock })).token
      bob = (await createUserWithSession(tdb.db, config, { email: `fb-bob-${kind}@example.com`, clock }))
        .token
      admin = (
        await createUserWithSession(tdb.db, config, {
          email: `fb-admin-${kind}@example.com`,
          role: 'admin',
          clock,
        })
      ).token
    })
    after(async () => {
      await t?.close()
      await tdb?.cleanup()
    })

    const call = (token: string, method: 'GET' | 'PUT' | 'DELETE' | 'PATCH', url: string, payload?: object) =>
      t.app.inject({ method, url, headers: bearer(token), ...(payload === undefined ? {} : { payload }) })
    const ask = async (token: string, message: string, conversationId?: string) =>
      json<{ conversation_id: string; message: { id: string } }>(
        await t.app.inject({
          method: 'POST',
          url: '/api/chat/message',
          headers: bearer(token),
          payload: { message, ...(conversationId ? { conversation_id: conversationId } : {}) },
        }),
      )
    const messagesOf = async (token: string, id: string) =>
      json<{ messages: Message[] }>(await call(token, 'GET', `/api/chat/conversations/${id}`)).messages
    const rate = (token: string, id: string, body: object) =>
      call(token, 'PUT', `/api/chat/messages/${id}/feedback`, body)

    it('stores a rating on the caller’s answer, replaces it on a second PUT, and removes it on DELETE', async () => {
      const turn = await ask(alice, 'Which port does the Docker container listen on?')
      const id = turn.message.id
      const before = await messagesOf(alice, turn.conversation_id)
      assert.deepEqual(
        before.map((m) => m.feedback),
        [null, null],
      )
      assert.deepEqual(
        before.map((m) => m.mode),
        [null, 'extractive'],
      )

      const put = await rate(alice, id, { rating: 'up' })
      assert.equal(put.statusCode, 204)
      assert.equal(put.body, '')
      assert.deepEqual((await messagesOf(alice, turn.conversation_id))[1]?.feedback, {
        rating: 'up',
        comment: null,
      })

      assert.equal((await rate(alice, id, { rating: 'down', comment: '  Wrong port.  ' })).statusCode, 204)
      assert.deepEqual((await messagesOf(alice, turn.conversation_id))[1]?.feedback, {
        rating: 'down',
        comment: 'Wrong port.',
      })
      const rows = await tdb.db.query<{ n: number }>(
        'select count(*)::int as n from feedback where message_id = $1',
        [id],
      )
      assert.equal(rows[0]?.n, 1)

      const del = await call(alice, 'DELETE', `/api/chat/messages/${id}/feedback`)
      assert.equal(del.statusCode, 204)
      assert.equal((await messagesOf(alice, turn.conversation_id))[1]?.feedback, null)
      // Withdrawing a rating that is not there is not an error.
      assert.equal((await call(alice, 'DELETE', `/api/chat/messages/${id}/feedback`)).statusCode, 204)
    })

    it('answers 404 for another user’s answer, a question, an unknown or a malformed id', async () => {
      const turn = await ask(alice, 'How does the health check work?')
      const [question] = await messagesOf(alice, turn.conversation_id)
      for (const [token, id] of [
        [bob, turn.message.id],
        [alice, question?.id ?? ''],
        [alice, UNKNOWN],
        [alice, 'not-a-uuid'],
      ] as const) {
        for (const res of [
          await rate(token, id, { rating: 'up' }),
          await call(token, 'DELETE', `/api/chat/messages/${id}/feedback`),
        ]) {
          assert.equal(res.statusCode, 404, `${id}`)
          assert.equal(json(res).code, 'not_found')
        }
      }
      // Bob's attempt left nothing behind.
      assert.equal((await messagesOf(alice, turn.conversation_id))[1]?.feedback, null)
    })

    it('validates the rating and the comment', async () => {
      const turn = await ask(alice, 'Which port does the container use?')
      for (const body of [
        {},
        { rating: 'meh' },
        { rating: 1 },
        { rating: 'up', comment: 'x'.repeat(2001) },
        { rating: 'up', comment: 'nul\u0000byte' },
      ]) {
        const res = await rate(alice, turn.message.id, body)
        assert.equal(res.statusCode, 422, JSON.stringify(body).slice(0, 60))
        assert.equal(json(res).code, 'validation_error')
      }
      assert.equal(
        (await rate(alice, turn.message.id, { rating: 'up', comment: 'x'.repeat(2000) })).statusCode,
        204,
      )
    })

    it('lists ratings for admins, newest first, with the question, answer and citations; 403 for others', async () => {
      const user = (
        await createUserWithSession(tdb.db, testConfig(), { email: `fb-list-${kind}@example.com`, clock })
      ).token
      const rated: string[] = []
      for (const [i, q] of [
        'Docker port?',
        'Docker health check?',
        'Which port does the Docker container listen on?',
      ].entries()) {
        clock.advance(1000)
        const turn = await ask(user, q)
        assert.equal(
          (await rate(user, turn.message.id, { rating: i === 1 ? 'down' : 'up', comment: `c${i}` }))
            .statusCode,
          204,
        )
        rated.push(turn.message.id)
      }
      assert.equal((await call(user, 'GET', '/api/admin/feedback')).statusCode, 403)
      assert.equal(json(await call(user, 'GET', '/api/admin/feedback')).code, 'forbidden')

      const all = json<{ feedback: Item[]; next_cursor: string | null }>(
        await call(admin, 'GET', '/api/admin/feedback?limit=100'),
      )
      const mine = all.feedback.filter((f) => rated.includes(f.message_id))
      assert.deepEqual(
        mine.map((f) => f.message_id),
        [...rated].reverse(),
      )
      const top = mine[0] as Item
      assert.deepEqual(Object.keys(top).sort(), [
        'answer',
        'citations',
        'comment',
        'conversation_id',
        'created_at',
        'message_id',
        'question',
        'rating',
        'user_email',
      ])
      assert.equal(top.question, 'Which port does the Docker container listen on?')
      assert.equal(top.user_email, `fb-list-${kind}@example.com`)
      assert.ok(top.answer.length > 0)
      assert.ok(top.citations.length > 0, 'the answer cites the Docker document')
      assert.equal(top.comment, 'c2')

      const down = json<{ feedback: Item[] }>(
        await call(admin, 'GET', '/api/admin/feedback?rating=down&limit=100'),
      )
      assert.ok(down.feedback.every((f) => f.rating === 'down'))
      assert.ok(down.feedback.some((f) => f.message_id === rated[1]))

      // Cursor pages walk the whole list once.
      const seen: string[] = []
      let cursor: string | null = null
      let pages = 0
      do {
        const res = await call(
          admin,
          'GET',
          `/api/admin/feedback?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        )
        assert.equal(res.statusCode, 200)
        const page = json<{ feedback: Item[]; next_cursor: string | null }>(res)
        seen.push(...page.feedback.map((f) => f.message_id))
        cursor = page.next_cursor
        pages++
      } while (cursor && pages < 50)
      assert.deepEqual(
        seen,
        all.feedback.map((f) => f.message_id),
      )
      for (const qs of ['cursor=%21%21', 'rating=meh', 'limit=0']) {
        assert.equal((await call(admin, 'GET', `/api/admin/feedback?${qs}`)).statusCode, 422, qs)
      }
    })

    it('exports every rating as JSON Lines or CSV (admins only)', async () => {
      const turn = await ask(alice, 'Docker health check interval?')
      clock.advance(1000)
      const comment = '=HYPERLINK("x"), "quoted", and\na new line'
      assert.equal((await rate(alice, turn.message.id, { rating: 'down', comment })).statusCode, 204)
      assert.equal((await call(alice, 'GET', '/api/admin/feedback/export')).statusCode, 403)

      const jsonl = await call(admin, 'GET', '/api/admin/feedback/export')
      assert.equal(jsonl.statusCode, 200)
      assert.match(String(jsonl.headers['content-type']), /^application\/x-ndjson/)
      assert.match(
        String(jsonl.headers['content-disposition']),
        /^attachment; filename="feedback-.*\.jsonl"$/,
      )
      const items = jsonl.body
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as Item)
      const listed = json<{ feedback: Item[] }>(
        await call(admin, 'GET', '/api/admin/feedback?limit=100'),
      ).feedback
      assert.deepEqual(items, listed)
      assert.equal(items[0]?.comment, comment)

      const csv = await call(admin, 'GET', '/api/admin/feedback/export?format=csv&rating=down')
      assert.equal(csv.statusCode, 200)
      assert.match(String(csv.headers['content-type']), /^text\/csv/)
      assert.ok(
        csv.body.startsWith(
          'created_at,rating,comment,user_email,question,answer,citations,message_id,conversation_id\r\n',
        ),
      )
      assert.ok(csv.body.includes(csvField(comment)))
      assert.ok(!csv.body.includes(',up,'))
    })

    it('quotes CSV fields and defuses spreadsheet formulas', () => {
      assert.equal(csvField('plain'), 'plain')
      assert.equal(csvField('a,b'), '"a,b"')
      assert.equal(csvField('say "hi"'), '"say ""hi"""')
      assert.equal(csvField('=1+1'), "'=1+1")
      assert.equal(csvField(null), '')
      assert.equal(csvField([{ index: 1 }]), '"[{""index"":1}]"')
    })

    it('forgets the ratings of a deleted conversation', async () => {
      const turn = await ask(alice, 'Docker image user?')
      assert.equal((await rate(alice, turn.message.id, { rating: 'up' })).statusCode, 204)
      assert.equal(
        (await call(alice, 'DELETE', `/api/chat/conversations/${turn.conversation_id}`)).statusCode,
        204,
      )
      const rows = await tdb.db.query<{ n: number }>(
        'select count(*)::int as n from feedback where message_id = $1',
        [turn.message.id],
      )
      assert.equal(rows[0]?.n, 0)
    })
  })
}
