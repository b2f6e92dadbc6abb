// pino options: JSON logs, the request id on every line, secrets redacted.
import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import {
  type FastifyBaseLogger,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
  LogController,
} from 'fastify'
import pino from 'pino'
import type { Config } from '../config.js'
import { CENSOR, redactError, SECRET_KEYS, scrubText } from './redact-error.js'

const MAX_DEPTH = 3

function walkable(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false
  if (Array.isArray(value)) return true
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/**
 * The object of a log call with every secret-named value censored, copying only what changes.
 * Plain objects and arrays are walked three levels deep (so `{ headers: { cookie } }`,
 * `{ body: { password } }` and `{ req: { headers: { authorization } } }` are all caught); an
 * Error anywhere in them is serialized and censored in depth (`redactError`); other class
 * instances such as Fastify's request and reply are left to their serializers, which emit only
 * method, path, ip and status code.
 *
 * Not pino's `redact`, for what it covers: its paths are exact (case-sensitive, at fixed depths)
 * and it serializes no Error outside `err`, so with it alone a secret under `error`, one level
 * down or in another spelling reaches the line (test/unit/logging.test.ts fails). Its cost is no
 * reason (bench/log-redact.ts, 20k injected minimal requests, 7 interleaved rounds, each in its
 * own process): 7 exact paths, none starting with a wildcard, are within noise (median CPU a
 * request: this walker 98.4 µs, walker + those paths 92.8, the paths instead of it 97.0); dear are
 * paths that start with a wildcard, as this coverage needs (123 of them: 117.5 µs), because those
 * also run over the bindings of the child logger Fastify makes for every request (child() 2.4 →
 * 22.4 µs).
 */
export function redactSecrets<T extends Record<string, unknown>>(obj: T, depth = 1): T {
  let out: Record<string, unknown> | null = null
  for (const key of Object.keys(obj)) {
    const value = obj[key]
    let next = value
    if (SECRET_KEYS.has(key.toLowerCase())) {
      if (value !== undefined && value !== null) next = CENSOR
    } else if (value instanceof Error) {
      next = redactError(value)
    } else if (depth < MAX_DEPTH && walkable(value)) {
      next = redactSecrets(value, depth + 1)
    }
    if (next !== value) {
      const copy: Record<string, unknown> =
        out ?? ((Array.isArray(obj) ? [...obj] : { ...obj }) as Record<string, unknown>)
      copy[key] = next
      out = copy
    }
  }
  return (out ?? obj) as T
}

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

export function genReqId(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id']
  return typeof incoming === 'string' && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID()
}

/** A request's path as logged: without the query string, which may carry user text. */
const loggedPath = (url: string) => url.split('?')[0] as string

export function loggerOptions(config: Config, pretty: boolean): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    formatters: { log: redactSecrets },
    hooks: {
      // A line's `msg` is no formatter's business: scrub it where it is an error's message
      // (`log.error(err)`, and Fastify's own `log.error({ err }, err.message)`).
      logMethod(args, method) {
        const [first, second, ...rest] = args as unknown[]
        if (first instanceof Error && second === undefined)
          return method.apply(this, [{ err: first }, scrubText(first.message)] as never)
        const err = (first as { err?: unknown } | null)?.err
        if (err instanceof Error && typeof second === 'string' && second === err.message)
          return method.apply(this, [first, scrubText(second), ...rest] as never)
        return method.apply(this, args)
      },
    },
    serializers: {
      // An `err` the formatter has already serialized and censored passes through unchanged.
      err: (err: unknown) =>
        (err instanceof Error ? redactError(err) : err) as { type: string; message: string; stack: string },
      req(request: { method: string; url: string; ip?: string; headers?: Record<string, unknown> }) {
        return { method: request.method, url: loggedPath(request.url), ip: request.ip }
      },
    },
    ...(pretty
      ? {
          transport: {
            target: 'pino-pretty',
            options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' },
          },
        }
      : // Asynchronous writes: while one write to stdout is in flight, later lines queue and
        // go out together (one syscall for many lines under load, no delay when idle). pino
        // flushes what is queued when the process exits.
        { stream: pino.destination({ dest: 1, sync: false }) }),
  }
}

const { chindingsSym, streamSym } = pino.symbols
const INFO = 30

/** The stream a pino logger writes its lines to, or null for another kind of logger. */
function sinkOf(log: FastifyBaseLogger): { write(line: string): unknown } | null {
  const stream = (log as unknown as Record<symbol, { write?: unknown } | undefined>)[streamSym]
  return typeof stream?.write === 'function' ? (stream as { write(line: string): unknown }) : null
}

/**
 * The access line pino would write for `log.info({ req, res, responseTime }, 'request
 * completed')` with these options, built directly: its fields are known and carry no secrets
 * (the path has no query string), so pino's generic serializing, formatting and redacting —
 * a third of a cheap request's logging CPU — is not needed. Null when `log` is not a pino
 * logger writing to a stream, or info is off.
 */
export function accessLine(
  log: FastifyBaseLogger,
  request: FastifyRequest,
  reply: FastifyReply,
): string | null {
  const bound = (log as unknown as Record<symbol, unknown>)[chindingsSym]
  if (typeof bound !== 'string' || !(log as pino.Logger).isLevelEnabled('info')) return null
  const path = JSON.stringify(loggedPath(request.url))
  const ip = typeof request.ip === 'string' ? `,"ip":${JSON.stringify(request.ip)}` : ''
  const time = reply.elapsedTime
  return `{"level":${INFO},"time":${Date.now()}${bound},"req":{"method":${JSON.stringify(request.method)},"url":${path}${ip}},"res":{"statusCode":${reply.statusCode}},"responseTime":${Number.isFinite(time) ? time : null},"msg":"request completed"}\n`
}

/**
 * One access-log line per request, written when it completes (method, path, ip, status,
 * response time), instead of Fastify's two ("incoming request" + "request completed"):
 * formatting and redacting the second line cost ~10 % of a cheap request's CPU. Error and
 * not-found lines are Fastify's own.
 */
export class AccessLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (this.isLogDisabled(request)) return
    if (error) {
      reply.log.error(
        { req: request, res: reply, err: error, responseTime: reply.elapsedTime },
        'request errored',
      )
      return
    }
    const sink = sinkOf(reply.log)
    const line = sink ? accessLine(reply.log, request, reply) : null
    if (sink && line !== null) sink.write(line)
    else reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed')
  }
}
