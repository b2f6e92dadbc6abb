// POST /api/chat/message (contract §8): retrieve, answer (LLM or extractive) with checked
// citations, persist; as JSON, or as Server-Sent Events with `Accept: text/event-stream`.
import type { FastifyInstance } from 'fastify'
import type { RouteDeps } from '../app.js'
import { routeLimit, userOrIpKey } from '../http/rate-limit.js'
import { createRagContext } from '../rag/context.js'
import { createChatModel } from '../rag/llm.js'
import { wantsEventStream } from '../rag/sse.js'
import chatConversationRoutes from './chat-conversations.js'
import { ChatRequest, ChatResponse } from './chat-schemas.js'
import { streamTurn } from './chat-stream.js'
import { answerJson, type ChatDeps, prepareTurn } from './chat-turn.js'

export default async function chatRoutes(app: FastifyInstance, opts: RouteDeps) {
  const deps: ChatDeps = {
    ...opts,
    rag: createRagContext(opts.db, opts.config, app.log),
    model: createChatModel(opts.config, app.log),
  }
  await app.register(chatConversationRoutes, opts)
  app.post(
    '/api/chat/message',
    {
      config: { rateLimit: routeLimit(opts.config.rateLimitChat, userOrIpKey) },
      schema: {
        tags: ['chat'],
        summary: 'Ask a question; JSON, or Server-Sent Events with Accept: text/event-stream',
        body: ChatRequest,
        description:
          'With `Accept: text/event-stream` the answer streams as Server-Sent Events: `meta` ' +
          '{conversation_id, message_id, mode}, `token` {text}…, `citations` {citations}, `done` {}; ' +
          'a failure after `meta` is `event: error` {detail, code}.',
        response: { 200: ChatResponse },
      },
    },
    async (request, reply) => {
      const stream = wantsEventStream(request.headers.accept)
      const turn = await prepareTurn(request, deps)
      if (stream) return streamTurn(request, reply, turn, deps)
      return answerJson(reply, turn, deps)
    },
  )
}
