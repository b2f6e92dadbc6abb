// The OpenAI-compatible API (docs/api.md §11) driven by the official `openai` npm client against a
// listening server, as any OpenAI client would use it: models, completions streamed and not (the
// cited answer and the citations array), an unreadable space's model and a missing key in
// OpenAI's error shape; with the fake provider behind LLM_BASE_URL, the provider's tokens stream
// through, the client's instructions follow the grounding prompt, max_tokens is capped, and a
// provider failure mid-stream ends the stream with an error chunk.
import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import { after, before, beforeEach, describe, it } from 'node:test'
import OpenAI from 'openai'
import { testConfig } from '../../src/config.js'
import { insertSpace, SHARED_LIBRARY_ID } from '../../src/db/queries/spaces.js'
import { uuidv7 } from '../../src/lib/ids.js'
import { createRagContext } from '../../src/rag/context.js'
import { ingestDocument } from '../../src/rag/ingest.js'
import { SYSTEM_PROMPT } from '../../src/rag/prompts.js'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { newUser, PASSWORD } from '../helpers/auth.js'
import { type CitationBody, ingestCorpus, markerIndexes } from '../helpers/chat-corpus.js'
import { createTestDatabase, dbKinds, type TestDatabase } from '../helpers/db.js'
import { type OpenAiChatServer, startOpenAiChatServer } from '../helpers/openai-chat-server.js'

const PORT_QUESTION = 'Which port does the Docker container listen on?'
/** A grounded answer to PORT_QUESTION, cited, in the provider's own pieces. */
const LLM_PIECES = ['The container ', 'listens on ', 'port 7860 [1]. ', 'It runs as a ', 'non-root user [1].']
const LLM_ANSWER = LLM_PIECES.join('')

type WithCitations = { citations?: CitationBody[] }

async function listen(t: TestApp): Promise<string> {
  await t.app.listen({ port: 0, host: '127.0.0.1' })
  return `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`
}

/** The `data:` payloads of an OpenAI-style event stream ([DONE] kept as the string). */
function dataFrames(body: string): unknown[] {
  return body
    .split('\n\n')
    .map((block) => block.split('\n').find((l) => l.startsWith('data: ')))
    .filter((l): l is string => l !== undefined)
    .map((l) => l.slice(6))
    .map((d) => (d === '[DONE]' ? d : JSON.parse(d)))
}

function assertCitedAnswer(content: string, citations: CitationBody[] | undefined) {
  assert.match(content, /7860/)
  assert.ok(citations && citations.length > 0, 'citations present')
  const markers = markerIndexes(content)
  assert.ok(markers.size > 0, 'content carries [n] markers')
  assert.deepEqual([...markers].sort(), citations.map((c) => c.index).sort())
  assert.ok(citations.some((c) => c.title === 'Deploying with Docker'))
}

for (const kind of dbKinds()) {
  describe(`/v1 with the openai client [${kind}]`, () => {
    let tdb: TestDatabase
    let offline: TestApp
    let online: TestApp
    let llm: OpenAiChatServer
    let offlineBase: string
    let onlineBase: string
    let key: string
    let sessionToken: string
    let hiddenSpace: string
    let userId: string

    before(async () => {
      llm = await startOpenAiChatServer()
      tdb = await createTestDatabase(kind)
      await ingestCorpus(tdb.db, testConfig())
      // A team space the user is no member of, with a document of its own.
      hiddenSpace = uuidv7()
      await insertSpace(tdb.db, { id: hiddenSpace, name: 'Hidden', kind: 'team' })
      await ingestDocument(createRagContext(tdb.db, testConfig()), {
        title: 'Secret plans',
        source: 'secret.md',
        content: '# Secret plans\n\nThe container secret port is 9999 for the hidden team.\n',
        format: 'markdown',
        spaceId: hiddenSpace,
      })
      offline = await buildTestApp(kind, {}, { tdb })
      online = await buildTestApp(
        kind,
        {
          LLM_BASE_URL: llm.url,
          LLM_MODEL: 'provider-model',
          LLM_TIMEOUT_SECONDS: '1',
          LLM_MAX_TOKENS: '300',
        },
        { tdb },
      )
      offlineBase = await listen(offline)
      onlineBase = await listen(online)
      const user = await newUser(offline.app)
      sessionToken = user.token
      userId = user.userId
      const res = await offline.app.inject({
        method: 'POST',
        url: '/api/auth/api-keys',
        headers: { authorization: `Bearer ${user.token}` },
        payload: { password: PASSWORD, name: 'openai client' },
      })
      assert.equal(res.statusCode, 201, res.body)
      key = (JSON.parse(res.body) as { key: string }).key
    })
    after(async () => {
      await offline?.close()
      await online?.close()
      await tdb?.cleanup()
      await llm?.close()
    })
    beforeEach(() => llm.reset())

    const client = (base: string, apiKey = key) =>
      new OpenAI({ baseURL: `${base}/v1`, apiKey, maxRetries: 0 })
    const post = (
      base: string,
      body: unknown,
      headers: Record<string, string> = { authorization: `Bearer ${key}` },
    ) =>
      fetch(`${base}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      })

    it('models.list: rag-auth and one rag-auth/<space_id> per readable space, not the hidden one', async () => {
      const models = []
      for await (const m of client(offlineBase).models.list()) models.push(m)
      const ids = models.map((m) => m.id)
      assert.equal(ids[0], 'rag-auth')
      assert.ok(ids.includes(`rag-auth/${SHARED_LIBRARY_ID}`))
      assert.ok(!ids.includes(`rag-auth/${hiddenSpace}`))
      for (const m of models) {
        assert.equal(m.object, 'model')
        assert.equal(m.owned_by, 'rag-auth')
        assert.ok(Number.isInteger(m.created) && m.created < 4_000_000_000, 'Unix seconds')
      }
    })

    it('models.retrieve: one model of the list, by its id; an unreadable or unknown one is 404', async () => {
      const openai = client(offlineBase)
      const base = await openai.models.retrieve('rag-auth')
      assert.deepEqual(
        { id: base.id, object: base.object, owned_by: base.owned_by },
        { id: 'rag-auth', object: 'model', owned_by: 'rag-auth' },
      )
      const listed = []
      for await (const m of openai.models.list()) listed.push(m)
      const shared = await openai.models.retrieve(`rag-auth/${SHARED_LIBRARY_ID.toUpperCase()}`)
      assert.deepEqual(
        shared,
        listed.find((m) => m.id === `rag-auth/${SHARED_LIBRARY_ID}`),
      )
      for (const model of [`rag-auth/${hiddenSpace}`, 'rag-auth/not-a-uuid', 'gpt-4o', 'rag-auth/']) {
        await assert.rejects(
          openai.models.retrieve(model),
          (err: unknown) => {
            assert.ok(err instanceof OpenAI.NotFoundError, String(err))
            assert.equal(err.type, 'invalid_request_error')
            return true
          },
          model,
        )
      }
      const anon = await fetch(`${offlineBase}/v1/models/rag-auth`)
      assert.equal(anon.status, 401)
      // Respelled paths reach the same rule: no anonymous answer, never a space the caller cannot read.
      for (const path of ['/%76%31/models/rag-auth', '/v1/%6Dodels/rag-auth', '/v1//models/rag-auth']) {
        const res = await fetch(`${offlineBase}${path}`)
        assert.ok([401, 404].includes(res.status), `${path}: ${res.status}`)
      }
      const auth = { headers: { authorization: `Bearer ${key}` } }
      for (const path of [
        `/v1/models/rag-auth%2F${hiddenSpace}`,
        `/v1/models/rag-auth%2f${hiddenSpace.toUpperCase()}`,
        `/v1/models/rag-auth/${hiddenSpace}/`,
        `/v1/models/rag-auth/../rag-auth/${hiddenSpace}`,
        `/v1/models/RAG-AUTH/${hiddenSpace}`,
      ]) {
        const res = await fetch(`${offlineBase}${path}`, auth)
        assert.equal(res.status, 404, `${path}: ${res.status}`)
      }
    })

    it("models.retrieve follows the caller's access as it is now: a membership added, then removed; a revoked key", async () => {
      const model = `rag-auth/${hiddenSpace}`
      const status = async (apiKey: string) =>
        (await fetch(`${offlineBase}/v1/models/${model}`, { headers: { authorization: `Bearer ${apiKey}` } }))
          .status
      assert.equal(await status(key), 404)
      await tdb.db.query(`insert into space_members (space_id, user_id, role) values ($1, $2, 'viewer')`, [
        hiddenSpace,
        userId,
      ])
      assert.equal(await status(key), 200)
      await tdb.db.query('delete from space_members where space_id = $1 and user_id = $2', [
        hiddenSpace,
        userId,
      ])
      assert.equal(await status(key), 404, 'a removed member loses the model at once')
      const extra = await offline.app.inject({
        method: 'POST',
        url: '/api/auth/api-keys',
        headers: { authorization: `Bearer ${sessionToken}` },
        payload: { password: PASSWORD, name: 'to revoke' },
      })
      const made = JSON.parse(extra.body) as { id: string; key: string }
      assert.equal(await status(made.key), 404)
      const revoked = await offline.app.inject({
        method: 'DELETE',
        url: `/api/auth/api-keys/${made.id}`,
        headers: { authorization: `Bearer ${sessionToken}` },
      })
      assert.equal(revoked.statusCode, 204, revoked.body)
      const after = await fetch(`${offlineBase}/v1/models/rag-auth`, {
        headers: { authorization: `Bearer ${made.key}` },
      })
      assert.equal(after.status, 401, 'a revoked key is refused on this route too')
    })

    it('/docs and /openapi.json show the /v1 routes', async () => {
      const doc = (await (await fetch(`${offlineBase}/openapi.json`)).json()) as {
        paths: Record<string, unknown>
      }
      assert.ok(doc.paths['/v1/models'])
      assert.ok(doc.paths['/v1/chat/completions'])
      assert.ok(doc.paths['/api/auth/api-keys'])
    })

    it('chat.completions.create: a chat.completion with the cited answer, citations and usage; nothing stored', async () => {
      const before = await tdb.db.query<{ n: number | string }>('select count(*) as n from conversations')
      const completion = await client(offlineBase).chat.completions.create({
        model: 'rag-auth',
        messages: [{ role: 'user', content: PORT_QUESTION }],
      })
      assert.equal(completion.object, 'chat.completion')
      assert.match(completion.id, /^chatcmpl-/)
      assert.equal(completion.model, 'rag-auth')
      assert.ok(Math.abs(completion.created - Date.now() / 1000) < 60)
      const choice = completion.choices[0]
      assert.equal(choice?.message.role, 'assistant')
      assert.equal(choice?.finish_reason, 'stop')
      assertCitedAnswer(choice?.message.content ?? '', (completion as WithCitations).citations)
      assert.ok(
        completion.usage && completion.usage.prompt_tokens > 0 && completion.usage.completion_tokens > 0,
      )
      assert.equal(
        completion.usage.total_tokens,
        completion.usage.prompt_tokens + completion.usage.completion_tokens,
      )
      const after = await tdb.db.query<{ n: number | string }>('select count(*) as n from conversations')
      assert.equal(Number(after[0]?.n), Number(before[0]?.n), 'no conversation stored')
    })

    it('streamed: chat.completion.chunk events, citations on the last chunk, usage when asked, then [DONE]', async () => {
      const stream = await client(offlineBase).chat.completions.create({
        model: `rag-auth/${SHARED_LIBRARY_ID.toUpperCase()}`,
        messages: [{ role: 'user', content: PORT_QUESTION }],
        stream: true,
        stream_options: { include_usage: true },
      })
      let content = ''
      const chunks = []
      for await (const chunk of stream) {
        chunks.push(chunk)
        content += chunk.choices[0]?.delta?.content ?? ''
      }
      assert.ok(chunks.every((c) => c.object === 'chat.completion.chunk'))
      assert.equal(chunks[0]?.choices[0]?.delta.role, 'assistant')
      const last = [...chunks].reverse().find((c) => c.choices.length > 0)
      assert.equal(last?.choices[0]?.finish_reason, 'stop')
      assertCitedAnswer(content, (last as WithCitations).citations)
      const usage = chunks.at(-1)
      assert.deepEqual(usage?.choices, [])
      assert.ok((usage?.usage?.completion_tokens ?? 0) > 0)
      // On the wire: the stream ends with data: [DONE].
      const raw = await post(offlineBase, {
        model: 'rag-auth',
        messages: [{ role: 'user', content: PORT_QUESTION }],
        stream: true,
      })
      assert.equal(raw.status, 200)
      assert.match(raw.headers.get('content-type') ?? '', /^text\/event-stream/)
      assert.equal(raw.headers.get('x-content-type-options'), 'nosniff')
      const frames = dataFrames(await raw.text())
      assert.equal(frames.at(-1), '[DONE]')
      assert.ok((frames.at(-2) as WithCitations).citations, 'citations on the last chunk')
      assert.ok(
        !frames.some((f) => typeof f === 'object' && f !== null && 'usage' in f),
        'no usage unless asked',
      )
    })

    it('offline, max_tokens cuts the answer as a model would: finish_reason length, usage within it, citations of what is left', async () => {
      const full = await client(offlineBase).chat.completions.create({
        model: 'rag-auth',
        messages: [{ role: 'user', content: PORT_QUESTION }],
      })
      const fullText = full.choices[0]?.message.content ?? ''
      assert.ok((full.usage?.completion_tokens ?? 0) > 6, fullText)
      for (const limit of [1, 3, 6]) {
        const cut = await client(offlineBase).chat.completions.create({
          model: 'rag-auth',
          messages: [{ role: 'user', content: PORT_QUESTION }],
          max_tokens: limit,
        })
        const text = cut.choices[0]?.message.content ?? ''
        assert.equal(cut.choices[0]?.finish_reason, 'length', `max_tokens ${limit}`)
        assert.ok((cut.usage?.completion_tokens ?? 99) <= limit, `${limit}: ${text}`)
        assert.ok(fullText.startsWith(text), `${limit}: a prefix of the whole answer: ${text}`)
        assert.doesNotMatch(text, /\[[\d, ]*$/, 'no open marker at the cut')
        const citations = (cut as WithCitations).citations ?? []
        assert.deepEqual(
          citations.map((c) => c.index).sort(),
          [...markerIndexes(text)].sort(),
          'only the citations its markers name',
        )
      }
      const roomy = await client(offlineBase).chat.completions.create({
        model: 'rag-auth',
        messages: [{ role: 'user', content: PORT_QUESTION }],
        max_completion_tokens: 1000,
      })
      assert.equal(roomy.choices[0]?.finish_reason, 'stop')
      assert.equal(roomy.choices[0]?.message.content, fullText)
      const stream = await client(offlineBase).chat.completions.create({
        model: 'rag-auth',
        messages: [{ role: 'user', content: PORT_QUESTION }],
        max_tokens: 6,
        stream: true,
        stream_options: { include_usage: true },
      })
      let streamed = ''
      const chunks = []
      for await (const chunk of stream) {
        chunks.push(chunk)
        streamed += chunk.choices[0]?.delta?.content ?? ''
      }
      const last = [...chunks].reverse().find((c) => c.choices.length > 0)
      assert.equal(last?.choices[0]?.finish_reason, 'length')
      assert.ok((chunks.at(-1)?.usage?.completion_tokens ?? 99) <= 6, streamed)
      assert.ok(fullText.startsWith(streamed), streamed)
    })

    it('chat.completions accepts every model id that models.retrieve finds, in the same spellings', async () => {
      const openai = client(offlineBase)
      for (const model of ['RAG-AUTH', 'Rag-Auth', `RAG-AUTH/${SHARED_LIBRARY_ID.toUpperCase()}`]) {
        const found = await openai.models.retrieve(model)
        assert.ok(found.id.startsWith('rag-auth'), model)
        const completion = await openai.chat.completions.create({
          model,
          messages: [{ role: 'user', content: PORT_QUESTION }],
        })
        assert.equal(completion.choices[0]?.finish_reason, 'stop', model)
        assert.equal(completion.model, model)
      }
    })

    it("an unreadable space's model stays 404 in every spelling models.retrieve would accept", async () => {
      // Its own app instance: its own chat rate-limit budget, so the other tests keep theirs.
      const fresh = await buildTestApp(kind, {}, { tdb })
      try {
        const headers = { authorization: `Bearer ${key}` }
        for (const model of [`RAG-AUTH/${hiddenSpace.toUpperCase()}`, `Rag-Auth/${hiddenSpace}`]) {
          const retrieved = await fresh.app.inject({ method: 'GET', url: `/v1/models/${model}`, headers })
          assert.equal(retrieved.statusCode, 404, model)
          const asked = await fresh.app.inject({
            method: 'POST',
            url: '/v1/chat/completions',
            headers,
            payload: { model, messages: [{ role: 'user', content: 'What is the secret port?' }] },
          })
          assert.equal(asked.statusCode, 404, model)
          assert.doesNotMatch(asked.body, /Secret|9999/)
        }
      } finally {
        await fresh.close()
      }
    })

    it("an unreadable space's model and an unknown model are 404 in OpenAI's error shape", async () => {
      for (const model of [`rag-auth/${hiddenSpace}`, 'rag-auth/not-a-uuid', 'gpt-4o']) {
        await assert.rejects(
          client(offlineBase).chat.completions.create({
            model,
            messages: [{ role: 'user', content: PORT_QUESTION }],
          }),
          (err: unknown) => {
            assert.ok(err instanceof OpenAI.NotFoundError, String(err))
            assert.equal(err.status, 404)
            assert.equal(err.code, 'not_found')
            assert.equal(err.type, 'invalid_request_error')
            return true
          },
          model,
        )
      }
      const res = await post(offlineBase, {
        model: `rag-auth/${hiddenSpace}`,
        messages: [{ role: 'user', content: 'x' }],
      })
      const body = (await res.json()) as { error: Record<string, unknown> }
      assert.deepEqual(Object.keys(body), ['error'])
      assert.deepEqual(Object.keys(body.error).sort(), ['code', 'message', 'param', 'type'])
      assert.equal(body.error.param, null)
      assert.doesNotMatch(JSON.stringify(body), /Secret|9999/)
    })

    it("no key, a wrong key, or only a cookie: 401 in OpenAI's shape", async () => {
      await assert.rejects(
        client(offlineBase, `rak_${'x'.repeat(43)}`).models.list(),
        (err: unknown) => err instanceof OpenAI.AuthenticationError && err.code === 'invalid_session',
      )
      for (const headers of [{}, { cookie: `session_token=${sessionToken}` }] as Record<string, string>[]) {
        const res = await fetch(`${offlineBase}/v1/models`, { headers })
        assert.equal(res.status, 401)
        assert.equal(res.headers.get('www-authenticate'), 'Bearer')
        assert.deepEqual(await res.json(), {
          error: {
            message: 'Authentication required',
            type: 'invalid_request_error',
            code: 'auth_required',
            param: null,
          },
        })
      }
      // A session token as Bearer is accepted on /v1 too.
      const viaSession = await fetch(`${offlineBase}/v1/models`, {
        headers: { authorization: `Bearer ${sessionToken}` },
      })
      assert.equal(viaSession.status, 200)
      // An unknown /v1 path is OpenAI-shaped too (and never the UI).
      const unknown = await fetch(`${offlineBase}/v1/embeddings`, {
        headers: { authorization: `Bearer ${key}` },
      })
      assert.equal(unknown.status, 404)
      assert.equal(((await unknown.json()) as { error: { code: string } }).error.code, 'not_found')
    })

    it("compatibility: text parts, developer role, unknown fields ignored; a last message not the user's is 422", async () => {
      const ok = await post(offlineBase, {
        model: 'rag-auth',
        messages: [
          { role: 'developer', content: 'Be brief.' },
          { role: 'user', content: [{ type: 'text', text: PORT_QUESTION }] },
        ],
        n: 1,
        top_p: 0.5,
        user: 'someone',
        tools: [],
        temperature: null,
        max_tokens: null,
      })
      assert.equal(ok.status, 200, await ok.clone().text())
      const body = (await ok.json()) as { choices: Array<{ message: { content: string } }> }
      assert.match(body.choices[0]?.message.content ?? '', /7860/)
      const bad = await post(offlineBase, {
        model: 'rag-auth',
        messages: [
          { role: 'user', content: PORT_QUESTION },
          { role: 'assistant', content: 'Port 7860.' },
        ],
      })
      assert.equal(bad.status, 422)
      const err = (await bad.json()) as { error: { code: string; type: string; message: string } }
      assert.equal(err.error.code, 'validation_error')
      assert.equal(err.error.type, 'invalid_request_error')
      assert.match(err.error.message, /messages\.1\.role/)
      const notJson = await fetch(`${offlineBase}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: '{',
      })
      assert.equal(notJson.status, 400)
      assert.equal(((await notJson.json()) as { error: { code: string } }).error.code, 'bad_request')
    })

    it("LLM mode: the provider's tokens stream through; client instructions follow the grounding prompt; max_tokens capped", async () => {
      llm.script({ chunks: LLM_PIECES, intervalMs: 20 })
      const stream = await client(onlineBase).chat.completions.create({
        model: 'rag-auth',
        messages: [
          { role: 'system', content: 'Answer like a pirate.' },
          { role: 'user', content: PORT_QUESTION },
        ],
        stream: true,
        max_tokens: 100_000,
        temperature: 0.2,
      })
      const deltas: string[] = []
      let last: WithCitations = {}
      for await (const chunk of stream) {
        const text = chunk.choices[0]?.delta?.content
        if (text) deltas.push(text)
        if (chunk.choices[0]?.finish_reason) last = chunk as WithCitations
      }
      assert.equal(deltas.join(''), LLM_ANSWER)
      assert.ok(deltas.length >= 2, `the answer arrived in pieces: ${JSON.stringify(deltas)}`)
      assertCitedAnswer(deltas.join(''), last.citations)
      const sent = llm.requests.at(-1)?.body
      assert.ok(sent)
      assert.equal(sent.model, 'provider-model')
      assert.equal(sent.max_tokens, 300, 'capped at LLM_MAX_TOKENS')
      assert.equal(sent.temperature, 0.2)
      const messages = sent.messages ?? []
      assert.equal(messages[0]?.role, 'system')
      assert.equal(messages[0]?.content, SYSTEM_PROMPT, 'the grounding prompt comes first, unchanged')
      assert.equal(messages[1]?.role, 'system')
      assert.match(messages[1]?.content ?? '', /Answer like a pirate\./)
      assert.match(messages.at(-1)?.content ?? '', /<source n="1"/)
      // A smaller max_tokens is passed on as asked.
      llm.script({ chunks: LLM_PIECES })
      const small = await client(onlineBase).chat.completions.create({
        model: 'rag-auth',
        messages: [{ role: 'user', content: PORT_QUESTION }],
        max_completion_tokens: 50,
      })
      assert.equal(llm.requests.at(-1)?.body.max_tokens, 50)
      assertCitedAnswer(small.choices[0]?.message.content ?? '', (small as WithCitations).citations)
    })

    it('a provider failure mid-stream ends the stream with an error chunk (and the client raises it)', async () => {
      // Two sentences arrive, then the provider goes silent: past LLM_TIMEOUT_SECONDS that is a timeout.
      llm.script({ chunks: LLM_PIECES, stallAfter: 3, intervalMs: 5 })
      const res = await post(onlineBase, {
        model: 'rag-auth',
        messages: [{ role: 'user', content: PORT_QUESTION }],
        stream: true,
      })
      assert.equal(res.status, 200)
      const frames = dataFrames(await res.text())
      const lastFrame = frames.at(-1) as {
        error?: { code: string; type: string; message: string; param: null }
      }
      assert.deepEqual(lastFrame.error && Object.keys(lastFrame.error).sort(), [
        'code',
        'message',
        'param',
        'type',
      ])
      assert.equal(lastFrame.error?.code, 'upstream_timeout')
      assert.equal(lastFrame.error?.type, 'server_error')
      assert.ok(!frames.includes('[DONE]'))
      const content = frames
        .slice(0, -1)
        .map(
          (f) => (f as { choices: Array<{ delta: { content?: string } }> }).choices[0]?.delta.content ?? '',
        )
        .join('')
      assert.match(content, /7860 \[1\]/, 'what arrived before the failure was streamed')

      llm.script({ status: 500 })
      const stream = await client(onlineBase).chat.completions.create({
        model: 'rag-auth',
        messages: [{ role: 'user', content: PORT_QUESTION }],
        stream: true,
      })
      await assert.rejects(
        (async () => {
          for await (const _ of stream) {
            // drain
          }
        })(),
        (err: unknown) => {
          assert.ok(err instanceof OpenAI.APIError, String(err))
          assert.doesNotMatch(String(err), /secret-internal-detail/)
          return true
        },
      )
    })
  })
}
