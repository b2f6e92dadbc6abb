// Conversations (docs/api.md §8): list (own only, newest first, cursor pages), read, rename or change
// the spaces its answers draw on, delete.
// Another user's conversation is 404 everywhere, like one that does not exist.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { requestUser } from '../auth/plugin.js'
import {
  type ConversationCursor,
  deleteUserConversation,
  findUserConversation,
  listUserConversations,
  updateUserConversation,
} from '../db/queries/conversations.js'
import { conversationFeedback } from '../db/queries/feedback.js'
import { listConversationMessages } from '../db/queries/messages.js'
import type { ConversationRow } from '../db/schema/index.js'
import { AppError } from '../errors.js'
import { encodeTimeCursor, invalidCursor, keysetPage, parseTimeCursor } from '../lib/cursor.js'
import { IdParams } from '../lib/schemas.js'
import {
  ConversationDetail,
  ConversationList,
  ConversationSummary,
  ListQuery,
  messageBody,
  RenameRequest,
} from './chat-schemas.js'
import type { RouteDeps } from './deps.js'
import { callerOf } from './space-access.js'
import { requireReadable } from './space-scope.js'

/** The keyset cursor of a conversation list: the last row's updated_at and id. */
export function encodeCursor(c: ConversationCursor): string {
  return encodeTimeCursor({ at: c.updatedAt, id: c.id })
}

export function decodeCursor(cursor: string): ConversationCursor | null {
  const c = parseTimeCursor(cursor)
  return c && { updatedAt: c.at, id: c.id }
}

function summaryOf(c: ConversationRow) {
  return {
    id: c.id,
    title: c.title,
    space_ids: c.spaceIds ?? null,
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
  }
}

const notFound = () => new AppError('not_found', { detail: 'Conversation not found' })

export default async function chatConversationRoutes(instance: FastifyInstance, opts: RouteDeps) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>()
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
      const user = requestUser(request)
      const { limit, cursor } = request.query
      const after = cursor === undefined ? null : decodeCursor(cursor)
      if (cursor !== undefined && !after) throw invalidCursor()
      const rows = await listUserConversations(db, user.id, { limit: limit + 1, after })
      const { items, next_cursor } = keysetPage(rows, limit, summaryOf, encodeCursor)
      return { conversations: items, next_cursor }
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
      const user = requestUser(request)
      const { id } = request.params
      const conversation = await findUserConversation(db, user.id, id)
      if (!conversation) throw notFound()
      const [messages, ratings] = await Promise.all([
        listConversationMessages(db, conversation.id),
        conversationFeedback(db, conversation.id),
      ])
      return {
        id: conversation.id,
        title: conversation.title,
        space_ids: conversation.spaceIds ?? null,
        created_at: conversation.createdAt.toISOString(),
        messages: messages.map((m) => messageBody(m, ratings.get(m.id) ?? null)),
      }
    },
  )

  app.patch(
    '/api/chat/conversations/:id',
    {
      schema: {
        tags,
        summary: 'Rename a conversation, or change the spaces its answers draw on',
        description: '`space_ids`: 1–20 spaces you can read (else 404), or null for your default scope.',
        params: IdParams,
        body: RenameRequest,
        response: { 200: ConversationSummary },
      },
    },
    async (request) => {
      const user = requestUser(request)
      const { id } = request.params
      const { title, space_ids } = request.body
      const trimmed = title?.trim()
      if (trimmed === '') {
        throw new AppError('validation_error', { errors: [{ path: 'title', message: 'must not be blank' }] })
      }
      // Another user's conversation is a 404 before any space is looked at.
      if (!(await findUserConversation(db, user.id, id))) throw notFound()
      const spaceIds = space_ids ? await requireReadable(db, callerOf(request), space_ids) : space_ids
      const row = await updateUserConversation(db, user.id, id, {
        ...(trimmed === undefined ? {} : { title: trimmed }),
        ...(spaceIds === undefined ? {} : { spaceIds }),
      })
      if (!row) throw notFound()
      return summaryOf(row)
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
      const user = requestUser(request)
      const { id } = request.params
      if (!(await deleteUserConversation(db, user.id, id))) {
        throw notFound()
      }
      return reply.status(204).send(null)
    },
  )
}
