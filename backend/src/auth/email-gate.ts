// EMAIL_VERIFICATION=required (docs/api.md §12): a signed-in user whose email is not verified may
// reach only the routes that say `allowUnverified: true` in their config (me, verify and re-send,
// change of email, sessions, sign-out, account deletion) and the public ones; everything else is
// 403 email_unverified. Decided on the route the router matched, default deny: a new route is
// closed to unverified users until it says otherwise. A path that matched no route is no route to
// refuse: it answers 404 as for any signed-in caller (§3: an unknown /api path with a session is 404).
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config.js'
import { AppError } from '../errors.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Reachable by a signed-in user whose email is not verified yet under EMAIL_VERIFICATION=required. */
    allowUnverified?: boolean
  }
}

async function emailGate(app: FastifyInstance, opts: { config: Config }) {
  if (opts.config.emailVerification !== 'required') return
  app.addHook('onRequest', (request, _reply, done) => {
    const user = request.user
    const route = request.routeOptions.config
    if (
      !user ||
      user.email_verified ||
      request.is404 ||
      route.public === true ||
      route.allowUnverified === true
    )
      done()
    else done(new AppError('email_unverified'))
  })
}

export default fp(emailGate, { name: 'email-gate', dependencies: ['auth'] })
