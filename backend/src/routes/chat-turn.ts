// One chat turn up to its answer: ownership check, history, the user's message stored, retrieval;
// then the JSON answer. (The SSE answer is in chat-stream.ts.)

import type { FastifyReply, FastifyRequest } from 'fastify'
import { requestUser } from '../auth/plugin.js'
import { saveAssistantMessage, saveUserMessage } from '../db/queries/chat.js'
import { findUserConversation } from '../db/queries/conversations.js'
import { recentMessages } from '../db/queries/messages.js'
import { AppError } from '../errors.js'
import type { AnswerSlots } from '../http/answer-slots.js'
import { uuidv7 } from '../lib/ids.js'
import {
  type AnswerMode,
  type AnswerOutput,
  answerMode,
  collectAnswer,
  generateAnswer,
} from '../rag/answer.js'
import { titleFrom } from '../rag/conversation-context.js'
import { type ChatModel, LlmAbortedError } from '../rag/llm.js'
import type { HistoryTurn } from '../rag/prompts.js'
import { findSources } from '../rag/turn-sources.js'
import type { RagContext, RetrievedChunk } from '../rag/types.js'
import type { ChatRequestBody } from './chat-schemas.js'
import type { RouteDeps } from './deps.js'
import { type Caller, callerOf } from './space-access.js'
import { citationsWithSpaces, defaultSpaces, requireReadable, stillReadable } from './space-scope.js'

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
  /** Answers the new one replaces (Regenerate): deleted when it is saved, in the same transaction. */
  replaces: string[]
}

export interface ChatDeps extends RouteDeps {
  rag: RagContext
  model: ChatModel | null
  slots: AnswerSlots
}

function blankMessage(): AppError {
  return new AppError('validation_error', { errors: [{ path: 'message', message: 'must not be blank' }] })
}

/** Everything before the first byte of the answer; any failure here is an ordinary JSON error. */
export async function prepareTurn(
  request: FastifyRequest & { body: ChatRequestBody },
  deps: ChatDeps,
): Promise<Turn> {
  const user = requestUser(request)
  const caller = callerOf(request)
  const body = request.body
  const question = body.message.trim()
  if (!question) throw blankMessage()
  let history: HistoryTurn[] = []
  let remembered: string[] | null = null
  // The id as stored: a request may spell it in capitals, the answer names it as everywhere else.
  let existingId: string | null = null
  if (body.conversation_id) {
    const conversation = await findUserConversation(deps.db, user.id, body.conversation_id)
    if (!conversation) throw new AppError('not_found', { detail: 'Conversation not found' })
    existingId = conversation.id
    remembered = conversation.spaceIds ?? null
    history = historyOf(await recentMessages(deps.db, conversation.id, HISTORY_MESSAGES))
  }
  // Checked before anything is stored: a named space the caller cannot read is a 404 that leaves
  // no trace (and, streamed, comes before `meta`).
  const named = body.space_ids ? await requireReadable(deps.db, caller, body.space_ids) : body.space_ids
  // Access is resolved now, whatever the conversation remembers: a space the caller can no longer
  // read is skipped.
  const spaceIds = named || (await searchedSpaces(deps, caller, named === undefined ? remembered : null))
  // Stored before answering: the question is kept even when the provider then fails.
  const { conversationId } = await saveUserMessage(deps.db, {
    userId: user.id,
    conversationId: existingId,
    title: titleFrom(question),
    content: question,
    now: new Date(deps.clock.now()),
    ...(named === undefined ? {} : { spaceIds: named }),
  })
  return answerTurn(deps, { userId: user.id, conversationId, question, history, spaceIds, replaces: [] })
}

function historyOf(rows: readonly { role: string; content: string }[]): HistoryTurn[] {
  return rows.map((m) => ({ role: m.role === 'user' ? 'user' : 'assistant', content: m.content }))
}

/** The spaces a turn searches: the caller's default scope (null), or those of `chosen` still readable. */
async function searchedSpaces(deps: ChatDeps, caller: Caller, chosen: readonly string[] | null) {
  return chosen === null ? defaultSpaces(deps.db, caller) : stillReadable(deps.db, caller, chosen)
}

/** The turn's sources found, and its answer's id given. */
async function answerTurn(
  deps: ChatDeps,
  t: Omit<Turn, 'query' | 'sources' | 'mode' | 'messageId'> & { spaceIds: readonly string[] },
): Promise<Turn> {
  const { spaceIds, ...turn } = t
  const { query, sources } = await findSources(deps.rag, spaceIds, turn.history, turn.question, deps.model)
  return { ...turn, query, sources, mode: answerMode(deps.model), messageId: uuidv7(deps.clock.now()) }
}

/**
 * Regenerate: the conversation's last question answered again, over the spaces it remembers (those
 * the caller can still read). The answers after that question are replaced once the new one is
 * saved: a failed answer leaves them as they were. Nothing is stored before then.
 */
export async function prepareRegenerate(
  request: FastifyRequest,
  conversationId: string,
  deps: ChatDeps,
): Promise<Turn> {
  const user = requestUser(request)
  const conversation = await findUserConversation(deps.db, user.id, conversationId)
  if (!conversation) throw new AppError('not_found', { detail: 'Conversation not found' })
  // The last question, what came before it, and the answers after it (one, or none when it failed).
  const rows = await recentMessages(deps.db, conversation.id, HISTORY_MESSAGES + 2)
  let last = rows.length - 1
  while (last >= 0 && rows[last]?.role !== 'user') last--
  const asked = rows[last]
  if (!asked) {
    throw new AppError('validation_error', {
      detail: 'The conversation has no question to answer again',
      errors: [{ path: 'id', message: 'has no question to answer again' }],
    })
  }
  return answerTurn(deps, {
    userId: user.id,
    conversationId: conversation.id,
    question: asked.content,
    history: historyOf(rows.slice(0, last).slice(-HISTORY_MESSAGES)),
    spaceIds: await searchedSpaces(deps, callerOf(request), conversation.spaceIds ?? null),
    replaces: rows.slice(last + 1).map((m) => m.id),
  })
}

/** Aborted when the client goes away before the response is complete. */
export function clientGone(reply: FastifyReply): AbortController {
  const controller = new AbortController()
  const res = reply.raw
  const gone = () => {
    if (!res.writableFinished) controller.abort()
  }
  // A client can leave while the turn is prepared: 'close' has been emitted already then.
  if (res.destroyed) gone()
  else res.on('close', gone)
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
  const citations = await citationsWithSpaces(deps.db, output.citations, turn.sources)
  const saved = await saveAssistantMessage(deps.db, {
    id: turn.messageId,
    conversationId: turn.conversationId,
    content: output.content,
    citations,
    mode: turn.mode,
    now: new Date(deps.clock.now()),
    replaces: turn.replaces,
  })
  return {
    conversation_id: turn.conversationId,
    mode: turn.mode,
    message: {
      id: saved.id,
      role: 'assistant' as const,
      content: output.content,
      citations,
      created_at: saved.createdAt.toISOString(),
    },
  }
}
