// The SSE side of POST /api/chat/message: meta → token… → citations → done, or `event: error`
// once meta is out. The stream goes through `reply.send`, so every header hook still applies.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { toAppError } from '../http/error-handler.js'
import { generateAnswer } from '../rag/answer.js'
import { saveAssistantMessage } from '../rag/chat-store.js'
import { LlmAbortedError } from '../rag/llm.js'
import { SSE_HEADERS, SseStream } from '../rag/sse.js'
import { type ChatDeps, clientGone, type Turn } from './chat-turn.js'

async function pump(
  request: FastifyRequest,
  sse: SseStream,
  turn: Turn,
  deps: ChatDeps,
  signal: AbortSignal,
) {
  try {
    const gen = generateAnswer({ ...turn, model: deps.model, signal })
    let step = await gen.next()
    while (!step.done) {
      if (sse.isClosed) {
        await gen.return({ content: '', citations: [] })
        return
      }
      sse.send('token', { text: step.value })
      step = await gen.next()
    }
    const { content, citations } = step.value
    await saveAssistantMessage(deps.db, {
      id: turn.messageId,
      conversationId: turn.conversationId,
      content,
      citations,
      mode: turn.mode,
      now: new Date(deps.clock.now()),
    })
    sse.send('citations', { citations })
    sse.send('done', {})
  } catch (err) {
    if (err instanceof LlmAbortedError || sse.isClosed) {
      request.log.info('chat stream ended: the client went away')
      return
    }
    const appErr = toAppError(err)
    const level = appErr.statusCode >= 500 ? 'error' : 'info'
    request.log[level]({ err: appErr.cause ?? err, code: appErr.code }, 'chat stream failed')
    sse.send('error', { detail: appErr.message, code: appErr.code })
  } finally {
    sse.end()
  }
}

export function streamTurn(request: FastifyRequest, reply: FastifyReply, turn: Turn, deps: ChatDeps) {
  const sse = new SseStream()
  const controller = clientGone(reply)
  controller.signal.addEventListener('abort', () => sse.abandon(), { once: true })
  reply.headers(SSE_HEADERS)
  sse.send('meta', { conversation_id: turn.conversationId, message_id: turn.messageId, mode: turn.mode })
  void pump(request, sse, turn, deps, controller.signal)
  return reply.send(sse.body)
}
