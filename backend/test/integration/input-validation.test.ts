// docs/api.md §0: bodies are validated without type coercion, query strings with it (numbers from
// decimal text, a repeated parameter as a list), and U+0000 in any string is a 422, never a 500.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { LightMyRequestResponse } from 'fastify'
import { testConfig } from '../../src/config.js'
import { buildTestApp, json, type TestApp } from '../helpers/app.js'
import { PASSWORD, uniqueEmail } from '../helpers/auth.js'
import { ingestCorpus } from '../helpers/chat-corpus.js'
import { createTestDatabase, dbKinds, type TestDatabase } from '../helpers/db.js'
import { bearer, createUserWithSession } from '../helpers/users.js'

function assertFieldError(res: LightMyRequestResponse, path: string) {
  assert.equal(res.statusCode, 422, res.body)
  const body = json<{ code: string; errors: { path: string }[] }>(res)
  assert.equal(body.code, 'validation_error')
  assert.ok(
    body.errors.some((e) => e.path === path),
    `no error on ${path}: ${res.body}`,
  )
}

for (const kind of dbKinds()) {
  describe(`input validation [${kind}]`, () => {
    let tdb: TestDatabase
    let t: TestApp
    let user: Record<string, string>
    let admin: Record<string, string>
    before(async () => {
      tdb = await createTestDatabase(kind)
      t = await buildTestApp(
        kind,
        { RATE_LIMIT_AUTH: '1000/minute', RATE_LIMIT_GLOBAL: '1000/minute' },
        { tdb },
      )
      await ingestCorpus(tdb.db, testConfig())
      user = bearer((await createUserWithSession(tdb.db, testConfig(), { email: 'in@example.com' })).token)
      admin = bearer(
        (await createUserWithSession(tdb.db, testConfig(), { email: 'root@example.com', role: 'admin' }))
          .token,
      )
    })
    after(async () => {
      await t.close()
      await tdb.cleanup()
    })

    const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
      t.app.inject({ method: 'POST', url, payload: payload as object, headers })

    it('a union field (a choice of values, or a value or null) is one readable error, not one per branch', async () => {
      const errorsOf = (res: LightMyRequestResponse) => {
        assert.equal(res.statusCode, 422, res.body)
        return json<{ errors: { path: string; message: string }[] }>(res).errors
      }
      // `string | null`: "must be string", not also "must be null" and "must match a schema in anyOf".
      assert.deepEqual(
        errorsOf(await post('/api/auth/register', { email: uniqueEmail(), password: PASSWORD, name: 42 })),
        [{ path: 'name', message: 'must be string' }],
      )
      // A choice of literals: the allowed values, once.
      assert.deepEqual(
        errorsOf(await post('/api/documents', { title: 'T', content: 'c', format: 'pdf' }, admin)),
        [{ path: 'format', message: 'must be one of "markdown", "text", "html"' }],
      )
      assert.deepEqual(
        errorsOf(await t.app.inject({ url: '/api/admin/audit?type=bogus', headers: admin })).map(
          (e) => e.path,
        ),
        ['type'],
      )
      // A uuid is a format error, without the regex beside it.
      assert.deepEqual(
        errorsOf(await t.app.inject({ url: '/api/admin/audit?user_id=bogus', headers: admin })),
        [{ path: 'user_id', message: 'must match format "uuid"' }],
      )
    })

    it('a number where a string is expected is a 422 naming the field, not coerced', async () => {
      assertFieldError(
        await post('/api/auth/register', { email: uniqueEmail(), password: 123456789 }),
        'password',
      )
      assertFieldError(
        await post('/api/auth/register', { email: uniqueEmail(), password: PASSWORD, name: 42 }),
        'name',
      )
      assertFieldError(await post('/api/auth/sign-in', { email: 12345, password: PASSWORD }), 'email')
      assertFieldError(
        await post('/api/auth/sign-in', { email: 'a@example.com', password: true }),
        'password',
      )
      assertFieldError(await post('/api/chat/message', { message: 7 }, user), 'message')
      assertFieldError(await post('/api/documents', { title: 1, content: 'text' }, admin), 'title')
      assertFieldError(
        await post('/api/auth/change-password', { current_password: 1, new_password: PASSWORD }, user),
        'current_password',
      )
    })

    it('query strings still parse numbers from decimal text', async () => {
      const search = await t.app.inject({ url: '/api/search?q=docker%20port&k=2', headers: user })
      assert.equal(search.statusCode, 200, search.body)
      const results = json<{ results: unknown[] }>(search).results
      assert.ok(results.length > 0 && results.length <= 2)
      assertFieldError(await t.app.inject({ url: '/api/search?q=port&k=two', headers: user }), 'k')
      assertFieldError(await t.app.inject({ url: '/api/search?q=port&k=1000', headers: user }), 'k')
      // Decimal text only: not the other spellings JavaScript's Number() reads.
      for (const k of ['0x10', '1e1', 'Infinity', '0b11', '0o7']) {
        assertFieldError(await t.app.inject({ url: `/api/search?q=port&k=${k}`, headers: user }), 'k')
      }
      for (const k of ['08', '+3', '3.0']) {
        const ok = await t.app.inject({ url: `/api/search?q=port&k=${encodeURIComponent(k)}`, headers: user })
        assert.equal(ok.statusCode, 200, `k=${k}: ${ok.body}`)
      }
      assertFieldError(
        await t.app.inject({ url: '/api/chat/conversations?limit=0x10', headers: user }),
        'limit',
      )
      const list = await t.app.inject({ url: '/api/chat/conversations?limit=5', headers: user })
      assert.equal(list.statusCode, 200, list.body)
      assertFieldError(await t.app.inject({ url: '/api/chat/conversations?limit=0', headers: user }), 'limit')
    })

    it('an empty cursor is the first page; a malformed one is still a 422', async () => {
      for (const url of [
        '/api/chat/conversations',
        '/api/auth/activity',
        '/api/admin/audit',
        '/api/admin/users',
      ]) {
        const first = await t.app.inject({ url: `${url}?limit=5`, headers: admin })
        const empty = await t.app.inject({ url: `${url}?cursor=&limit=5`, headers: admin })
        assert.equal(empty.statusCode, 200, `${url}: ${empty.body}`)
        assert.deepEqual(json(empty), json(first), url)
        assertFieldError(await t.app.inject({ url: `${url}?cursor=%25%25%25`, headers: admin }), 'cursor')
      }
    })

    it('U+0000 in a body, query string or path parameter is a 422, never a 500', async () => {
      const nul = 'bad\u0000value'
      assertFieldError(
        await post('/api/auth/register', { email: uniqueEmail(), password: PASSWORD, name: nul }),
        'name',
      )
      assertFieldError(
        await post('/api/auth/sign-in', { email: `a${nul}@example.com`, password: PASSWORD }),
        'email',
      )
      assertFieldError(await post('/api/chat/message', { message: nul }, user), 'message')
      assertFieldError(await post('/api/documents', { title: 'T', content: nul }, admin), 'content')
      assertFieldError(
        await post('/api/documents', { title: 'T', content: 'c', source: nul }, admin),
        'source',
      )
      assertFieldError(await t.app.inject({ url: '/api/search?q=port%00x', headers: user }), 'q')
      assertFieldError(await t.app.inject({ url: '/api/documents/%00', headers: admin }), 'id')
      assertFieldError(
        await t.app.inject({ url: '/api/chat/conversations?cursor=%00', headers: user }),
        'cursor',
      )
    })

    it('U+0000 in a path no route matches is that path: 404 (401 without a session), not a 422 on "*"', async () => {
      for (const url of ['/api/nothing%00', '/api/documents/x/%00/y', '/nothing%00']) {
        const res = await t.app.inject({ url, headers: { ...user, accept: 'application/json' } })
        assert.equal(res.statusCode, 404, `${url}: ${res.body}`)
        assert.deepEqual(json(res), { detail: 'Not found', code: 'not_found' })
      }
      const anonymous = await t.app.inject({ url: '/api/nothing%00' })
      assert.equal(anonymous.statusCode, 401, anonymous.body)
      const v1 = await t.app.inject({ url: '/v1/nothing%00', headers: user })
      assert.equal(v1.statusCode, 404, v1.body)
      assert.equal((json(v1) as { error: { code: string } }).error.code, 'not_found')
    })

    it('an unpaired surrogate (`"\\ud800"` in a JSON body) is a 422 naming the field, never a 500', async () => {
      // JSON.parse admits `\ud800`; no UTF-8 text holds it. A document's chunks went into a JSON
      // column and Postgres refused them ("invalid input syntax for type json"): a 500.
      const raw = (url: string, body: string, headers: Record<string, string>) =>
        t.app.inject({
          method: 'POST',
          url,
          payload: body,
          headers: { ...headers, 'content-type': 'application/json' },
        })
      assertFieldError(
        await raw('/api/documents', '{"title":"T","content":"lone \\ud800 surrogate"}', admin),
        'content',
      )
      assertFieldError(await raw('/api/documents', '{"title":"\\udfff","content":"c"}', admin), 'title')
      assertFieldError(await raw('/api/chat/message', '{"message":"a \\udc00 b"}', user), 'message')
      assertFieldError(await raw('/api/spaces', '{"name":"x\\ud800"}', user), 'name')
      // A pair is one character, and welcome.
      const pair = await raw(
        '/api/documents',
        '{"title":"Emoji \\ud83d\\ude00","content":"smile \\ud83d\\ude00"}',
        admin,
      )
      assert.equal(pair.statusCode, 201, pair.body)
    })

    it('an id that is not a plain UUID (`urn:uuid:…`) is no such resource in a path, a 422 in a body', async () => {
      // The JSON-schema uuid format admits the urn prefix; Postgres does not.
      const urn = 'urn:uuid:0190a8f0-0000-7000-8000-00000000abcd'
      const calls = [
        { method: 'GET', url: `/api/chat/conversations/${urn}`, headers: user },
        { method: 'PATCH', url: `/api/chat/conversations/${urn}`, headers: user, payload: { title: 'x' } },
        { method: 'DELETE', url: `/api/chat/conversations/${urn}`, headers: user },
        {
          method: 'PUT',
          url: `/api/chat/messages/${urn}/feedback`,
          headers: user,
          payload: { rating: 'up' },
        },
        { method: 'DELETE', url: `/api/chat/messages/${urn}/feedback`, headers: user },
        { method: 'GET', url: `/api/documents/${urn}`, headers: user },
        { method: 'DELETE', url: `/api/documents/${urn}`, headers: admin },
        { method: 'DELETE', url: `/api/auth/sessions/${urn}`, headers: user },
      ] as const
      for (const call of calls) {
        const res = await t.app.inject(call)
        assert.equal(res.statusCode, 404, `${call.method} ${call.url}: ${res.body}`)
        assert.equal(json(res).code, 'not_found')
      }
      assertFieldError(
        await post('/api/chat/message', { message: 'hi', conversation_id: urn }, user),
        'conversation_id',
      )
    })
  })
}
