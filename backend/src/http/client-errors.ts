// Requests refused before any of our hooks run get the contract's error shape and §4 headers
// too (Fastify's defaults answer `{"error","message","statusCode"}` with no headers):
// - what Node's HTTP parser refuses — a request line or headers it cannot parse, headers over the
//   size limit, a client too slow to send its headers and body (docs/api.md §0: 30 s) — after which
//   the connection is closed;
// - a target the router cannot percent-decode (`/api/%zz`).
import { randomUUID } from 'node:crypto'
import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyServerOptions } from 'fastify'
import { AppError, type ErrorCode } from '../errors.js'
import { corsHeadersFor } from './cors.js'
import { sendError } from './error-handler.js'
import { isGuarded, zoneOfTarget } from './zones.js'

function codeOf(err: NodeJS.ErrnoException): ErrorCode {
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'request_timeout'
  if (err.code === 'HPE_HEADER_OVERFLOW') return 'headers_too_large'
  return 'bad_request'
}

/** Fastify's `clientErrorHandler`, sending `headers` (the API's §4 set) with every answer. */
export function clientErrorHandler(headers: Record<string, string>) {
  const fixed = Object.entries({ ...headers, 'cache-control': 'no-store' })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')
  return (err: NodeJS.ErrnoException, socket: Socket) => {
    // A reset connection has nobody to answer.
    if (err.code === 'ECONNRESET' || socket.destroyed) return
    if (socket.writable) {
      const e = new AppError(
        codeOf(err),
        codeOf(err) === 'bad_request' ? { detail: 'Malformed HTTP request' } : {},
      )
      const body = JSON.stringify({ detail: e.message, code: e.code })
      socket.write(
        // §0: every response carries X-Request-Id (none could be read from a request Node refused).
        `HTTP/1.1 ${e.statusCode} ${STATUS_CODES[e.statusCode]}\r\nConnection: close\r\n${fixed}` +
          `x-request-id: ${randomUUID()}\r\n` +
          `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      )
    }
    socket.destroy(err)
  }
}

/** Fastify's `frameworkErrors`: an undecodable target is a 400 `bad_request`, never routed. */
export function frameworkErrorHandler(
  headers: Record<string, string>,
  frontendOrigins: readonly string[] = [],
): FastifyServerOptions['frameworkErrors'] {
  const cors = corsHeadersFor(frontendOrigins)
  return (_err, request, reply) => {
    request.zone = zoneOfTarget(request.url)
    reply.headers(headers)
    reply.headers(cors(request.headers.origin))
    reply.header('x-request-id', request.id)
    if (isGuarded(request.zone)) reply.header('cache-control', 'no-store')
    sendError(request, reply, new AppError('bad_request', { detail: 'Malformed request target' }))
  }
}
