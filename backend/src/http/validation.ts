// Request validation rules of docs/api.md §0 that the schemas alone do not give:
// - bodies are validated without type coercion (`{"password": 123456789}` is a 422 naming
//   `password`, not a password "123456789"), while query strings and params, which are text by
//   nature, still coerce: numbers from decimal text, a repeated parameter into a list (Ajv's
//   coercion alone reads any JavaScript number, so `k=0x10`, `k=1e1` or `k=Infinity` would pass:
//   a numeric query parameter must also be decimal text);
// - an empty `cursor` in a query string is no cursor (the first page), not a 422;
// - a string holding U+0000 anywhere in a body, query string or params is a 422: Postgres refuses
//   NUL in text, which would otherwise surface as a 500; so is one holding an unpaired surrogate
//   (a JSON body's `"\ud800"`), which no UTF-8 text can hold: written into a JSON column it was a
//   500 ("invalid input syntax for type json"), elsewhere silently a U+FFFD.
import AjvCompiler from '@fastify/ajv-compiler'
import type { FastifyInstance, FastifyRequest, FastifyServerOptions } from 'fastify'
import fp from 'fastify-plugin'
import { AppError } from '../errors.js'

type ValidatorFactory = NonNullable<
  NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildValidator']
>

const AJV_OPTIONS = { removeAdditional: true, useDefaults: true, allErrors: true } as const

/** Fastify's validator factory with one Ajv for bodies (no coercion) and one for the rest. */
export function validatorFactory(): ValidatorFactory {
  const pool = AjvCompiler()
  // No Ajv plugins or options from the server: these are the whole configuration.
  return (externalSchemas) => {
    const strict = pool(externalSchemas, { customOptions: { ...AJV_OPTIONS, coerceTypes: false } })
    const textual = pool(externalSchemas, { customOptions: { ...AJV_OPTIONS, coerceTypes: 'array' } })
    return (route) => (route.httpPart === 'body' ? strict(route) : textual(route))
  }
}

const NUL = '\u0000'
const MAX_DEPTH = 64
const NUL_MESSAGE = 'must not contain the NUL character (U+0000)'
const SURROGATE_MESSAGE = 'must be valid Unicode text (no unpaired surrogate such as \\ud800)'
/** A UTF-16 surrogate without its other half: text that no UTF-8 (nor Postgres) can hold. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

const hasNul = (text: string) => text.includes(NUL)
const hasLoneSurrogate = (text: string) => LONE_SURROGATE.test(text)

/** The path of the first string (or key) that `bad` finds fault with, or null. */
function badTextPath(value: unknown, path: string, bad: (text: string) => boolean, depth = 0): string | null {
  if (typeof value === 'string') return bad(value) ? path : null
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return null
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = badTextPath(value[i], path ? `${path}.${i}` : String(i), bad, depth + 1)
      if (found !== null) return found
    }
    return null
  }
  // Only parsed JSON and query objects (the query parser's have a null-prototype class of their
  // own): a multipart body's file streams are the handler's.
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null && Object.getPrototypeOf(proto) !== null) return null
  for (const [key, item] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key
    if (bad(key)) return at
    const found = badTextPath(item, at, bad, depth + 1)
    if (found !== null) return found
  }
  return null
}

/** The path of the first string (or key) holding U+0000, or null. */
export function nulPath(value: unknown, path: string): string | null {
  return badTextPath(value, path, hasNul)
}

/** The path of the first string (or key) holding an unpaired UTF-16 surrogate, or null. */
export function loneSurrogatePath(value: unknown, path: string): string | null {
  return badTextPath(value, path, hasLoneSurrogate)
}

function nulError(request: FastifyRequest): AppError | null {
  for (const value of [request.params, request.query, request.body]) {
    for (const [find, message] of [
      [nulPath, NUL_MESSAGE],
      [loneSurrogatePath, SURROGATE_MESSAGE],
    ] as const) {
      const path = find(value, '')
      if (path !== null)
        return new AppError('validation_error', { errors: [{ path: path || 'body', message }] })
    }
  }
  return null
}

/** Decimal text, as a person writes a number: `8`, `-2`, `+3`, `0.5`; not `0x10`, `1e1`, `Infinity`. */
const DECIMAL = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)\s*$/

interface QuerySchema {
  properties?: Record<string, { type?: unknown }>
}

/** A numeric query parameter whose text is not decimal, as a 422 naming it; else null. */
function nonDecimalError(request: FastifyRequest): AppError | null {
  const schema = request.routeOptions.schema?.querystring as QuerySchema | undefined
  const query = request.query as Record<string, unknown> | undefined
  if (!schema?.properties || !query) return null
  for (const [name, property] of Object.entries(schema.properties)) {
    const type = property.type
    if (type !== 'integer' && type !== 'number') continue
    const value = query[name]
    const texts = Array.isArray(value) ? value : [value]
    if (texts.some((text) => typeof text === 'string' && !DECIMAL.test(text))) {
      return new AppError('validation_error', { errors: [{ path: name, message: `must be ${type}` }] })
    }
  }
  return null
}

async function validationPlugin(app: FastifyInstance) {
  // Before the schemas run, so the answer does not depend on whether a field is also invalid.
  app.addHook('preValidation', (request, _reply, done) => {
    // A path no route matched is a 404 whatever it holds: the not-found handler's `*` parameter
    // (the whole path) and its query string are nobody's input, so a NUL in them is no 422.
    if (request.is404) {
      done()
      return
    }
    // `?cursor=` is the first page, as a client that pastes its last next_cursor (null → '') means.
    const query = request.query as Record<string, unknown> | undefined
    if (query && query.cursor === '') delete query.cursor
    const err = nulError(request) ?? nonDecimalError(request)
    if (err) done(err)
    else done()
  })
}

export default fp(validationPlugin, { name: 'validation' })
