// /api/auth: the public routes (register, sign-in, sign-out) and the signed-in ones.
import type { FastifyInstance } from 'fastify'
import type { RouteDeps } from '../routes/deps.js'
import { getDummyHash, loadCommonPasswords } from './passwords.js'
import accountRoutes from './routes-account.js'
import activityRoutes from './routes-activity.js'
import apiKeyRoutes from './routes-api-keys.js'
import emailRoutes from './routes-email.js'
import mfaRoutes from './routes-mfa.js'
import signInRoutes from './routes-sign-in.js'

export default async function authRoutes(app: FastifyInstance, deps: RouteDeps) {
  // Computed before the first request: the common-password Set (~50 ms) and the dummy hash that
  // makes an unknown email cost as much as a wrong password.
  await Promise.all([loadCommonPasswords(), getDummyHash()])
  await app.register(signInRoutes, { prefix: '/api/auth', ...deps })
  await app.register(accountRoutes, { prefix: '/api/auth', ...deps })
  await app.register(apiKeyRoutes, { prefix: '/api/auth', ...deps })
  await app.register(mfaRoutes, { prefix: '/api/auth', ...deps })
  await app.register(activityRoutes, { prefix: '/api/auth', ...deps })
  await app.register(emailRoutes, { prefix: '/api/auth', ...deps })
}
