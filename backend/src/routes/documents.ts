// Knowledge base documents (docs/api.md §7). Upload: JSON or multipart (one `file`, ≤ 20 MiB).
// Status: 201 new document; 200 when nothing was created — identical content (the existing
// document) or a changed file at the same `source` (same id, chunks replaced).
// Every document lives in one space, and who may read or change it is decided by that space as
// memberships are at this request; a document the caller may not read is a 404 like a missing one.
import multipart from '@fastify/multipart'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { type Static, Type } from 'typebox'
import { writeAudit } from '../auth/audit.js'
import type { Conn } from '../db/client.js'
import { listChunks } from '../db/queries/chunks.js'
import { type DocumentSummary as DocumentRow, getDocument, listDocuments } from '../db/queries/documents.js'
import { ensurePersonalSpace, holdSpace, sharedLibraryId, spaceAccess } from '../db/queries/spaces.js'
import { AppError } from '../errors.js'
import { isUuid, uuidv7 } from '../lib/ids.js'
import { IdParams } from '../lib/schemas.js'
import { createRagContext } from '../rag/context.js'
import { deleteDocument, ingestDocument } from '../rag/ingest.js'
import { formatFromFilename, SUPPORTED_EXTENSIONS, unusable } from '../rag/parse.js'
import type { IngestInput } from '../rag/types.js'
import type { RouteDeps } from './deps.js'
import { type Caller, callerOf, requireRole, spaceNotFound } from './space-access.js'
import { readableSpaces } from './space-scope.js'

export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024

const DocumentSummary = Type.Object({
  id: Type.String({ format: 'uuid' }),
  title: Type.String(),
  space_id: Type.String({ format: 'uuid' }),
  source: Type.Union([Type.String(), Type.Null()]),
  chunks: Type.Integer(),
  created_at: Type.String({ format: 'date-time' }),
})

const DocumentDetail = Type.Object({
  id: Type.String({ format: 'uuid' }),
  title: Type.String(),
  space_id: Type.String({ format: 'uuid' }),
  source: Type.Union([Type.String(), Type.Null()]),
  // How the document was read: chunks of `text` and `pdf` documents are plain paragraphs (never
  // Markdown); `markdown` and `html` (read as Markdown) chunks are Markdown.
  format: Type.Union([
    Type.Literal('markdown'),
    Type.Literal('text'),
    Type.Literal('html'),
    Type.Literal('pdf'),
  ]),
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

/** The longest `source` (a JSON document's, an uploaded file's name). */
const MAX_SOURCE_CHARS = 1000

const JsonDocument = Type.Object({
  title: Type.String({ minLength: 1, maxLength: 300, pattern: '\\S' }),
  content: Type.String({ minLength: 1 }),
  source: Type.Optional(Type.Union([Type.String({ maxLength: MAX_SOURCE_CHARS }), Type.Null()])),
  format: Type.Optional(Type.Union([Type.Literal('markdown'), Type.Literal('text'), Type.Literal('html')])),
  space_id: Type.Optional(Type.Union([Type.Null(), Type.String({ format: 'uuid' })])),
})

type JsonDocumentBody = Static<typeof JsonDocument>

const ListQuery = Type.Object({ space_id: Type.Optional(Type.String({ format: 'uuid' })) })

interface Upload {
  input: IngestInput
  /** The space named by the request, if any. */
  spaceId: string | null
}

const badSpaceField = () =>
  new AppError('validation_error', { errors: [{ path: 'space_id', message: 'must be a UUID' }] })

const ONE_FILE = 'Send the document as one file in the "file" field'

/** One `file` part and an optional `space_id` field, in either order. */
async function uploadedInput(request: FastifyRequest): Promise<Upload> {
  let problem: AppError | null = null
  let spaceField: string | null = null
  let upload: Omit<IngestInput, 'createdBy'> | null = null
  try {
    for await (const part of request.parts({ limits: { fileSize: MAX_UPLOAD_BYTES, files: 1 } })) {
      if (part.type === 'field') {
        if (part.fieldname === 'space_id') spaceField = String(part.value).trim()
        continue
      }
      if (part.fieldname !== 'file' || upload || problem) {
        part.file.resume()
        problem ??= unusable(ONE_FILE)
        continue
      }
      const name = part.filename.replace(/^.*[\\/]/, '').trim()
      // The file name is the document's source: the rules of a JSON `source` hold for it.
      if (name.includes('\u0000') || name.length > MAX_SOURCE_CHARS) {
        part.file.resume()
        problem = unusable(
          name.length > MAX_SOURCE_CHARS
            ? `The file name must have at most ${MAX_SOURCE_CHARS} characters`
            : 'The file name must not contain U+0000',
        )
        continue
      }
      const format = formatFromFilename(name)
      if (!format) {
        part.file.resume()
        problem = unusable(`Unsupported file type: use one of ${SUPPORTED_EXTENSIONS.join(', ')}`)
        continue
      }
      upload = { content: new Uint8Array(await part.toBuffer()), format, source: name || null }
    }
  } catch (err) {
    // A second file is a malformed request (one `file` is expected), not a body too large.
    const code = (err as { code?: unknown })?.code
    if (code === 'FST_FILES_LIMIT') throw unusable(ONE_FILE)
    if (err instanceof AppError || (typeof code === 'string' && code.startsWith('FST_'))) throw err
    // What the multipart parser itself refuses (no boundary, a body cut short, broken part
    // headers) is a malformed request, as unparseable JSON is: 400, never a 500.
    throw new AppError('bad_request', { detail: 'The multipart/form-data body is malformed', cause: err })
  }
  if (problem) throw problem
  if (!upload) throw unusable(ONE_FILE)
  if (spaceField && !isUuid(spaceField)) throw badSpaceField()
  return { input: { ...upload, createdBy: request.user?.id ?? null }, spaceId: spaceField || null }
}

function jsonInput(request: FastifyRequest & { body: JsonDocumentBody | undefined }): Upload {
  if (request.mediaType === 'application/json' && request.body === undefined) {
    throw new AppError('validation_error', { errors: [{ path: 'body', message: 'must be object' }] })
  }
  if (request.mediaType !== 'application/json' || typeof request.body !== 'object' || request.body === null) {
    throw new AppError('unsupported_media_type', {
      detail: 'Send application/json or multipart/form-data with one "file"',
    })
  }
  const body = request.body
  return {
    input: {
      title: body.title,
      content: body.content,
      source: body.source ?? null,
      format: body.format ?? 'markdown',
      createdBy: request.user?.id ?? null,
    },
    spaceId: body.space_id ?? null,
  }
}

const documentNotFound = () => new AppError('not_found', { detail: 'Document not found' })

/** A document the caller may read now; a missing and an unreadable one are the same 404. */
async function readableDocument(ex: Conn, id: string, caller: Caller): Promise<DocumentRow> {
  const doc = isUuid(id) ? await getDocument(ex, id) : null
  if (!doc || !(await spaceAccess(ex, doc.space_id, caller))) throw documentNotFound()
  return doc
}

const iso = (d: Date) => d.toISOString()

/** A JSON body has no `file`: what the parser says of the file is said of `content`. */
function asContentError(err: unknown): unknown {
  if (!(err instanceof AppError) || !err.errors?.some((e) => e.path === 'file')) return err
  const errors = err.errors.map((e) => (e.path === 'file' ? { ...e, path: 'content' } : e))
  return new AppError(err.code, { detail: err.message, errors, status: err.statusCode, cause: err })
}

export default async function documentRoutes(instance: FastifyInstance, opts: RouteDeps) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>()
  const { db, clock } = opts
  const rag = createRagContext(db, opts.config, app.log)
  // Only JSON and multipart here: anything else (text/plain included) is a 415.
  app.removeContentTypeParser('text/plain')
  await app.register(multipart, { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 10, parts: 20 } })
  // The body schema is per media type, which the type provider cannot read: JSON is validated as
  // JsonDocument; a multipart body is read by request.file() and leaves request.body undefined.
  app.post<{ Body: JsonDocumentBody | undefined }>(
    '/api/documents',
    {
      schema: {
        tags: ['documents'],
        summary:
          'Add a document to a space: JSON, or multipart/form-data with one file (.md, .txt, .html, .pdf)',
        consumes: ['application/json', 'multipart/form-data'],
        description:
          'JSON `{title, content, source?, format?, space_id?}` (format markdown, text or html; default ' +
          'markdown), or multipart/form-data with one `file` field (.md, .markdown, .txt, .html, .htm, .pdf; ' +
          'at most 20 MiB) and an optional `space_id` field. Without `space_id`, an admin adds to the shared ' +
          'library and anyone else to their personal space. Needs the editor or owner role in the space (403); ' +
          'a space the caller cannot read is a 404. 201: a new document. 200: identical content already in ' +
          'that space (that document is returned), or a changed file at the same `source` (same id, chunks ' +
          'replaced).',
        // Validated per media type: JSON here. A multipart body is parsed lazily (request.file())
        // and checked by uploadedInput(): a schema for it would only ever see no body.
        body: { content: { 'application/json': { schema: JsonDocument } } },
        response: { 200: DocumentSummary, 201: DocumentSummary },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request)
      const multipartBody = request.isMultipart()
      const { input, spaceId: named } = multipartBody ? await uploadedInput(request) : jsonInput(request)
      // Adding needs `editor` in the space (403); one the caller cannot read is a 404.
      const spaceId = named
        ? (await requireRole(db, named.toLowerCase(), caller, 'editor')).id
        : caller.isAdmin
          ? await sharedLibraryId(db)
          : await ensurePersonalSpace(db, caller.id, () => uuidv7())
      const result = await ingestDocument(rag, {
        ...input,
        spaceId,
        // Parsing can take seconds: the role is checked again at the moment of writing.
        authorize: async (tx) => {
          if (!(await holdSpace(tx, spaceId))) throw spaceNotFound()
          await requireRole(tx, spaceId, caller, 'editor')
        },
        written: (tx, r) =>
          writeAudit(tx, clock, request, {
            type: 'document_added',
            actor: caller,
            subjectId: null,
            // Ids only: a document's title is its space's business (a personal space's, its owner's).
            details: { document_id: r.id, space_id: r.space_id, status: r.status },
          }),
      }).catch((err: unknown) => {
        throw multipartBody ? err : asContentError(err)
      })
      return reply.status(result.created ? 201 : 200).send({
        id: result.id,
        title: result.title,
        space_id: result.space_id,
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
        summary: 'Every document you can read, or those of one space (newest first)',
        querystring: ListQuery,
        response: { 200: DocumentList },
      },
    },
    async (request) => {
      const caller = callerOf(request)
      const { space_id: named } = request.query
      const spaceIds = named
        ? [(await requireRole(db, named.toLowerCase(), caller, 'viewer')).id]
        : await readableSpaces(db, caller)
      const docs = await listDocuments(db, spaceIds)
      return { documents: docs.map((d) => ({ ...d, created_at: iso(d.created_at) })) }
    },
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
      const doc = await readableDocument(db, request.params.id, callerOf(request))
      const chunks = await listChunks(db, doc.id)
      return {
        id: doc.id,
        title: doc.title,
        space_id: doc.space_id,
        source: doc.source,
        format: doc.format,
        created_at: iso(doc.created_at),
        chunks,
      }
    },
  )

  app.delete(
    '/api/documents/:id',
    {
      schema: {
        tags: ['documents'],
        summary: 'Delete a document (editor or owner of its space)',
        params: IdParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request)
      const doc = await readableDocument(db, request.params.id, caller)
      // Deleting needs `editor` in the document's space as it is when the delete is written.
      const deleted = await deleteDocument(rag, doc.id, {
        authorize: async (tx) => {
          await requireRole(tx, doc.space_id, caller, 'editor', documentNotFound)
        },
        written: (tx) =>
          writeAudit(tx, clock, request, {
            type: 'document_deleted',
            actor: caller,
            subjectId: null,
            details: { document_id: doc.id, space_id: doc.space_id },
          }),
      })
      if (!deleted) throw documentNotFound()
      return reply.status(204).send(null)
    },
  )
}
