// Regenerate (POST /api/chat/conversations/{id}/regenerate): the last question answered again, the
// new answer taking the place of the previous one (and its feedback) once it is saved; a failed
// answer leaves the previous one; another user's conversation is 404; JSON and SSE alike.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { testConfig } from '../../src/config.js'
import { buildTestApp, json, type TestApp } from '../helpers/app.js'
import { newUser, PASSWORD, signIn } from '../helpers/auth.js'
import { ingestCorpus, parseSse } from '../helpers/chat-corpus.js'
import { createTestDatabase, dbKinds, type TestDatabase } from '../helpers/db.js'
import { type OpenAiChatServer, startOpenAiChatServer } from '../helpers/openai-chat-server.js'
import { bearer, createUserWithSession } from '../helpers/users.js'

interface Message {
  id: string
  role: string
  content: string
  citations: unknown[]
  feedback: { rating: string } | null
}
interface Answered {
  conversation_id: string
  mode: string
  message: { id: string; content: string; citations: unknown[] }
}

const FIRST = 'How do I run the Docker container?'
const SECOND = 'Which port does it listen on?'
const STANDALONE = 'Which port does the Docker container listen on?'

for (const kind of dbKinds()) {
  describe(`regenerate [${kind}]`, () => {
    let tdb: TestDatabase
    let offline: TestApp
    let withLlm: TestApp
    let llm: OpenAiChatServer
    let alice: string
    let bob: string

    before(async () => {
      tdb = await createTestDatabase(kind)
      await ingestCorpus(tdb.db, testConfig())
      llm = await startOpenAiChatServer()
      offline = await buildTestApp(kind, {}, { tdb })
      withLlm = await buildTestApp(
        kind,
        { LLM_BASE_URL: llm.url, LLM_MODEL: 'test-model', LLM_TIMEOUT_SECONDS: '2' },
        { tdb },
      )
      const config = testConfig()
      alice = (await createUserWithSession(tdb.db, config, { email: `regen-alice-${kind}@example.com` }))
        .token
      bob = (await createUserWithSession(tdb.db, config, { email: `regen-bob-${kind}@example.com` })).token
    })
    after(async () => {
      await offline?.close()
      await withLlm?.close()
      await llm?.close()
      await tdb?.cleanup()
    })

    const ask = (app: TestApp, token: string, message: string, conversationId?: string) =>
      app.app.inject({
        method: 'POST',
        url: '/api/chat/message',
        headers: bearer(token),
        payload: { message, ...(conversationId ? { conversation_id: conversationId } : {}) },
      })
    const regenerate = (app: TestApp, token: string, url: string, headers: Record<string, string> = {}) =>
      app.app.inject({ method: 'POST', url, headers: { ...bearer(token), ...headers } })
    const messagesOf = async (token: string, id: string) =>
      json<{ messages: Message[] }>(
        await offline.app.inject({
          method: 'GET',
          url: `/api/chat/conversations/${id}`,
          headers: bearer(token),
        }),
      ).messages

    it('answers the last question again in place of its answer, whose feedback goes with it', async () => {
      const first = json<Answered>(await ask(offline, alice, FIRST))
      const id = first.conversation_id
      const second = json<Answered>(await ask(offline, alice, SECOND, id))
      const rated = await offline.app.inject({
        method: 'PUT',
        url: `/api/chat/messages/${second.message.id}/feedback`,
        headers: bearer(alice),
        payload: { rating: 'down', comment: 'try again' },
      })
      assert.equal(rated.statusCode, 204, rated.body)
      const res = await regenerate(offline, alice, `/api/chat/conversations/${id}/regenerate`)
      assert.equal(res.statusCode, 200, res.body)
      const again = json<Answered>(res)
      assert.equal(again.conversation_id, id)
      assert.equal(again.mode, 'extractive')
      assert.notEqual(again.message.id, second.message.id)
      // The same question over the same documents, read as the follow-up it was: the same answer.
      assert.equal(again.message.content, second.message.content)
      assert.ok(again.message.citations.length > 0)
      const messages = await messagesOf(alice, id)
      assert.deepEqual(
        messages.map((m) => [m.role, m.role === 'user' ? m.content : m.id]),
        [
          ['user', FIRST],
          ['assistant', first.message.id],
          ['user', SECOND],
          ['assistant', again.message.id],
        ],
      )
      assert.equal(messages[3]?.feedback, null)
      const feedback = await tdb.db.query<{ n: number | string }>(
        'select count(*) as n from feedback where message_id = $1',
        [second.message.id],
      )
      assert.equal(Number(feedback[0]?.n), 0)
    })

    it('streams as POST /api/chat/message does', async () => {
      const id = json<Answered>(await ask(offline, alice, FIRST)).conversation_id
      const res = await regenerate(offline, alice, `/api/chat/conversations/${id}/regenerate`, {
        accept: 'text/event-stream',
      })
      assert.equal(res.statusCode, 200, res.body)
      assert.match(String(res.headers['content-type']), /^text\/event-stream/)
      const frames = parseSse(res.body)
      assert.deepEqual([...new Set(frames.map((f) => f.event))], ['meta', 'token', 'citations', 'done'])
      const meta = frames[0]?.data as { conversation_id: string; message_id: string }
      assert.equal(meta.conversation_id, id)
      const messages = await messagesOf(alice, id)
      assert.deepEqual(
        messages.map((m) => m.role),
        ['user', 'assistant'],
      )
      assert.equal(messages[1]?.id, meta.message_id)
    })

    it("is 404 for another user's, an unknown or a malformed conversation, and stores nothing", async () => {
      const id = json<Answered>(await ask(offline, alice, FIRST)).conversation_id
      const before = await messagesOf(alice, id)
      for (const [token, url] of [
        [bob, `/api/chat/conversations/${id}/regenerate`],
        [bob, `/%61pi/chat/conversations/${id}/regenerate`],
        [alice, '/api/chat/conversations/0190a8f0-0000-7000-8000-00000000abcd/regenerate'],
        [alice, '/api/chat/conversations/not-a-uuid/regenerate'],
      ] as const) {
        const res = await regenerate(offline, token, url)
        assert.equal(res.statusCode, 404, `${url}: ${res.body}`)
        assert.equal(json<{ code: string }>(res).code, 'not_found')
      }
      assert.deepEqual(await messagesOf(alice, id), before)
      const anonymous = await offline.app.inject({
        method: 'POST',
        url: `/api/chat/conversations/${id}/regenerate`,
      })
      assert.equal(anonymous.statusCode, 401)
    })

    it('a read-only API key may not regenerate (it replaces an answer); a write key may', async () => {
      const someoneElses = json<Answered>(await ask(offline, alice, FIRST)).conversation_id
      const carol = await newUser(offline.app)
      const keyOf = async (scopes: string[]) => {
        const res = await offline.app.inject({
          method: 'POST',
          url: '/api/auth/api-keys',
          headers: bearer(carol.token),
          payload: { password: PASSWORD, name: scopes.join('+'), scopes },
        })
        assert.equal(res.statusCode, 201, res.body)
        return json<{ key: string }>(res).key
      }
      const own = json<Answered>(await ask(offline, carol.token, FIRST)).conversation_id
      const url = `/api/chat/conversations/${own}/regenerate`
      const read = await regenerate(offline, await keyOf(['read']), url)
      assert.equal(read.statusCode, 403, read.body)
      assert.equal(json<{ code: string }>(read).code, 'forbidden')
      const writer = await keyOf(['read', 'write'])
      assert.equal((await regenerate(offline, writer, url)).statusCode, 200)
      // Another user's conversation stays a 404 with a key too.
      const other = await regenerate(offline, writer, `/api/chat/conversations/${someoneElses}/regenerate`)
      assert.equal(other.statusCode, 404, other.body)
    })

    it('a revoked key and a signed-out session may not regenerate, and nothing is replaced', async () => {
      const dave = await newUser(offline.app)
      const own = json<Answered>(await ask(offline, dave.token, FIRST)).conversation_id
      const url = `/api/chat/conversations/${own}/regenerate`
      const made = await offline.app.inject({
        method: 'POST',
        url: '/api/auth/api-keys',
        headers: bearer(dave.token),
        payload: { password: PASSWORD, name: 'to revoke', scopes: ['read', 'write'] },
      })
      assert.equal(made.statusCode, 201, made.body)
      const key = json<{ id: string; key: string }>(made)
      const revoked = await offline.app.inject({
        method: 'DELETE',
        url: `/api/auth/api-keys/${key.id}`,
        headers: bearer(dave.token),
      })
      assert.equal(revoked.statusCode, 204, revoked.body)
      const before = await messagesOf(dave.token, own)
      const withKey = await regenerate(offline, key.key, url)
      assert.equal(withKey.statusCode, 401, withKey.body)
      const out = await offline.app.inject({
        method: 'POST',
        url: '/api/auth/sign-out',
        headers: bearer(dave.token),
      })
      assert.equal(out.statusCode, 204, out.body)
      const withSession = await regenerate(offline, dave.token, url)
      assert.equal(withSession.statusCode, 401, withSession.body)
      // Nothing was replaced: the conversation reads the same to a new session of Dave's.
      const again = json<{ session: { token: string } }>(await signIn(offline.app, dave.email, PASSWORD))
        .session.token
      assert.deepEqual(await messagesOf(again, own), before)
    })

    it('sends the provider the earlier turns, and a failed answer leaves the previous one', async () => {
      llm.reset()
      llm.script({ text: 'It runs with docker run [1].' }, { text: 'Port 7860 [1].' })
      const id = json<Answered>(await ask(withLlm, alice, FIRST)).conversation_id
      // A question that stands on its own: no call to make it standalone first.
      const second = json<Answered>(await ask(withLlm, alice, STANDALONE, id))
      assert.equal(second.message.content, 'Port 7860 [1].')
      llm.reset()
      llm.script({ text: 'It listens on port 7860 [1].' })
      const again = json<Answered>(
        await regenerate(withLlm, alice, `/api/chat/conversations/${id}/regenerate`),
      )
      assert.equal(again.message.content, 'It listens on port 7860 [1].')
      const sent = llm.requests.at(-1)?.body.messages ?? []
      const said = sent.map((m) => m.content).join('\n')
      assert.ok(said.includes(FIRST), 'the earlier question is history')
      assert.ok(said.includes(STANDALONE), 'the last question is asked')
      assert.ok(!said.includes('Port 7860 [1].'), 'the answer being replaced is not history')
      llm.script({ status: 500 })
      const failed = await regenerate(withLlm, alice, `/api/chat/conversations/${id}/regenerate`)
      assert.equal(failed.statusCode, 502, failed.body)
      const messages = await messagesOf(alice, id)
      assert.equal(messages.length, 4)
      assert.equal(messages[3]?.id, again.message.id)
      assert.equal(messages[3]?.content, again.message.content)
    })
  })
}
