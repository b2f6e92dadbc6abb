// Conversations (contract §8): list (own only, newest first, cursor pages), read, delete.
// Another user's conversation is 404 everywhere, like one that does not exist.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { RouteDeps } from '../app.js'
import type { AuthUser } from '../auth/sessions.js'
import {
  type ConversationCursor,
  deleteUserConversation,
  findUserConversation,
  listUserConversations,
} from '../db/queries/conversations.js'
import { listConversationMessages } from '../db/queries/messages.js'
import { AppError } from '../errors.js'
import { isUuid } from '../lib/ids.js'
import { ConversationDetail, ConversationList, IdParams, ListQuery, messageBody } from './chat-schemas.js'

/** Opaque to clients: base64url of "<updated_at ISO>|<id>" of the last row of a page. */
export function encodeCursor(c: ConversationCursor): string {
  return Buffer.from(`${c.updatedAt.toISOString()}|${c.id}`, 'utf8').toString('base64url')
}

export function decodeCursor(cursor: string): ConversationCursor | null {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return null
  const [iso, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|')
  if (!iso || !id || rest.length > 0 || !isUuid(id)) return null
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(iso)) return null
  const updatedAt = new Date(iso)
  return Number.isNaN(updatedAt.getTime()) ? null : { updatedAt, id }
}

const invalidCursor = () =>
  new AppError('validation_error', { errors: [{ path: 'cursor', message: 'is not a valid cursor' }] })

function userOf(request: FastifyRequest): AuthUser {
  if (!request.user) throw new AppError('auth_required')
  return request.user
}

export default async function chatConversationRoutes(app: FastifyInstance, opts: RouteDeps) {
  const { db } = opts
  const tags = ['chat']

  app.get(
    '/api/chat/conversations',
    {
      schema: {
        tags,
        summary: 'Your conversations, newest first',
        querystring: ListQuery,
        response: { 200: ConversationList },
      },
    },
    async (request) => {
      const user = userOf(request)
      const { limit, cursor } = request.query as { limit: number; cursor?: string }
      const after = cursor === undefined ? null : decodeCursor(cursor)
      if (cursor !== undefined && !after) throw invalidCursor()
      const rows = await listUserConversations(db.orm, user.id, { limit: limit + 1, after })
      const page = rows.slice(0, limit)
      const last = page[page.length - 1]
      return {
        conversations: page.map((c) => ({
          id: c.id,
          title: c.title,
          created_at: c.createdAt.toISOString(),
          updated_at: c.updatedAt.toISOString(),
        })),
        next_cursor: rows.length > limit && last ? encodeCursor(last) : null,
      }
    },
  )

  app.get(
    '/api/chat/conversations/:id',
    {
      schema: {
        tags,
        summary: 'One conversation with its messages, oldest first',
        params: IdParams,
        response: { 200: ConversationDetail },
      },
    },
    async (request) => {
      const user = userOf(request)
      const { id } = request.params as { id: string }
      const conversation = await findUserConversation(db.orm, user.id, id)
      if (!conversation) throw new AppError('not_found', { detail: 'Conversation not found' })
      const messages = await listConversationMessages(db.orm, conversation.id)
      return {
        id: conversation.id,
        title: conversation.title,
        created_at: conversation.createdAt.toISOString(),
        messages: messages.map(messageBody),
      }
    },
  )

  app.delete(
    '/api/chat/conversations/:id',
    {
      schema: {
        tags,
        summary: 'Delete a conversation and its messages',
        params: IdParams,
        response: { 204: Type.Null({ description: 'Deleted' }) },
      },
    },
    async (request, reply) => {
      const user = userOf(request)
      const { id } = request.params as { id: string }
      if (!(await deleteUserConversation(db.orm, user.id, id))) {
        throw new AppError('not_found', { detail: 'Conversation not found' })
      }
      return reply.status(204).send()
    },
  )
}
