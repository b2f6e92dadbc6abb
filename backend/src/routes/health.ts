import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { Config } from '../config.js'
import type { Database } from '../db/client.js'
import { VERSION } from '../lib/version.js'

const HealthResponse = Type.Object({
  status: Type.Union([Type.Literal('healthy'), Type.Literal('unhealthy')]),
  timestamp: Type.String({ format: 'date-time' }),
  version: Type.String(),
  checks: Type.Object({ database: Type.Union([Type.Literal('ok'), Type.Literal('error')]) }),
})

export default async function healthRoutes(
  instance: FastifyInstance,
  opts: { db: Database; config: Config },
) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>()
  // Concurrent probes share one in-flight ping (none is older than its 2 s timeout), so a burst
  // of monitors or load balancers costs one database round trip, not one each.
  let inflight: Promise<boolean> | null = null
  const ping = () => {
    inflight ??= opts.db.ping(2000).finally(() => {
      inflight = null
    })
    return inflight
  }
  app.get(
    '/health',
    {
      config: { rateLimit: { rate: opts.config.rateLimitHealth, per: 'client' } },
      schema: {
        tags: ['health'],
        summary: 'Liveness and database check',
        security: [],
        response: { 200: HealthResponse, 503: HealthResponse },
      },
    },
    async (_request, reply) => {
      const ok = await ping()
      return reply.status(ok ? 200 : 503).send({
        status: ok ? 'healthy' : 'unhealthy',
        timestamp: new Date().toISOString(),
        version: VERSION,
        checks: { database: ok ? 'ok' : 'error' },
      })
    },
  )
}
