// One chat turn up to its answer: ownership check, history, the user's message stored, retrieval;
// then the JSON answer. (The SSE answer is in chat-stream.ts.)
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { RouteDeps } from '../app.js'
import { findUserConversation } from '../db/queries/conversations.js'
import { recentMessages } from '../db/queries/messages.js'
import { sharedLibraryId } from '../db/queries/spaces.js'
import { AppError } from '../errors.js'
import { uuidv7 } from '../lib/ids.js'
import {
  type AnswerMode,
  type AnswerOutput,
  answerMode,
  collectAnswer,
  generateAnswer,
} from '../rag/answer.js'
import { saveAssistantMessage, saveUserMessage } from '../rag/chat-store.js'
import { retrievalQueries } from '../rag/conversation-context.js'
import { type ChatModel, LlmAbortedError } from '../rag/llm.js'
import type { HistoryTurn } from '../rag/prompts.js'
import { retrieve } from '../rag/retrieve.js'
import type { RagContext, RetrievedChunk } from '../rag/types.js'

/** Chunks given to the answer (the LLM's numbered sources; the extractive answer reads the top 4). */
const CHAT_K = 6
/** Earlier messages loaded for a follow-up: enough for the prompt's history and the query. */
const HISTORY_MESSAGES = 8

export interface Turn {
  userId: string
  conversationId: string
  question: string
  query: string
  history: HistoryTurn[]
  sources: RetrievedChunk[]
  mode: AnswerMode
  /** The assistant message's id, announced in `meta` before the answer exists. */
  messageId: string
}

export interface ChatDeps extends RouteDeps {
  rag: RagContext
  model: ChatModel | null
}

function blankMessage(): AppError {
  return new AppError('validation_error', { errors: [{ path: 'message', message: 'must not be blank' }] })
}

/** Everything before the first byte of the answer; any failure here is an ordinary JSON error. */
export async function prepareTurn(request: FastifyRequest, deps: ChatDeps): Promise<Turn> {
  const user = request.user
  if (!user) throw new AppError('auth_required')
  const body = request.body as { message: string; conversation_id?: string | null }
  const question = body.message.trim()
  if (!question) throw blankMessage()
  let history: HistoryTurn[] = []
  if (body.conversation_id) {
    const conversation = await findUserConversation(deps.db.orm, user.id, body.conversation_id)
    if (!conversation) throw new AppError('not_found', { detail: 'Conversation not found' })
    const rows = await recentMessages(deps.db.orm, conversation.id, HISTORY_MESSAGES)
    history = rows.map((m) => ({ role: m.role === 'user' ? 'user' : 'assistant', content: m.content }))
  }
  // Stored before answering: the question is kept even when the provider then fails.
  const { conversationId } = await saveUserMessage(deps.db, {
    userId: user.id,
    conversationId: body.conversation_id ?? null,
    content: question,
    now: new Date(deps.clock.now()),
  })
  let query = question
  let sources: RetrievedChunk[] = []
  // The shared library until the per-user spaces of §8/§10 are resolved here.
  const spaceIds = [await sharedLibraryId(deps.db)]
  for (query of retrievalQueries(history, question)) {
    sources = await retrieve(deps.rag, query, { k: CHAT_K }, spaceIds)
    if (sources.length > 0) break
  }
  return {
    userId: user.id,
    conversationId,
    question,
    query,
    history,
    sources,
    mode: answerMode(deps.model),
    messageId: uuidv7(deps.clock.now()),
  }
}

/** Aborted when the client goes away before the response is complete. */
export function clientGone(reply: FastifyReply): AbortController {
  const controller = new AbortController()
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) controller.abort()
  })
  return controller
}

export async function answerJson(reply: FastifyReply, turn: Turn, deps: ChatDeps) {
  const signal = clientGone(reply).signal
  let output: AnswerOutput
  try {
    output = await collectAnswer(generateAnswer({ ...turn, model: deps.model, signal }))
  } catch (err) {
    if (!(err instanceof LlmAbortedError)) throw err
    // Nobody is left to answer: not a server error, nothing to send.
    reply.log.info('chat answer abandoned: the client went away')
    reply.hijack()
    return
  }
  const saved = await saveAssistantMessage(deps.db, {
    id: turn.messageId,
    conversationId: turn.conversationId,
    content: output.content,
    citations: output.citations,
    mode: turn.mode,
    now: new Date(deps.clock.now()),
  })
  return {
    conversation_id: turn.conversationId,
    mode: turn.mode,
    message: {
      id: saved.id,
      role: 'assistant' as const,
      content: output.content,
      citations: output.citations,
      created_at: saved.createdAt.toISOString(),
    },
  }
}
