// What the two streamed answers (POST /api/chat/message and POST /v1/chat/completions) share:
// an SSE response through `reply.send` (so every header hook applies) that is bounded as a
// whole — the answer's own time (LLM_TIMEOUT_SECONDS × 5) plus one LLM_TIMEOUT_SECONDS to
// deliver it; a client that has not taken it by then is treated as gone — and how a failure
// once the stream has begun is told apart from a client that left.
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Config } from '../config.js'
import type { AppError } from '../errors.js'
import { toAppError } from '../http/error-handler.js'
import { SSE_HEADERS, SseStream } from '../http/sse.js'
import { LlmAbortedError, llmBounds } from '../rag/llm.js'
import { clientGone } from './chat-turn.js'

/** The abort reason when the delivery bound ends a stream. */
const TOO_SLOW = new Error('the client did not take the answer in time')

/**
 * The response's SSE stream with its headers set, and the signal that aborts the answer when the
 * client leaves or the bound passes (the stream is abandoned then). The caller sends the stream
 * with `reply.send(sse.body)`.
 */
export function openAnswerStream(reply: FastifyReply, config: Config) {
  const sse = new SseStream()
  const controller = clientGone(reply)
  const bounds = llmBounds(config)
  const deadline = setTimeout(() => controller.abort(TOO_SLOW), bounds.totalMs + bounds.idleMs)
  const stop = () => {
    clearTimeout(deadline)
    sse.abandon()
  }
  // (The client may have left while the answer was prepared: then it is aborted already.)
  if (controller.signal.aborted) stop()
  else controller.signal.addEventListener('abort', stop, { once: true })
  reply.raw.once('close', () => clearTimeout(deadline))
  reply.headers(SSE_HEADERS)
  return { sse, signal: controller.signal }
}

/**
 * For a stream's `catch`: null when the client left or was too slow (logged at info, there is
 * nobody to tell), else the error to send as the stream's last event (logged as an error when
 * it is the server's). `what` names the stream in the log line.
 */
export function streamFailure(
  request: FastifyRequest,
  err: unknown,
  stream: { sse: SseStream; signal: AbortSignal },
  what: string,
): AppError | null {
  if (err instanceof LlmAbortedError || stream.sse.isClosed) {
    const why = stream.signal.reason === TOO_SLOW ? TOO_SLOW.message : 'the client went away'
    request.log.info(`${what} stream ended: ${why}`)
    return null
  }
  const appErr = toAppError(err)
  const level = appErr.statusCode >= 500 ? 'error' : 'info'
  request.log[level]({ err: appErr.cause ?? err, code: appErr.code }, `${what} stream failed`)
  return appErr
}
