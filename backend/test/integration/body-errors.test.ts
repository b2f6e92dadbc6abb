// docs/api.md §0: 400 for unparseable JSON, 415 for non-JSON, 413 over the limit, 422 with field
// errors for schema failures — all in the {detail, code} shape with the security headers.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, json, type TestApp } from '../helpers/app.js'
import { dbKinds } from '../helpers/db.js'

for (const kind of dbKinds()) {
  describe(`request body errors [${kind}]`, () => {
    let t: TestApp
    before(async () => {
      // Many bodies sent to the auth routes from one client: their shared RATE_LIMIT_AUTH is not
      // what these tests are about.
      t = await buildTestApp(kind, { RATE_LIMIT_AUTH: '1000/minute' })
    })
    after(() => t.close())

    const signIn = (payload: string, type = 'application/json') =>
      t.app.inject({ method: 'POST', url: '/api/auth/sign-in', headers: { 'content-type': type }, payload })

    it('400 bad_request for a body that is not parseable JSON', async () => {
      for (const payload of ['{"email": ', '{bad json}']) {
        const res = await signIn(payload)
        assert.equal(res.statusCode, 400, payload)
        assert.deepEqual(Object.keys(json(res)).sort(), ['code', 'detail'])
        assert.equal(json(res).code, 'bad_request')
        assert.equal(res.headers['x-content-type-options'], 'nosniff')
      }
    })

    it('an empty body with a JSON content type is no body: 204 where none is needed, 422 where one is', async () => {
      // API wrappers send `Content-Type: application/json` on every call, bodyless ones included.
      const out = await t.app.inject({
        method: 'POST',
        url: '/api/auth/sign-out',
        headers: { 'content-type': 'application/json' },
        payload: '',
      })
      assert.equal(out.statusCode, 204, out.body)
      const res = await signIn('')
      assert.equal(res.statusCode, 422, res.body)
      assert.equal(json(res).code, 'validation_error')
      const charset = await signIn('', 'application/json; charset=utf-8')
      assert.equal(charset.statusCode, 422, charset.body)
    })

    it('a "__proto__" or "constructor" key is valid JSON: dropped like an unknown field, never a 400, never pollution', async () => {
      const email = `proto-${kind}@example.com`
      const reg = await t.app.inject({
        method: 'POST',
        url: '/api/auth/register',
        headers: { 'content-type': 'application/json' },
        payload: `{"email":"${email}","password":"correct horse battery","__proto__":{"role":"admin"},"constructor":{"prototype":{"role":"admin"}}}`,
      })
      assert.equal(reg.statusCode, 201, reg.body)
      assert.equal(json<{ user: { role: string } }>(reg).user.role, 'user')
      const res = await signIn(`{"__proto__":{"x":1},"email":"${email}","password":"correct horse battery"}`)
      assert.equal(res.statusCode, 200, res.body)
      assert.equal(({} as Record<string, unknown>).x, undefined)
      assert.equal(({} as Record<string, unknown>).role, undefined)
    })

    it('415 unsupported_media_type for a non-JSON body', async () => {
      const res = await signIn('email=a@b.co&password=x', 'application/x-www-form-urlencoded')
      assert.equal(res.statusCode, 415)
      assert.equal(json(res).code, 'unsupported_media_type')
      const text = await signIn('hello', 'text/plain')
      assert.equal(text.statusCode, 415)
    })

    it('413 payload_too_large over 1 MiB of JSON', async () => {
      const payload = JSON.stringify({ email: 'a@b.co', password: 'x'.repeat(1024 * 1024 + 10) })
      const res = await signIn(payload)
      assert.equal(res.statusCode, 413)
      assert.equal(json(res).code, 'payload_too_large')
    })

    it('422 validation_error with per-field errors', async () => {
      const res = await signIn(JSON.stringify({ email: 42 }))
      assert.equal(res.statusCode, 422)
      const body = json<{ detail: string; code: string; errors: { path: string; message: string }[] }>(res)
      assert.equal(body.code, 'validation_error')
      assert.ok(Array.isArray(body.errors) && body.errors.length > 0)
      for (const e of body.errors) {
        assert.equal(typeof e.path, 'string')
        assert.equal(typeof e.message, 'string')
      }
      assert.ok(body.errors.some((e) => e.path === 'password'))
    })

    it('never leaks a stack trace or library names', async () => {
      const res = await signIn('{"email": ')
      assert.doesNotMatch(res.body, /at .*\.(js|ts):\d+|SyntaxError|fastify|ajv/i)
    })
  })
}
