// The SSE side of POST /api/chat/message: meta → token… → citations → done, or `event: error`
// once meta is out. The stream goes through `reply.send`, so every header hook still applies.
// Each event waits for room in the stream (backpressure), and the whole response is bounded:
// the answer's own time (LLM_TIMEOUT_SECONDS × 5) plus one LLM_TIMEOUT_SECONDS to deliver it;
// a client that has not taken it by then is treated as gone.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { saveAssistantMessage } from '../db/queries/chat.js'
import type { ReleaseSlot } from '../http/answer-slots.js'
import { toAppError } from '../http/error-handler.js'
import { SSE_HEADERS, SseStream } from '../http/sse.js'
import { generateAnswer } from '../rag/answer.js'
import { LlmAbortedError, llmBounds } from '../rag/llm.js'
import { type ChatDeps, clientGone, type Turn } from './chat-turn.js'
import { citationsWithSpaces } from './space-scope.js'

/** The abort reason when the delivery bound ends a stream. */
const TOO_SLOW = new Error('the client did not take the answer in time')

interface Pump {
  request: FastifyRequest
  sse: SseStream
  turn: Turn
  deps: ChatDeps
  signal: AbortSignal
  release: ReleaseSlot
}

async function pump({ request, sse, turn, deps, signal, release }: Pump) {
  try {
    const gen = generateAnswer({ ...turn, model: deps.model, signal })
    let step = await gen.next()
    while (!step.done) {
      await sse.send('token', { text: step.value })
      if (sse.isClosed) {
        await gen.return({ content: '', citations: [] })
        return
      }
      step = await gen.next()
    }
    const { content } = step.value
    const citations = await citationsWithSpaces(deps.db, step.value.citations, turn.sources)
    await saveAssistantMessage(deps.db, {
      id: turn.messageId,
      conversationId: turn.conversationId,
      content,
      citations,
      mode: turn.mode,
      now: new Date(deps.clock.now()),
    })
    // Freed before the last event: a client may ask again as soon as it sees `done`.
    await release()
    await sse.send('citations', { citations })
    await sse.send('done', {})
  } catch (err) {
    if (err instanceof LlmAbortedError || sse.isClosed) {
      const why = signal.reason === TOO_SLOW ? TOO_SLOW.message : 'the client went away'
      request.log.info(`chat stream ended: ${why}`)
      return
    }
    const appErr = toAppError(err)
    const level = appErr.statusCode >= 500 ? 'error' : 'info'
    request.log[level]({ err: appErr.cause ?? err, code: appErr.code }, 'chat stream failed')
    await release()
    await sse.send('error', { detail: appErr.message, code: appErr.code })
  } finally {
    await release()
    sse.end()
  }
}

export function streamTurn(
  request: FastifyRequest,
  reply: FastifyReply,
  turn: Turn,
  deps: ChatDeps,
  release: ReleaseSlot,
) {
  const sse = new SseStream()
  const controller = clientGone(reply)
  const bounds = llmBounds(deps.config)
  const deadline = setTimeout(() => controller.abort(TOO_SLOW), bounds.totalMs + bounds.idleMs)
  const stop = () => {
    clearTimeout(deadline)
    sse.abandon()
  }
  // (The client may have left while the turn was prepared: then it is aborted already.)
  if (controller.signal.aborted) stop()
  else controller.signal.addEventListener('abort', stop, { once: true })
  reply.raw.once('close', () => clearTimeout(deadline))
  reply.headers(SSE_HEADERS)
  void sse.send('meta', { conversation_id: turn.conversationId, message_id: turn.messageId, mode: turn.mode })
  void pump({ request, sse, turn, deps, signal: controller.signal, release })
  return reply.send(sse.body)
}
