// `Expect` (RFC 9110 §10.1.1): 100-continue is met (Node sends `100 Continue` and the body is
// read); any other expectation cannot be, and is refused with 417 `expectation_failed`. Node would
// answer that one itself, before any of our code runs — a bare 417 without the §4 headers,
// X-Request-Id or an error body — so the request is handed to the router instead, and refused here
// once the zone, the §4 headers and CORS are set: in the contract's shape (OpenAI's on /v1).
import type { IncomingMessage } from 'node:http'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { AppError } from '../errors.js'

async function expectPlugin(app: FastifyInstance) {
  // The requests Node found an unmet expectation in (it decides, as it would for its own 417).
  const unmet = new WeakSet<IncomingMessage>()
  // With a listener, Node leaves an unmet expectation to us instead of answering 417 itself.
  app.server.on('checkExpectation', (req, res) => {
    unmet.add(req)
    app.server.emit('request', req, res)
  })
  app.addHook('onRequest', (request, _reply, done) => {
    if (unmet.has(request.raw)) done(new AppError('expectation_failed'))
    else done()
  })
}

export default fp(expectPlugin, { name: 'expect', dependencies: ['zones', 'security-headers', 'cors'] })
