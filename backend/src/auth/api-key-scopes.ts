// What an API key may do (docs/api.md §11), decided on the route the router matched and the
// request's method (auth/api-keys.ts `requiredScope`), never on the raw target: anything a key's
// scopes do not cover is 403 `forbidden`. Registered after default deny, so a bad key is a 401
// first, and after the rate limiter, so refused requests are counted like any other.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { AppError } from '../errors.js'
import { requiredScope } from './api-keys.js'

async function apiKeyScopes(app: FastifyInstance) {
  app.addHook('onRequest', (request, _reply, done) => {
    const key = request.apiKey
    if (!key) {
      done()
      return
    }
    const needed = requiredScope(request.method, request.routeOptions.url)
    if (needed !== null && key.scopes.includes(needed)) done()
    else
      done(
        new AppError('forbidden', {
          detail: needed ? `This API key lacks the ${needed} scope` : 'API keys cannot be used here',
        }),
      )
  })
}

export default fp(apiKeyScopes, { name: 'api-key-scopes', dependencies: ['auth', 'default-deny'] })
