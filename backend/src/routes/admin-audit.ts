// GET /api/admin/audit (docs/api.md §14): the audit log for admins, newest first, filtered by
// event type and by a user (as actor or subject). No route edits or deletes an event.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { AdminAuditList, AdminAuditQuery, adminEventBody, page } from '../auth/audit-http.js'
import { errorResponses } from '../auth/schemas.js'
import { listAuditEvents } from '../db/queries/audit.js'
import { decodeTimeCursor } from '../lib/cursor.js'
import type { RouteDeps } from './deps.js'

export default async function adminAuditRoutes(instance: FastifyInstance, deps: RouteDeps) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>()
  const { db } = deps
  app.get(
    '/api/admin/audit',
    {
      onRequest: async (request) => app.requireAdmin(request),
      schema: {
        tags: ['admin'],
        summary: 'Audit events, newest first (admin)',
        querystring: AdminAuditQuery,
        response: { 200: AdminAuditList, ...errorResponses(401, 403, 422) },
      },
    },
    async (request) => {
      const { type, user_id, limit, cursor } = request.query
      const rows = await listAuditEvents(db, {
        type: type ?? null,
        userId: user_id?.toLowerCase() ?? null,
        after: decodeTimeCursor(cursor),
        limit: limit + 1,
      })
      return page(rows, limit, adminEventBody)
    },
  )
}
