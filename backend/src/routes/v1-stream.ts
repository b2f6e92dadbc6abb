// The streaming side of POST /v1/chat/completions (docs/api.md §11): `chat.completion.chunk`
// events as OpenAI sends them (`data:` lines, no event names), the answer's pieces as they come
// (an LLM's tokens pass through once the grounding filter lets them), `finish_reason` and the
// top-level `citations` on the last chunk, then `usage` when `stream_options.include_usage`,
// then `data: [DONE]`. A failure once the stream has begun is one chunk in OpenAI's error shape,
// and the stream ends (OpenAI clients raise it). The stream goes through `reply.send`, so every
// header hook applies; it waits for room (backpressure) and is bounded like /api/chat's: the
// answer's own time plus one LLM_TIMEOUT_SECONDS to deliver it.
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { ReleaseSlot } from '../http/answer-slots.js'
import { toAppError } from '../http/error-handler.js'
import { openAiErrorBody } from '../http/openai-error.js'
import { SSE_HEADERS, SseStream } from '../http/sse.js'
import { type AnswerInput, generateAnswer } from '../rag/answer.js'
import { LlmAbortedError, llmBounds } from '../rag/llm.js'
import { clientGone } from './chat-turn.js'
import type { Completion } from './v1.js'

const TOO_SLOW = new Error('the client did not take the answer in time')

interface Pump {
  request: FastifyRequest
  out: SseStream
  completion: Completion
  answer: Omit<AnswerInput, 'signal'>
  signal: AbortSignal
  release: ReleaseSlot
}

async function pump({ request, out, completion, answer, signal, release }: Pump) {
  const base = completion.chunkBase()
  const usageField = completion.includeUsage ? { usage: null } : {}
  const chunk = (delta: Record<string, string>, finish: 'stop' | null) => ({
    ...base,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...usageField,
  })
  try {
    await out.data(chunk({ role: 'assistant', content: '' }, null))
    const gen = generateAnswer({ ...answer, signal })
    let step = await gen.next()
    while (!step.done) {
      await out.data(chunk({ content: step.value }, null))
      if (out.isClosed) {
        await gen.return({ content: '', citations: [] })
        return
      }
      step = await gen.next()
    }
    const { content, citations } = step.value
    // Freed before the last chunk: a client may ask again as soon as it has the answer.
    await release()
    await out.data({ ...chunk({}, 'stop'), citations: await completion.cite(citations) })
    if (completion.includeUsage) await out.data({ ...base, choices: [], usage: completion.usage(content) })
    await out.done()
  } catch (err) {
    if (err instanceof LlmAbortedError || out.isClosed) {
      const why = signal.reason === TOO_SLOW ? TOO_SLOW.message : 'the client went away'
      request.log.info(`completion stream ended: ${why}`)
      return
    }
    const appErr = toAppError(err)
    const level = appErr.statusCode >= 500 ? 'error' : 'info'
    request.log[level]({ err: appErr.cause ?? err, code: appErr.code }, 'completion stream failed')
    await release()
    await out.data(openAiErrorBody(appErr))
  } finally {
    await release()
    out.end()
  }
}

export function streamCompletion(
  request: FastifyRequest,
  reply: FastifyReply,
  completion: Completion,
  answer: Omit<AnswerInput, 'signal'>,
  release: ReleaseSlot,
) {
  const out = new SseStream()
  const controller = clientGone(reply)
  const bounds = llmBounds(completion.config)
  const deadline = setTimeout(() => controller.abort(TOO_SLOW), bounds.totalMs + bounds.idleMs)
  const stop = () => {
    clearTimeout(deadline)
    out.abandon()
  }
  if (controller.signal.aborted) stop()
  else controller.signal.addEventListener('abort', stop, { once: true })
  reply.raw.once('close', () => clearTimeout(deadline))
  reply.headers(SSE_HEADERS)
  void pump({ request, out, completion, answer, signal: controller.signal, release })
  return reply.send(out.body)
}
