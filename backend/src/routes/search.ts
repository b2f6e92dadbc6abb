// GET /api/search (docs/api.md §7): retrieval only, best first. Search ranks and does not cut: the
// chat's relevance floor decides whether an answer refuses, not what search shows.
// Searched: the named spaces (each readable now, else 404) or every space the caller can read;
// the filter is inside the retrieval SQL, and scores depend only on the spaces searched.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { AppError } from '../errors.js'
import { createRagContext } from '../rag/context.js'
import { search } from '../rag/retrieve.js'
import type { RouteDeps } from './deps.js'
import { callerOf } from './space-access.js'
import { readableSpaces, requireReadable } from './space-scope.js'

const SearchQuery = Type.Object({
  q: Type.String({ minLength: 1, maxLength: 1000 }),
  k: Type.Integer({ minimum: 1, maximum: 100, default: 8 }),
  // A repeated parameter is a list (one value is coerced into a list of one).
  space_id: Type.Optional(Type.Array(Type.String({ format: 'uuid' }), { minItems: 1, maxItems: 100 })),
})

const SearchResponse = Type.Object({
  results: Type.Array(
    Type.Object({
      chunk_id: Type.String({ format: 'uuid' }),
      document_id: Type.String({ format: 'uuid' }),
      space_id: Type.String({ format: 'uuid' }),
      title: Type.String(),
      source: Type.Union([Type.String(), Type.Null()]),
      heading: Type.Union([Type.String(), Type.Null()]),
      snippet: Type.String(),
      score: Type.Number(),
    }),
  ),
})

export default async function searchRoutes(instance: FastifyInstance, opts: RouteDeps) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>()
  const rag = createRagContext(opts.db, opts.config, app.log)
  app.get(
    '/api/search',
    {
      schema: {
        tags: ['documents'],
        summary: 'Search the knowledge base',
        querystring: SearchQuery,
        response: { 200: SearchResponse },
      },
    },
    async (request) => {
      const caller = callerOf(request)
      const { q, k, space_id: named } = request.query
      const query = q.trim()
      if (!query) {
        const message = 'must contain at least 1 non-whitespace character'
        throw new AppError('validation_error', { errors: [{ path: 'q', message }] })
      }
      const spaceIds = named
        ? await requireReadable(opts.db, caller, named)
        : await readableSpaces(opts.db, caller)
      const results = await search(rag, query, { k }, spaceIds)
      return { results }
    },
  )
}
