// Default deny (docs/api.md §3): a request to a guarded zone (/api, /v1; see zones.ts) without a
// valid session or key is answered 401 unless the route it matched says `public: true`. An
// unknown path there matched no route, so it is not public: 401 without a session, 404 with one.
//
// Registered after the auth plugin (which identifies the caller) and the rate limiter (which
// counts the request first, so a stream of bad tokens is limited like anything else).
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { AppError } from '../errors.js'

async function defaultDeny(app: FastifyInstance) {
  app.addHook('onRequest', (request, _reply, done) => {
    const failure = request.authFailure
    if (!failure || request.routeOptions.config.public === true) done()
    else done(new AppError(failure))
  })
}

export default fp(defaultDeny, { name: 'default-deny', dependencies: ['auth', 'rate-limit'] })
