// Bodies without type coercion, query strings and params with it; U+0000 found wherever it hides.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import Fastify from 'fastify'
import { Type } from 'typebox'
import errorHandler from '../../src/http/error-handler.js'
import validationPlugin, { loneSurrogatePath, nulPath, validatorFactory } from '../../src/http/validation.js'

async function app() {
  const a = Fastify({ schemaController: { compilersFactory: { buildValidator: validatorFactory() } } })
  await a.register(errorHandler)
  await a.register(validationPlugin)
  a.post(
    '/things/:n',
    {
      schema: {
        params: Type.Object({ n: Type.Integer() }),
        querystring: Type.Object({
          k: Type.Optional(Type.Integer()),
          tag: Type.Optional(Type.Array(Type.String())),
        }),
        body: Type.Object({
          name: Type.String(),
          count: Type.Optional(Type.Integer()),
          on: Type.Optional(Type.Boolean()),
        }),
      },
    },
    async (request) => ({ params: request.params, query: request.query, body: request.body }),
  )
  return a
}

describe('validatorFactory', () => {
  it('does not coerce bodies', async () => {
    const a = await app()
    for (const [body, path] of [
      [{ name: 123 }, 'name'],
      [{ name: 'x', count: '5' }, 'count'],
      [{ name: 'x', on: 'true' }, 'on'],
      [{ name: ['x'] }, 'name'],
      [{ name: null }, 'name'],
    ] as const) {
      const res = await a.inject({ method: 'POST', url: '/things/1', payload: body })
      assert.equal(res.statusCode, 422, JSON.stringify(body))
      const out = res.json() as { code: string; errors: { path: string }[] }
      assert.equal(out.code, 'validation_error')
      assert.deepEqual(
        out.errors.map((e) => e.path),
        [path],
      )
    }
    await a.close()
  })

  it('coerces query strings (numbers, repeated parameters as lists) and params', async () => {
    const a = await app()
    const one = await a.inject({ method: 'POST', url: '/things/7?k=3&tag=a', payload: { name: 'x' } })
    assert.equal(one.statusCode, 200, one.body)
    assert.deepEqual(one.json(), { params: { n: 7 }, query: { k: 3, tag: ['a'] }, body: { name: 'x' } })
    const many = await a.inject({ method: 'POST', url: '/things/7?tag=a&tag=b', payload: { name: 'x' } })
    assert.deepEqual(many.json().query, { tag: ['a', 'b'] })
    const bad = await a.inject({ method: 'POST', url: '/things/7?k=three', payload: { name: 'x' } })
    assert.equal(bad.statusCode, 422)
    await a.close()
  })

  it('answers U+0000 anywhere with a 422 naming where it is', async () => {
    const a = await app()
    const cases: [string, object, string][] = [
      ['/things/1', { name: 'a\u0000b' }, 'name'],
      ['/things/1?tag=ok&tag=b%00', { name: 'x' }, 'tag.1'],
      ['/things/%00', { name: 'x' }, 'n'],
    ]
    for (const [url, payload, path] of cases) {
      const res = await a.inject({ method: 'POST', url, payload })
      assert.equal(res.statusCode, 422, url)
      assert.deepEqual(res.json().errors, [{ path, message: 'must not contain the NUL character (U+0000)' }])
    }
    await a.close()
  })
})

describe('loneSurrogatePath', () => {
  it('finds an unpaired surrogate in nested values and keys; a pair is fine', () => {
    assert.equal(loneSurrogatePath({ a: ['ok', 'x\ud800y'] }, ''), 'a.1')
    assert.equal(loneSurrogatePath({ a: '\udc00' }, ''), 'a')
    assert.equal(loneSurrogatePath({ 'k\ud800': 1 }, ''), 'k\ud800')
    assert.equal(loneSurrogatePath({ a: 'end\ud83d' }, ''), 'a')
    assert.equal(loneSurrogatePath({ a: '\ud83d\ude00 and é' }, ''), null)
  })
})

describe('nulPath', () => {
  it('finds U+0000 in nested values and keys, and nothing where there is none', () => {
    assert.equal(nulPath({ a: { b: ['x', 'y\u0000'] } }, ''), 'a.b.1')
    assert.equal(nulPath({ 'k\u0000': 1 }, ''), 'k\u0000')
    assert.equal(nulPath('\u0000', ''), '')
    assert.equal(nulPath({ a: 1, b: [true, null, 'ok'] }, ''), null)
    assert.equal(nulPath(Buffer.from([0]), ''), null)
  })
})
