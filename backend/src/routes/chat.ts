// POST /api/chat/message (docs/api.md §8): retrieve, answer (LLM or extractive) with checked
// citations, persist; as JSON, or as Server-Sent Events with `Accept: text/event-stream`.
// At most ANSWERS_PER_USER answers per user at once (http/answer-slots.ts).

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { requestUser } from '../auth/plugin.js'
import type { Config } from '../config.js'
import { answerSlots } from '../http/answer-slots.js'
import { CHAT_RATE_BUCKET } from '../http/rate-limit.js'
import { wantsEventStream } from '../http/sse.js'
import { IdParams } from '../lib/schemas.js'
import { createRagContext } from '../rag/context.js'
import { createChatModel, llmBounds } from '../rag/llm.js'
import chatConversationRoutes from './chat-conversations.js'
import { ChatRequest, ChatResponse } from './chat-schemas.js'
import { streamTurn } from './chat-stream.js'
import { answerJson, type ChatDeps, prepareRegenerate, prepareTurn, type Turn } from './chat-turn.js'
import type { RouteDeps } from './deps.js'

/**
 * How long a slot may be held before the store forgets it (an instance that died holding it):
 * beyond an answer's time and delivery bounds (LLM_TIMEOUT_SECONDS × 6), never under a minute.
 */
function slotLeaseMs(config: Config): number {
  const { totalMs, idleMs } = llmBounds(config)
  return Math.max(60_000, totalMs + 2 * idleMs)
}

export default async function chatRoutes(instance: FastifyInstance, opts: RouteDeps) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>()
  const deps: ChatDeps = {
    ...opts,
    rag: createRagContext(opts.db, opts.config, app.log),
    model: createChatModel(opts.config, app.log),
    slots: answerSlots(opts.counters, { leaseMs: slotLeaseMs(opts.config), log: app.log }),
  }
  await app.register(chatConversationRoutes, opts)
  const rateLimit = {
    rate: opts.config.rateLimitChat,
    per: 'user-or-client',
    bucket: CHAT_RATE_BUCKET,
  } as const
  const streamed =
    'With `Accept: text/event-stream` the answer streams as Server-Sent Events: `meta` ' +
    '{conversation_id, message_id, mode}, `token` {text}…, `citations` {citations}, `done` {}; ' +
    'a failure after `meta` is `event: error` {detail, code}. At most 3 answers per user are ' +
    'generated at once: a 4th is 429 `rate_limited` with `Retry-After`.'

  /** One answer, as JSON or as a stream, within the caller's answer slots. */
  async function answer(request: FastifyRequest, reply: FastifyReply, prepare: () => Promise<Turn>) {
    const stream = wantsEventStream(request.headers.accept)
    const user = requestUser(request)
    // Taken before anything is stored: a refused question leaves no trace.
    const release = await deps.slots.acquire(user.id)
    let handedOver = false
    try {
      const turn = await prepare()
      if (!stream) return await answerJson(reply, turn, deps)
      handedOver = true
      return streamTurn(request, reply, turn, deps, release)
    } finally {
      if (!handedOver) await release()
    }
  }

  app.post(
    '/api/chat/message',
    {
      config: { rateLimit },
      schema: {
        tags: ['chat'],
        summary: 'Ask a question; JSON, or Server-Sent Events with Accept: text/event-stream',
        body: ChatRequest,
        description: streamed,
        response: { 200: ChatResponse },
      },
    },
    (request, reply) => answer(request, reply, () => prepareTurn(request, deps)),
  )

  app.post(
    '/api/chat/conversations/:id/regenerate',
    {
      config: { rateLimit },
      schema: {
        tags: ['chat'],
        summary: "Answer a conversation's last question again, replacing its answer",
        params: IdParams,
        description:
          'The last question is answered again over the spaces the conversation remembers (those the ' +
          'caller can still read); once the new answer is saved, it takes the place of the previous ' +
          'one (and of its feedback). A failed answer leaves the previous one as it was. Another ' +
          `user's conversation is 404. Same response as POST /api/chat/message. ${streamed}`,
        response: { 200: ChatResponse },
      },
    },
    (request, reply) => answer(request, reply, () => prepareRegenerate(request, request.params.id, deps)),
  )
}
