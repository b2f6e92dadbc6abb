// Contract §5: only FRONTEND_URL origins, matched exactly, with credentials; never `*`.
import cors from '@fastify/cors'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config.js'

async function corsPlugin(app: FastifyInstance, opts: { config: Config }) {
  const allowed = new Set(opts.config.frontendOrigins)
  await app.register(cors, {
    origin: (origin, cb) => cb(null, origin !== undefined && allowed.has(origin) ? origin : false),
    credentials: true,
    methods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
    allowedHeaders: ['Content-Type', 'Authorization'],
    exposedHeaders: [
      'X-Request-Id',
      'Retry-After',
      'RateLimit-Limit',
      'RateLimit-Remaining',
      'RateLimit-Reset',
    ],
    maxAge: 600,
    strictPreflight: false,
    hideOptionsRoute: true,
  })
}

export default fp(corsPlugin, { name: 'cors' })
