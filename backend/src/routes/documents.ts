// Knowledge base documents (docs/api.md §7). Upload: JSON or multipart (one `file`, ≤ 20 MiB).
// Status: 201 new document; 200 when nothing was created — identical content (the existing
// document) or a changed file at the same `source` (same id, chunks replaced).
import multipart from '@fastify/multipart'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { type Static, Type } from 'typebox'
import { listChunks } from '../db/queries/chunks.js'
import { getDocument, listDocuments } from '../db/queries/documents.js'
import { AppError } from '../errors.js'
import { IdParams } from '../lib/schemas.js'
import { createRagContext } from '../rag/context.js'
import { deleteDocument, ingestDocument } from '../rag/ingest.js'
import { formatFromFilename, SUPPORTED_EXTENSIONS, unusable } from '../rag/parse.js'
import type { IngestInput } from '../rag/types.js'
import type { RouteDeps } from './deps.js'

export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024

const DocumentSummary = Type.Object({
  id: Type.String({ format: 'uuid' }),
  title: Type.String(),
  source: Type.Union([Type.String(), Type.Null()]),
  chunks: Type.Integer(),
  created_at: Type.String({ format: 'date-time' }),
})

const DocumentDetail = Type.Object({
  id: Type.String({ format: 'uuid' }),
  title: Type.String(),
  source: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String({ format: 'date-time' }),
  chunks: Type.Array(
    Type.Object({
      id: Type.String({ format: 'uuid' }),
      ordinal: Type.Integer(),
      heading: Type.Union([Type.String(), Type.Null()]),
      content: Type.String(),
    }),
  ),
})

const DocumentList = Type.Object({ documents: Type.Array(DocumentSummary) })

const JsonDocument = Type.Object({
  title: Type.String({ minLength: 1, maxLength: 300, pattern: '\\S' }),
  content: Type.String({ minLength: 1 }),
  source: Type.Optional(Type.Union([Type.String({ maxLength: 1000 }), Type.Null()])),
  format: Type.Optional(Type.Union([Type.Literal('markdown'), Type.Literal('text'), Type.Literal('html')])),
})

type JsonDocumentBody = Static<typeof JsonDocument>

async function uploadedInput(request: FastifyRequest): Promise<IngestInput> {
  const file = await request.file({ limits: { fileSize: MAX_UPLOAD_BYTES, files: 1 } })
  if (file?.fieldname !== 'file') throw unusable('Send the document as one file in the "file" field')
  const name = file.filename.replace(/^.*[\\/]/, '').trim()
  const format = formatFromFilename(name)
  if (!format) {
    file.file.resume()
    throw unusable(`Unsupported file type: use one of ${SUPPORTED_EXTENSIONS.join(', ')}`)
  }
  const content = await file.toBuffer()
  return {
    content: new Uint8Array(content),
    format,
    source: name || null,
    createdBy: request.user?.id ?? null,
  }
}

function jsonInput(request: FastifyRequest & { body: JsonDocumentBody | undefined }): IngestInput {
  if (request.mediaType !== 'application/json' || typeof request.body !== 'object' || request.body === null) {
    throw new AppError('unsupported_media_type', {
      detail: 'Send application/json or multipart/form-data with one "file"',
    })
  }
  const body = request.body
  return {
    title: body.title,
    content: body.content,
    source: body.source ?? null,
    format: body.format ?? 'markdown',
    createdBy: request.user?.id ?? null,
  }
}

const iso = (d: Date) => d.toISOString()

export default async function documentRoutes(instance: FastifyInstance, opts: RouteDeps) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>()
  const rag = createRagContext(opts.db, opts.config, app.log)
  // Only JSON and multipart here: anything else (text/plain included) is a 415.
  app.removeContentTypeParser('text/plain')
  await app.register(multipart, { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 10, parts: 20 } })
  const admin = async (request: FastifyRequest) => app.requireAdmin(request)

  // The body schema is per media type, which the type provider cannot read: JSON is validated as
  // JsonDocument; a multipart body is read by request.file() and leaves request.body undefined.
  app.post<{ Body: JsonDocumentBody | undefined }>(
    '/api/documents',
    {
      onRequest: admin,
      schema: {
        tags: ['documents'],
        summary:
          'Add a document (admin): JSON, or multipart/form-data with one file (.md, .txt, .html, .pdf)',
        consumes: ['application/json', 'multipart/form-data'],
        description:
          'JSON `{title, content, source?, format?}` (format markdown, text or html; default markdown), or ' +
          'multipart/form-data with one `file` field (.md, .markdown, .txt, .html, .htm, .pdf; at most 20 MiB). ' +
          '201: a new document. 200: identical content already stored (that document is returned), or a ' +
          'changed file at the same `source` (same id, chunks replaced).',
        // Validated per media type: JSON here. A multipart body is parsed lazily (request.file())
        // and checked by uploadedInput(): a schema for it would only ever see no body.
        body: { content: { 'application/json': { schema: JsonDocument } } },
        response: { 200: DocumentSummary, 201: DocumentSummary },
      },
    },
    async (request, reply) => {
      const input = request.isMultipart() ? await uploadedInput(request) : jsonInput(request)
      const result = await ingestDocument(rag, input)
      return reply.status(result.created ? 201 : 200).send({
        id: result.id,
        title: result.title,
        source: result.source,
        chunks: result.chunks,
        created_at: iso(result.created_at),
      })
    },
  )

  app.get(
    '/api/documents',
    {
      schema: {
        tags: ['documents'],
        summary: 'List documents',
        response: { 200: DocumentList },
      },
    },
    async () => ({
      documents: (await listDocuments(opts.db)).map((d) => ({ ...d, created_at: iso(d.created_at) })),
    }),
  )

  app.get(
    '/api/documents/:id',
    {
      schema: {
        tags: ['documents'],
        summary: 'A document with its chunks',
        params: IdParams,
        response: { 200: DocumentDetail },
      },
    },
    async (request) => {
      const { id } = request.params
      const doc = await getDocument(opts.db, id)
      if (!doc) throw new AppError('not_found', { detail: 'Document not found' })
      const chunks = await listChunks(opts.db, id)
      return { id: doc.id, title: doc.title, source: doc.source, created_at: iso(doc.created_at), chunks }
    },
  )

  app.delete(
    '/api/documents/:id',
    {
      onRequest: admin,
      schema: {
        tags: ['documents'],
        summary: 'Delete a document (admin)',
        params: IdParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const { id } = request.params
      if (!(await deleteDocument(rag, id))) {
        throw new AppError('not_found', { detail: 'Document not found' })
      }
      return reply.status(204).send(null)
    },
  )
}
