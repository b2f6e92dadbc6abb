// The SSE side of POST /api/chat/message: meta → token… → citations → done, or `event: error`
// once meta is out. Each event waits for room in the stream (backpressure); the response is
// bounded as answer-stream.ts says.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { saveAssistantMessage } from '../db/queries/chat.js'
import type { ReleaseSlot } from '../http/answer-slots.js'
import type { SseStream } from '../http/sse.js'
import { generateAnswer } from '../rag/answer.js'
import { openAnswerStream, streamFailure } from './answer-stream.js'
import type { ChatDeps, Turn } from './chat-turn.js'
import { citationsWithSpaces } from './space-scope.js'

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
      replaces: turn.replaces,
    })
    // Freed before the last event: a client may ask again as soon as it sees `done`.
    await release()
    await sse.send('citations', { citations })
    await sse.send('done', {})
  } catch (err) {
    const appErr = streamFailure(request, err, { sse, signal }, 'chat')
    if (!appErr) return
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
  const { sse, signal } = openAnswerStream(reply, deps.config)
  void sse.send('meta', { conversation_id: turn.conversationId, message_id: turn.messageId, mode: turn.mode })
  void pump({ request, sse, turn, deps, signal, release })
  return reply.send(sse.body)
}
