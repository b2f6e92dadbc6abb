// The writes of a chat turn, each in one transaction with the conversation's updated_at bump:
// the user's message before answering (so it is kept whatever happens next), the assistant's
// message once the answer is complete.
import type { Database } from '../db/client.js'
import { insertConversation, touchConversation } from '../db/queries/conversations.js'
import { insertMessage } from '../db/queries/messages.js'
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
}

export async function saveUserMessage(db: Database, turn: UserTurn): Promise<{ conversationId: string }> {
  return db.orm.transaction(async (tx) => {
    let conversationId = turn.conversationId
    if (conversationId === null) {
      conversationId = uuidv7(turn.now.getTime())
      await insertConversation(tx, {
        id: conversationId,
        userId: turn.userId,
        title: titleFrom(turn.content),
        now: turn.now,
      })
    } else if (!(await touchConversation(tx, conversationId, turn.now))) {
      // Deleted between the ownership check and now.
      throw new AppError('not_found', { detail: 'Conversation not found' })
    }
    await insertMessage(tx, {
      id: uuidv7(turn.now.getTime()),
      conversationId,
      role: 'user',
      content: turn.content,
      citations: [],
      mode: null,
      now: turn.now,
    })
    return { conversationId }
  })
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
  return db.orm.transaction(async (tx) => {
    if (!(await touchConversation(tx, m.conversationId, m.now))) {
      throw new AppError('not_found', { detail: 'Conversation not found' })
    }
    return insertMessage(tx, { ...m, role: 'assistant' })
  })
}
