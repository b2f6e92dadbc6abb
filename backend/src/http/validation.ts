// Request validation rules of docs/api.md §0 that the schemas alone do not give:
// - bodies are validated without type coercion (`{"password": 123456789}` is a 422 naming
//   `password`, not a password "123456789"), while query strings and params, which are text by
//   nature, still coerce: numbers from decimal text, a repeated parameter into a list (Ajv's
//   coercion alone reads any JavaScript number, so `k=0x10`, `k=1e1` or `k=Infinity` would pass:
//   a numeric query parameter must also be decimal text);
// - an empty `cursor` in a query string is no cursor (the first page), not a 422;
// - a string holding U+0000 anywhere in a body, query string or params is a 422: Postgres refuses
//   NUL in text, which would otherwise surface as a 500.
import AjvCompiler from '@fastify/ajv-compiler'
import type { FastifyInstance, FastifyRequest, FastifyServerOptions } from 'fastify'
import fp from 'fastify-plugin'
import { AppError, type FieldError } from '../errors.js'

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

/** The path of the first string (or key) holding U+0000, or null. */
export function nulPath(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return value.includes(NUL) ? path : null
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return null
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulPath(value[i], path ? `${path}.${i}` : String(i), depth + 1)
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
    if (key.includes(NUL)) return at
    const found = nulPath(item, at, depth + 1)
    if (found !== null) return found
  }
  return null
}

function nulError(request: FastifyRequest): AppError | null {
  for (const value of [request.params, request.query, request.body]) {
    const path = nulPath(value, '')
    if (path === null) continue
    const errors: FieldError[] = [
      { path: path || 'body', message: 'must not contain the NUL character (U+0000)' },
    ]
    return new AppError('validation_error', { errors })
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
    // `?cursor=` is the first page, as a client that pastes its last next_cursor (null → '') means.
    const query = request.query as Record<string, unknown> | undefined
    if (query && query.cursor === '') delete query.cursor
    const err = nulError(request) ?? nonDecimalError(request)
    if (err) done(err)
    else done()
  })
}

export default fp(validationPlugin, { name: 'validation' })
