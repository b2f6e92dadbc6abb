// Answer feedback (docs/api.md §8): a user rates their own answers; admins read every rating, page by
// page or as one export (JSON Lines or CSV) for review outside the app. A citation from a space the
// admin cannot read (someone's personal space) keeps only its `index`: the rating shares the
// question and answer, never the text of documents the admin may not open.

import { Readable } from 'node:stream'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { requestUser } from '../auth/plugin.js'
import type { Conn } from '../db/client.js'
import {
  deleteFeedback,
  type FeedbackCursor,
  type FeedbackListRow,
  listFeedback,
  type Rating,
  upsertFeedback,
} from '../db/queries/feedback.js'
import { AppError } from '../errors.js'
import { encodeTimeCursor, invalidCursor, keysetPage, parseTimeCursor } from '../lib/cursor.js'
import { IdParams } from '../lib/schemas.js'
import {
  AdminFeedbackExportQuery,
  AdminFeedbackList,
  AdminFeedbackQuery,
  FeedbackRequest,
  type RedactableCitation,
} from './chat-schemas.js'
import type { RouteDeps } from './deps.js'
import { callerOf } from './space-access.js'
import { readableSpaces } from './space-scope.js'

const EXPORT_PAGE = 500
const CSV_COLUMNS = [
  'created_at',
  'rating',
  'comment',
  'user_email',
  'question',
  'answer',
  'citations',
  'message_id',
  'conversation_id',
] as const

/** Opaque to clients: base64url of "<created_at ISO>|<message id>" of the last row of a page. */
export function encodeFeedbackCursor(c: FeedbackCursor): string {
  return encodeTimeCursor({ at: c.createdAt, id: c.messageId })
}

export function decodeFeedbackCursor(cursor: string): FeedbackCursor | null {
  const c = parseTimeCursor(cursor)
  return c && { createdAt: c.at, messageId: c.id }
}

/** Citations as the reader may see them: whole when their space is readable, else the index alone. */
export function redactCitations(
  citations: readonly unknown[],
  readable: ReadonlySet<string>,
): RedactableCitation[] {
  return citations.map((c) => {
    // Stored by this service from checked citations (jsonb reads back untyped).
    const cite = (c ?? {}) as RedactableCitation
    if (typeof cite.space_id === 'string' && readable.has(cite.space_id)) return cite
    return { index: cite.index }
  })
}

export function feedbackItem(r: FeedbackListRow, readable: ReadonlySet<string>) {
  return {
    message_id: r.messageId,
    conversation_id: r.conversationId,
    user_email: r.userEmail,
    question: r.question,
    answer: r.answer,
    citations: redactCitations(r.citations, readable),
    rating: r.rating,
    comment: r.comment,
    created_at: r.createdAt.toISOString(),
  }
}

/** RFC 4180 field; a leading = + - @ is prefixed with ' so spreadsheets do not run it as a formula. */
export function csvField(value: unknown): string {
  let text =
    value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value)
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

function csvLine(item: ReturnType<typeof feedbackItem>): string {
  return `${CSV_COLUMNS.map((c) => csvField(item[c])).join(',')}\r\n`
}

/** The export, read page by page: many ratings never sit in memory at once. */
async function* exportLines(
  db: Conn,
  rating: Rating | null,
  format: 'jsonl' | 'csv',
  readable: ReadonlySet<string>,
) {
  if (format === 'csv') yield `${CSV_COLUMNS.join(',')}\r\n`
  let after: FeedbackCursor | null = null
  for (;;) {
    const rows = await listFeedback(db, { rating, after, limit: EXPORT_PAGE })
    const items = rows.map((r) => feedbackItem(r, readable))
    yield items.map((item) => (format === 'csv' ? csvLine(item) : `${JSON.stringify(item)}\n`)).join('')
    const last = rows[rows.length - 1]
    if (rows.length < EXPORT_PAGE || !last) return
    after = { createdAt: last.createdAt, messageId: last.messageId }
  }
}

const answerNotFound = () => new AppError('not_found', { detail: 'Message not found' })

export default async function feedbackRoutes(instance: FastifyInstance, opts: RouteDeps) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>()
  const { db, clock } = opts
  const admin = async (request: FastifyRequest) => app.requireAdmin(request)

  app.put(
    '/api/chat/messages/:id/feedback',
    {
      schema: {
        tags: ['chat'],
        summary: 'Rate one of your answers (a second rating replaces the first)',
        description: 'A rated question and answer are shared with the administrators.',
        params: IdParams,
        body: FeedbackRequest,
        response: { 204: Type.Null({ description: 'Saved' }) },
      },
    },
    async (request, reply) => {
      const user = requestUser(request)
      const { id } = request.params
      const body = request.body
      const comment = body.comment?.trim() || null
      const saved = await upsertFeedback(db, {
        messageId: id,
        userId: user.id,
        rating: body.rating,
        comment,
        now: new Date(clock.now()),
      })
      if (!saved) throw answerNotFound()
      return reply.status(204).send(null)
    },
  )

  app.delete(
    '/api/chat/messages/:id/feedback',
    {
      schema: {
        tags: ['chat'],
        summary: 'Withdraw your rating of an answer',
        params: IdParams,
        response: { 204: Type.Null({ description: 'Removed' }) },
      },
    },
    async (request, reply) => {
      const user = requestUser(request)
      const { id } = request.params
      if (!(await deleteFeedback(db, id, user.id))) throw answerNotFound()
      return reply.status(204).send(null)
    },
  )

  app.get(
    '/api/admin/feedback',
    {
      onRequest: admin,
      schema: {
        tags: ['admin'],
        summary: 'Rated answers, newest first (admin)',
        querystring: AdminFeedbackQuery,
        response: { 200: AdminFeedbackList },
      },
    },
    async (request) => {
      const { rating, limit, cursor } = request.query
      const after = cursor === undefined ? null : decodeFeedbackCursor(cursor)
      if (cursor !== undefined && !after) throw invalidCursor()
      const readable = new Set(await readableSpaces(db, callerOf(request)))
      const rows = await listFeedback(db, { rating: rating ?? null, after, limit: limit + 1 })
      const { items, next_cursor } = keysetPage(
        rows,
        limit,
        (r) => feedbackItem(r, readable),
        (last) => encodeFeedbackCursor({ createdAt: last.createdAt, messageId: last.messageId }),
      )
      return { feedback: items, next_cursor }
    },
  )

  app.get(
    '/api/admin/feedback/export',
    {
      onRequest: admin,
      schema: {
        tags: ['admin'],
        summary: 'Every rating as JSON Lines (default) or CSV (admin)',
        querystring: AdminFeedbackExportQuery,
        produces: ['application/x-ndjson', 'text/csv'],
      },
    },
    async (request, reply) => {
      const { rating, format } = request.query
      const stamp = new Date(clock.now()).toISOString().slice(0, 10)
      const extension = format === 'csv' ? 'csv' : 'jsonl'
      const readable = new Set(await readableSpaces(db, callerOf(request)))
      return reply
        .header(
          'content-type',
          format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
        )
        .header('content-disposition', `attachment; filename="feedback-${stamp}.${extension}"`)
        .send(Readable.from(exportLines(db, rating ?? null, format, readable)))
    },
  )
}
