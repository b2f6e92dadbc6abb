// GET /api/search (docs/api.md §7): retrieval only, best first. Search ranks and does not cut: the
// chat's relevance floor decides whether an answer refuses, not what search shows.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { sharedLibraryId } from '../db/queries/spaces.js'
import { AppError } from '../errors.js'
import { createRagContext } from '../rag/context.js'
import { search } from '../rag/retrieve.js'
import type { RouteDeps } from './deps.js'

const SearchQuery = Type.Object({
  q: Type.String({ minLength: 1, maxLength: 1000 }),
  k: Type.Integer({ minimum: 1, maximum: 100, default: 8 }),
})

const SearchResponse = Type.Object({
  results: Type.Array(
    Type.Object({
      chunk_id: Type.String({ format: 'uuid' }),
      document_id: Type.String({ format: 'uuid' }),
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
      const { q, k } = request.query
      const query = q.trim()
      if (!query) {
        const message = 'must contain at least 1 non-whitespace character'
        throw new AppError('validation_error', { errors: [{ path: 'q', message }] })
      }
      // The shared library until the per-user spaces of §10 are resolved here.
      const results = await search(rag, query, { k }, [await sharedLibraryId(opts.db)])
      return { results }
    },
  )
}
