// Conversations: list with cursor pages, read, delete, per-user isolation, message order, and the
// per-user chat rate limit.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { testConfig } from '../../src/config.js'
import { FakeClock } from '../../src/lib/clock.js'
import { buildTestApp, json, type TestApp } from '../helpers/app.js'
import { ingestCorpus } from '../helpers/chat-corpus.js'
import { createTestDatabase, dbKinds, type TestDatabase } from '../helpers/db.js'
import { bearer, createUserWithSession } from '../helpers/users.js'

interface Summary {
  id: string
  title: string
  created_at: string
  updated_at: string
}
interface Page {
  conversations: Summary[]
  next_cursor: string | null
}

const MALFORMED = 'not-a-uuid'
const UNKNOWN = '0190a8f0-0000-7000-8000-00000000abcd'

for (const kind of dbKinds()) {
  describe(`conversations [${kind}]`, () => {
    const clock = new FakeClock()
    let tdb: TestDatabase
    let t: TestApp
    let limited: TestApp
    let alice: string
    let bob: string
    let admin: string

    before(async () => {
      tdb = await createTestDatabase(kind)
      await ingestCorpus(tdb.db, testConfig())
      t = await buildTestApp(kind, {}, { tdb, clock })
      limited = await buildTestApp(kind, { RATE_LIMIT_CHAT: '2/minute' }, { tdb, clock })
      const config = testConfig()
      alice = (await createUserWithSession(tdb.db, config, { email: `alice-${kind}@example.com`, clock }))
        .token
      bob = (await createUserWithSession(tdb.db, config, { email: `bob-${kind}@example.com`, clock })).token
      admin = (
        await createUserWithSession(tdb.db, config, {
          email: `conv-admin-${kind}@example.com`,
          role: 'admin',
          clock,
        })
      ).token
    })
    after(async () => {
      await t?.close()
      await limited?.close()
      await tdb?.cleanup()
    })

    const ask = async (token: string, message: string, conversationId?: string, app = t) =>
      app.app.inject({
        method: 'POST',
        url: '/api/chat/message',
        headers: bearer(token),
        payload: { message, ...(conversationId ? { conversation_id: conversationId } : {}) },
      })
    const get = (token: string, url: string) => t.app.inject({ method: 'GET', url, headers: bearer(token) })
    const del = (token: string, url: string) =>
      t.app.inject({ method: 'DELETE', url, headers: bearer(token) })

    it('keeps the turns of a conversation in order, even when the clock stands still', async () => {
      const first = json<{ conversation_id: string }>(await ask(alice, 'How do I run the Docker container?'))
      const id = first.conversation_id
      assert.equal((await ask(alice, 'Which port does it listen on?', id)).statusCode, 200)
      const res = await get(alice, `/api/chat/conversations/${id}`)
      assert.equal(res.statusCode, 200)
      const body = json<{
        id: string
        title: string
        created_at: string
        messages: Array<Record<string, unknown>>
      }>(res)
      assert.equal(body.id, id)
      assert.equal(body.title, 'How do I run the Docker container?')
      assert.deepEqual(
        body.messages.map((m) => m.role),
        ['user', 'assistant', 'user', 'assistant'],
      )
      assert.deepEqual(Object.keys(body.messages[1] ?? {}).sort(), [
        'citations',
        'content',
        'created_at',
        'feedback',
        'id',
        'mode',
        'role',
      ])
      assert.deepEqual(body.messages[0]?.citations, [])
      assert.equal(body.messages[1]?.feedback, null)
      assert.equal(body.messages[0]?.mode, null)
      assert.equal(body.messages[1]?.mode, 'extractive')
      const times = body.messages.map((m) => String(m.created_at))
      assert.deepEqual([...times].sort(), times)
      assert.equal(new Set(times).size, times.length)
    })

    it('names a conversation by its id as stored, however the request spelled it', async () => {
      const id = json<{ conversation_id: string }>(
        await ask(alice, 'How do I run the Docker container?'),
      ).conversation_id
      assert.equal(id, id.toLowerCase())
      const again = await ask(alice, 'Which port does it listen on?', id.toUpperCase())
      assert.equal(again.statusCode, 200, again.body)
      assert.equal(json<{ conversation_id: string }>(again).conversation_id, id)
      const streamed = await t.app.inject({
        method: 'POST',
        url: '/api/chat/message',
        headers: { ...bearer(alice), accept: 'text/event-stream' },
        payload: { message: 'And the health check?', conversation_id: id.toUpperCase() },
      })
      assert.equal(streamed.statusCode, 200, streamed.body)
      assert.match(streamed.body, new RegExp(`"conversation_id":"${id}"`))
    })

    it('gives concurrent turns in one conversation distinct, ordered times (clock standing still)', async () => {
      const id = json<{ conversation_id: string }>(
        await ask(alice, 'How do I configure the server?'),
      ).conversation_id
      // As many as one user may have answered at once (docs/api.md §8: a 4th would be 429).
      const questions = ['Which port?', 'Which database?', 'Which log level?']
      const answers = await Promise.all(questions.map((q) => ask(alice, q, id)))
      assert.deepEqual(
        answers.map((a) => a.statusCode),
        questions.map(() => 200),
      )
      const messages = json<{ messages: Array<{ role: string; content: string; created_at: string }> }>(
        await get(alice, `/api/chat/conversations/${id}`),
      ).messages
      assert.equal(messages.length, 2 + 2 * questions.length)
      const times = messages.map((m) => m.created_at)
      assert.equal(new Set(times).size, times.length, `duplicate times: ${times.join(', ')}`)
      assert.deepEqual([...times].sort(), times)
      // Every question is stored once, before its own answer.
      for (const q of questions) {
        assert.equal(messages.filter((m) => m.role === 'user' && m.content === q).length, 1)
      }
      assert.equal(messages.filter((m) => m.role === 'assistant').length, 1 + questions.length)
    })

    it('lists own conversations newest first, in cursor pages', async () => {
      const user = (
        await createUserWithSession(tdb.db, testConfig(), { email: `pager-${kind}@example.com`, clock })
      ).token
      const ids: string[] = []
      for (let i = 0; i < 5; i++) {
        clock.advance(1000)
        ids.push(
          json<{ conversation_id: string }>(await ask(user, `Docker question number ${i}`)).conversation_id,
        )
      }
      // A new message moves a conversation to the top.
      clock.advance(1000)
      await ask(user, 'What about the health check?', ids[1])
      const expected = [ids[1], ids[4], ids[3], ids[2], ids[0]]

      const seen: string[] = []
      let cursor: string | null = null
      let pages = 0
      do {
        const url: string = `/api/chat/conversations?limit=2${cursor ? `&cursor=${cursor}` : ''}`
        const res = await get(user, url)
        assert.equal(res.statusCode, 200)
        const page = json<Page>(res)
        assert.ok(page.conversations.length <= 2)
        seen.push(...page.conversations.map((c) => c.id))
        cursor = page.next_cursor
        pages++
      } while (cursor && pages < 10)
      assert.deepEqual(seen, expected)
      assert.equal(pages, 3)

      const all = json<Page>(await get(user, '/api/chat/conversations'))
      assert.equal(all.next_cursor, null)
      assert.deepEqual(
        all.conversations.map((c) => c.id),
        expected,
      )
      const top = all.conversations[0] as Summary
      assert.deepEqual(Object.keys(top).sort(), ['created_at', 'id', 'space_ids', 'title', 'updated_at'])
      assert.ok(top.updated_at > top.created_at)
    })

    it('validates limit and cursor', async () => {
      for (const qs of ['limit=0', 'limit=101', 'limit=abc', 'cursor=%21%21', 'cursor=Zm9vfGJhcg']) {
        const res = await get(alice, `/api/chat/conversations?${qs}`)
        assert.equal(res.statusCode, 422, qs)
        assert.equal(json(res).code, 'validation_error')
      }
    })

    it("hides one user's conversations from another (404 for get, delete and post)", async () => {
      const id = json<{ conversation_id: string }>(await ask(alice, 'Docker health check?')).conversation_id
      const list = json<Page>(await get(bob, '/api/chat/conversations?limit=100'))
      assert.ok(!list.conversations.some((c) => c.id === id))
      for (const res of [
        await get(bob, `/api/chat/conversations/${id}`),
        await del(bob, `/api/chat/conversations/${id}`),
        await ask(bob, 'And the port?', id),
      ]) {
        assert.equal(res.statusCode, 404)
        assert.equal(json(res).code, 'not_found')
      }
      const still = json<{ messages: unknown[] }>(await get(alice, `/api/chat/conversations/${id}`))
      assert.equal(still.messages.length, 2)
    })

    // The documents promise it: "nobody else, administrators included, can read your chats".
    it("hides one user's conversations from an administrator too, however the path is spelled", async () => {
      const id = json<{ conversation_id: string }>(await ask(alice, 'Docker health check?')).conversation_id
      const list = json<Page>(await get(admin, '/api/chat/conversations?limit=100'))
      assert.ok(!list.conversations.some((c) => c.id === id))
      for (const url of [
        `/api/chat/conversations/${id}`,
        `/%61pi/chat/conversations/${id}`,
        `/api/chat/%63onversations/${id}`,
      ]) {
        for (const res of [
          await get(admin, url),
          await t.app.inject({
            method: 'PATCH',
            url,
            headers: bearer(admin),
            payload: { title: 'Mine now' },
          }),
          await del(admin, url),
        ]) {
          assert.equal(res.statusCode, 404, url)
          assert.equal(json(res).code, 'not_found', url)
        }
      }
      const posted = await ask(admin, 'And the port?', id)
      assert.equal(posted.statusCode, 404)
      const still = json<{ title: string; messages: unknown[] }>(
        await get(alice, `/api/chat/conversations/${id}`),
      )
      assert.equal(still.messages.length, 2)
      assert.equal(still.title, 'Docker health check?')
    })

    it('answers 404 for unknown and malformed ids', async () => {
      for (const id of [UNKNOWN, MALFORMED]) {
        assert.equal((await get(alice, `/api/chat/conversations/${id}`)).statusCode, 404)
        assert.equal((await del(alice, `/api/chat/conversations/${id}`)).statusCode, 404)
      }
      assert.equal((await ask(alice, 'hello', UNKNOWN)).statusCode, 404)
    })

    it('deletes a conversation with its messages', async () => {
      const id = json<{ conversation_id: string }>(await ask(alice, 'Docker port?')).conversation_id
      const res = await del(alice, `/api/chat/conversations/${id}`)
      assert.equal(res.statusCode, 204)
      assert.equal(res.body, '')
      assert.equal((await get(alice, `/api/chat/conversations/${id}`)).statusCode, 404)
      const rows = await tdb.db.query<{ n: number }>(
        'select count(*)::int as n from messages where conversation_id = $1',
        [id],
      )
      assert.equal(rows[0]?.n, 0)
      assert.equal((await del(alice, `/api/chat/conversations/${id}`)).statusCode, 404)
    })

    it('limits chat messages per user (RATE_LIMIT_CHAT)', async () => {
      const carol = (
        await createUserWithSession(tdb.db, testConfig(), { email: `carol-${kind}@example.com`, clock })
      ).token
      const dave = (
        await createUserWithSession(tdb.db, testConfig(), { email: `dave-${kind}@example.com`, clock })
      ).token
      for (let i = 0; i < 2; i++) {
        const ok = await ask(carol, 'Docker port?', undefined, limited)
        assert.equal(ok.statusCode, 200)
        assert.equal(ok.headers['ratelimit-limit'], '2')
      }
      const refused = await ask(carol, 'Docker port?', undefined, limited)
      assert.equal(refused.statusCode, 429)
      assert.equal(json(refused).code, 'rate_limited')
      assert.match(String(refused.headers['retry-after']), /^\d+$/)
      assert.match(
        json<{ detail: string }>(refused).detail,
        /^Rate limit exceeded\. Please wait \d+ seconds\.$/,
      )
      // Another user has a budget of their own.
      assert.equal((await ask(dave, 'Docker port?', undefined, limited)).statusCode, 200)
      // The window passes.
      clock.advance(61_000)
      assert.equal((await ask(carol, 'Docker port?', undefined, limited)).statusCode, 200)
    })

    it('renames a conversation (PATCH) without moving it in the list', async () => {
      const user = (
        await createUserWithSession(tdb.db, testConfig(), { email: `renamer-${kind}@example.com`, clock })
      ).token
      clock.advance(1000)
      const first = json<{ conversation_id: string }>(await ask(user, 'Docker port?')).conversation_id
      clock.advance(1000)
      const second = json<{ conversation_id: string }>(await ask(user, 'Docker health?')).conversation_id
      const patch = (token: string, id: string, payload: object) =>
        t.app.inject({
          method: 'PATCH',
          url: `/api/chat/conversations/${id}`,
          headers: bearer(token),
          payload,
        })
      clock.advance(1000)
      const res = await patch(user, first, { title: '  Ports and Docker  ' })
      assert.equal(res.statusCode, 200)
      const body = json<Summary>(res)
      assert.deepEqual(Object.keys(body).sort(), ['created_at', 'id', 'space_ids', 'title', 'updated_at'])
      assert.equal(body.id, first)
      assert.equal(body.title, 'Ports and Docker')
      const list = json<Page>(await get(user, '/api/chat/conversations'))
      assert.deepEqual(
        list.conversations.map((c) => [c.id, c.title]),
        [
          [second, 'Docker health?'],
          [first, 'Ports and Docker'],
        ],
      )
      assert.equal(
        json<{ title: string }>(await get(user, `/api/chat/conversations/${first}`)).title,
        'Ports and Docker',
      )
      // No title: nothing changes.
      assert.equal(json<Summary>(await patch(user, first, {})).title, 'Ports and Docker')
      for (const payload of [
        { title: '' },
        { title: '   ' },
        { title: 'x'.repeat(201) },
        { title: 'a\u0000b' },
      ]) {
        const bad = await patch(user, first, payload)
        assert.equal(bad.statusCode, 422, JSON.stringify(payload))
        assert.equal(json(bad).code, 'validation_error')
      }
      assert.equal((await patch(user, first, { title: 'x'.repeat(200) })).statusCode, 200)
      for (const [token, id] of [
        [bob, first],
        [user, UNKNOWN],
        [user, MALFORMED],
      ] as const) {
        const missing = await patch(token, id, { title: 'Mine now' })
        assert.equal(missing.statusCode, 404)
        assert.equal(json(missing).code, 'not_found')
      }
      assert.equal(
        json<{ title: string }>(await get(user, `/api/chat/conversations/${first}`)).title,
        'x'.repeat(200),
      )
    })

    it('needs a session', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/chat/conversations' })
      assert.equal(res.statusCode, 401)
    })
  })
}
