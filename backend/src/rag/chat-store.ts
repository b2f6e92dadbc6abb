// The writes of a chat turn, each in one transaction with the conversation's updated_at bump:
// the user's message before answering (so it is kept whatever happens next), the assistant's
// message once the answer is complete. Each is one Database.batch: one round trip on Postgres
// (it was six, two per unprepared statement plus begin and commit).
import type { Database } from '../db/client.js'
import {
  insertConversation,
  setConversationSpaceIds,
  touchConversation,
} from '../db/queries/conversations.js'
import { insertMessage, messageRowOf } from '../db/queries/messages.js'
import type { MessageRow } from '../db/schema/index.js'
import { AppError } from '../errors.js'
import { uuidv7 } from '../lib/ids.js'
import type { AnswerMode } from './answer.js'
import type { Citation } from './citations.js'
import { titleFrom } from './conversation-context.js'

export interface UserTurn {
  userId: string
  /** null: start a new conversation titled after this message. */
  conversationId: string | null
  content: string
  now: Date
  /** The spaces the conversation draws on from now (null: default scope); undefined: unchanged. */
  spaceIds?: readonly string[] | null
}

export async function saveUserMessage(db: Database, turn: UserTurn): Promise<{ conversationId: string }> {
  const conversationId = turn.conversationId ?? uuidv7(turn.now.getTime())
  const first =
    turn.conversationId === null
      ? insertConversation({
          id: conversationId,
          userId: turn.userId,
          title: titleFrom(turn.content),
          now: turn.now,
          spaceIds: turn.spaceIds ?? null,
        })
      : touchConversation(conversationId, turn.now)
  const scope =
    turn.conversationId !== null && turn.spaceIds !== undefined
      ? [setConversationSpaceIds(conversationId, turn.spaceIds)]
      : []
  const results = await db.batch([
    first,
    ...scope,
    insertMessage({
      id: uuidv7(turn.now.getTime()),
      conversationId,
      role: 'user',
      content: turn.content,
      citations: [],
      mode: null,
      now: turn.now,
    }),
  ])
  const inserted = results[results.length - 1]
  // Deleted between the ownership check and now.
  if (!inserted?.length) throw new AppError('not_found', { detail: 'Conversation not found' })
  return { conversationId }
}

export async function saveAssistantMessage(
  db: Database,
  m: {
    id: string
    conversationId: string
    content: string
    citations: Citation[]
    mode: AnswerMode
    now: Date
  },
): Promise<MessageRow> {
  const [, inserted] = await db.batch([
    touchConversation(m.conversationId, m.now),
    insertMessage({ ...m, role: 'assistant' }),
  ])
  const row = inserted?.[0]
  if (!row) throw new AppError('not_found', { detail: 'Conversation not found' })
  return messageRowOf(row)
}
