// The writes of a chat turn, each in one transaction with the conversation's updated_at bump:
// the user's message before answering (so it is kept whatever happens next), the assistant's
// message once the answer is complete. Each is one Database.batch: one round trip on Postgres
// instead of six (begin, two per unprepared statement, commit).
import { AppError } from '../../errors.js'
import { uuidv7 } from '../../lib/ids.js'
import type { Database, Statement } from '../client.js'
import type { MessageRow } from '../schema/index.js'
import { insertConversation, setConversationSpaceIds, touchConversation } from './conversations.js'
import { insertMessage, messageRowOf } from './messages.js'

export interface UserTurn {
  userId: string
  /** null: start a new conversation titled `title`. */
  conversationId: string | null
  title: string
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
          title: turn.title,
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

/**
 * Stores an answer. `replaces`: earlier answers of the conversation it takes the place of
 * (Regenerate), deleted with their feedback in the same transaction.
 */
export async function saveAssistantMessage(
  db: Database,
  m: {
    id: string
    conversationId: string
    content: string
    citations: unknown[]
    mode: string
    now: Date
    replaces?: readonly string[]
  },
): Promise<MessageRow> {
  // Only a Regenerate deletes: an ordinary answer sends its two statements, as before.
  const replaced: Statement[] = m.replaces?.length
    ? [
        {
          text: `delete from messages where conversation_id = $1 and role = 'assistant'
            and id in (select (jsonb_array_elements_text($2::text::jsonb))::uuid)`,
          params: [m.conversationId, JSON.stringify(m.replaces)],
        },
      ]
    : []
  const results = await db.batch([
    ...replaced,
    touchConversation(m.conversationId, m.now),
    insertMessage({ ...m, role: 'assistant' }),
  ])
  const row = results[results.length - 1]?.[0]
  if (!row) throw new AppError('not_found', { detail: 'Conversation not found' })
  return messageRowOf(row)
}
