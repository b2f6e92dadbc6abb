// What Node's HTTP server would refuse on its own, before any of our code runs, with a bare
// status line — none of the §4 headers, no X-Request-Id, no error body: instead the request is
// handed to the router and refused here, once the zone, the §4 headers and CORS are set, in the
// contract's shape (OpenAI's on /v1).
// - `Expect` (RFC 9110 §10.1.1): 100-continue is met (Node sends `100 Continue` and the body is
//   read); any other expectation cannot be: 417 `expectation_failed`.
// - An HTTP/1.1 request without `Host` (RFC 9112 §3.2): 400 `bad_request`. The server is created
//   with `requireHostHeader: false` (app.ts) so that Node lets it through to be refused here.
import type { IncomingMessage } from 'node:http'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { AppError } from '../errors.js'

function missingHost(raw: IncomingMessage): boolean {
  return raw.httpVersionMajor === 1 && raw.httpVersionMinor >= 1 && raw.headers.host === undefined
}

async function protocolPlugin(app: FastifyInstance) {
  // The requests Node found an unmet expectation in (it decides, as it would for its own 417).
  const unmet = new WeakSet<IncomingMessage>()
  // With a listener, Node leaves an unmet expectation to us instead of answering 417 itself.
  app.server.on('checkExpectation', (req, res) => {
    unmet.add(req)
    app.server.emit('request', req, res)
  })
  app.addHook('onRequest', (request, _reply, done) => {
    if (unmet.has(request.raw)) done(new AppError('expectation_failed'))
    else if (missingHost(request.raw))
      done(new AppError('bad_request', { detail: 'An HTTP/1.1 request needs a Host header' }))
    else done()
  })
}

export default fp(protocolPlugin, { name: 'protocol', dependencies: ['zones', 'security-headers', 'cors'] })
