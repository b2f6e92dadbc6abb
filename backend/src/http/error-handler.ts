// One renderer for every error: {detail, code[, errors]} (on /v1, OpenAI's shape); 5xx details
// masked and logged with the request id.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Database } from '../db/client.js'
import { AppError, type FieldError } from '../errors.js'
import { openAiErrorBody } from './openai-error.js'

interface ValidationIssue {
  instancePath?: string
  schemaPath?: string
  keyword?: string
  message?: string
  params?: Record<string, unknown>
}

function issuePath(issue: ValidationIssue, context: string | undefined): string {
  const base = (issue.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.')
  const missing = issue.params?.missingProperty
  const path = typeof missing === 'string' ? (base ? `${base}.${missing}` : missing) : base
  return path || (context ?? 'body')
}

/**
 * Ajv reports a failed `anyOf` (a union: `"user" | "admin"`, `string | null`) as one issue per
 * branch plus a summary: `role` got "must be equal to constant" once per allowed value and "must
 * match a schema in anyOf", `name: 5` got "must be string", "must be null" and the summary. One
 * field, one sentence, as FastAPI would say it: literal branches become "must be one of …", a
 * `null` branch is left unsaid (it is the field's absence, not what the caller meant), and the
 * summary stays only when no branch said anything more useful. A uuid's `pattern` issue beside
 * its `format` one says the same thing in regex: only the format is kept.
 */
function readableIssues(issues: ValidationIssue[]): ValidationIssue[] {
  const unions = issues.filter((i) => i.keyword === 'anyOf' && i.schemaPath)
  const branchOf = (i: ValidationIssue) =>
    unions.find((u) => i !== u && i.schemaPath?.startsWith(`${u.schemaPath}/`))
  const out: ValidationIssue[] = []
  const allowed = new Map<ValidationIssue, unknown[]>()
  for (const issue of issues) {
    const union = branchOf(issue)
    if (union && issue.keyword === 'type' && issue.params?.type === 'null') continue
    if (union && issue.keyword === 'const' && issue.instancePath === union.instancePath) {
      const values = allowed.get(union) ?? []
      values.push(issue.params?.allowedValue)
      allowed.set(union, values)
      continue
    }
    out.push(issue)
  }
  const said = (u: ValidationIssue) => out.some((i) => i !== u && branchOf(i) === u)
  const result: ValidationIssue[] = []
  for (const issue of out) {
    const values = allowed.get(issue)
    if (values) {
      const list = values.map((v) => JSON.stringify(v)).join(', ')
      result.push({ ...issue, message: values.length === 1 ? `must be ${list}` : `must be one of ${list}` })
    } else if (!(unions.includes(issue) && said(issue))) result.push(issue)
  }
  const formatAt = new Set(result.filter((i) => i.keyword === 'format').map((i) => i.instancePath))
  return result.filter((i) => !(i.keyword === 'pattern' && formatAt.has(i.instancePath)))
}

function fieldErrors(err: FastifyError): FieldError[] {
  const issues = readableIssues((err.validation ?? []) as ValidationIssue[])
  const seen = new Set<string>()
  const errors: FieldError[] = []
  for (const i of issues) {
    const e = { path: issuePath(i, err.validationContext), message: i.message ?? 'is invalid' }
    const key = `${e.path}\u0000${e.message}`
    if (!seen.has(key)) errors.push(e)
    seen.add(key)
  }
  return errors
}

const DB_DOWN_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EPIPE',
  'EHOSTUNREACH',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  '57P01',
  '57P02',
  '57P03',
  '53300',
])

export function isDatabaseUnavailable(err: unknown): boolean {
  for (
    let e = err as { code?: unknown; cause?: unknown } | undefined, i = 0;
    e && i < 5;
    e = e.cause as typeof e, i++
  ) {
    const code = String(e.code ?? '')
    if (DB_DOWN_CODES.has(code) || code.startsWith('08')) return true
    if (e instanceof Error && /PGlite is closed/i.test(e.message)) return true
  }
  return false
}

/**
 * Postgres foreign_key_violation (SQLSTATE 23503), from either driver, possibly wrapped: a row this
 * request writes refers to one that was deleted while it ran (its conversation, its space, or the
 * caller's own account). Not a bug, and not the server's failure: the thing is gone.
 */
export function isForeignKeyViolation(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 5; i++) {
    if (e.code === '23503') return true
    e = e.cause as typeof e
  }
  return false
}

const deletedMeanwhile = (cause: unknown) =>
  new AppError('not_found', { detail: 'It was deleted while this request ran', cause })

/** The Content-Range (`bytes *\/<size>`) a 416 from the static file server carries, if any. */
function contentRangeOf(err: unknown): Record<string, string> | undefined {
  const headers = (err as { headers?: Record<string, unknown> }).headers
  const range = headers?.['Content-Range'] ?? headers?.['content-range']
  return typeof range === 'string' ? { 'content-range': range } : undefined
}

export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err
  const e = err as FastifyError
  if (e?.validation) {
    // A malformed {id} in a path is "no such resource" (docs/api.md §0).
    if (e.validationContext === 'params') return new AppError('not_found')
    return new AppError('validation_error', { errors: fieldErrors(e) })
  }
  switch (e?.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return new AppError('unsupported_media_type')
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_PARTS_LIMIT':
    case 'FST_FILES_LIMIT':
      return new AppError('payload_too_large')
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('bad_request')
  }
  if (isDatabaseUnavailable(err)) return new AppError('service_unavailable', { cause: err })
  if (isForeignKeyViolation(err)) return deletedMeanwhile(err)
  const status = typeof e?.statusCode === 'number' ? e.statusCode : 500
  if (status === 400) return new AppError('bad_request')
  // A static file path that leaves its folder (`/docs/static/%2e%2e/…`): there is no such file.
  if (status === 403 || status === 404) return new AppError('not_found')
  // A static file asked for on a condition (If-Match, If-Unmodified-Since) or in a range the file
  // cannot meet: the client's request, not a bug (a resumed download, a revalidating cache).
  if (status === 412) return new AppError('precondition_failed')
  if (status === 416) {
    const headers = contentRangeOf(err)
    return new AppError('range_not_satisfiable', headers ? { headers } : {})
  }
  if (status === 413) return new AppError('payload_too_large')
  if (status === 415) return new AppError('unsupported_media_type')
  return new AppError('internal_error', { cause: err })
}

export function sendError(request: FastifyRequest, reply: FastifyReply, err: unknown) {
  const appErr = toAppError(err)
  if (appErr.statusCode >= 500) {
    request.log.error({ err: appErr.cause ?? err, code: appErr.code }, 'request failed')
  }
  if (appErr.headers) reply.headers(appErr.headers)
  if (appErr.statusCode === 401) reply.header('www-authenticate', 'Bearer')
  reply.header('content-type', 'application/json; charset=utf-8')
  if (request.zone === 'v1') return reply.status(appErr.statusCode).send(openAiErrorBody(appErr))
  return reply.status(appErr.statusCode).send({
    detail: appErr.message,
    code: appErr.code,
    ...(appErr.errors ? { errors: appErr.errors } : {}),
  })
}

/** The caller's account was deleted while the request ran (an admin, or their own other tab). */
async function callerGone(db: Database | undefined, request: FastifyRequest): Promise<boolean> {
  const id = request.user?.id
  if (!db || !id) return false
  const rows = await db.query('select 1 from users where id = $1', [id]).catch(() => [{}])
  return rows.length === 0
}

async function errorHandler(app: FastifyInstance, opts: { db?: Database }) {
  app.setErrorHandler(async (err, request, reply) => {
    // A write refused because the caller's own account is gone: their session went with it (401).
    if (isForeignKeyViolation(err) && (await callerGone(opts.db, request))) {
      return sendError(request, reply, new AppError('invalid_session', { cause: err }))
    }
    return sendError(request, reply, err)
  })
}

export default fp(errorHandler, { name: 'error-handler' })
