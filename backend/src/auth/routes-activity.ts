// GET /api/auth/activity (docs/api.md §14): a person's own audit events, newest first, so they can
// spot a sign-in or a change that was not theirs (an admin's reset link for them included).

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { listAuditEvents } from '../db/queries/audit.js'
import { decodeTimeCursor } from '../lib/cursor.js'
import type { RouteDeps } from '../routes/deps.js'
import { ActivityList, ActivityQuery, activityEventBody, page } from './audit-http.js'
import { requestUser } from './plugin.js'
import { errorResponses } from './schemas.js'

export default async function activityRoutes(instance: FastifyInstance, deps: RouteDeps) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>()
  const { db } = deps
  app.get(
    '/activity',
    {
      schema: {
        tags: ['auth'],
        summary: 'Your own account activity, newest first',
        querystring: ActivityQuery,
        response: { 200: ActivityList, ...errorResponses(401, 422) },
      },
    },
    async (request) => {
      const user = requestUser(request)
      const { limit, cursor } = request.query
      const rows = await listAuditEvents(db, {
        subjectId: user.id,
        after: decodeTimeCursor(cursor),
        limit: limit + 1,
      })
      return page(rows, limit, activityEventBody)
    },
  )
}
