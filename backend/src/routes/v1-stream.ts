// The streaming side of POST /v1/chat/completions (docs/api.md §11): `chat.completion.chunk`
// events as OpenAI sends them (`data:` lines, no event names), the answer's pieces as they come
// (an LLM's tokens pass through once the grounding filter lets them), `finish_reason` and the
// top-level `citations` on the last chunk, then `usage` when `stream_options.include_usage`,
// then `data: [DONE]`. A failure once the stream has begun is one chunk in OpenAI's error shape,
// and the stream ends (OpenAI clients raise it). It waits for room (backpressure) and is bounded
// as answer-stream.ts says.
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { ReleaseSlot } from '../http/answer-slots.js'
import { openAiErrorBody } from '../http/openai-error.js'
import type { SseStream } from '../http/sse.js'
import { openAnswerStream, streamFailure } from './answer-stream.js'
import type { Completion } from './v1.js'

interface Pump {
  request: FastifyRequest
  out: SseStream
  completion: Completion
  signal: AbortSignal
  release: ReleaseSlot
}

async function pump({ request, out, completion, signal, release }: Pump) {
  const base = completion.chunkBase()
  const usageField = completion.includeUsage ? { usage: null } : {}
  const chunk = (delta: Record<string, string>, finish: 'stop' | 'length' | null) => ({
    ...base,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...usageField,
  })
  try {
    await out.data(chunk({ role: 'assistant', content: '' }, null))
    const gen = completion.generate(signal)
    let step = await gen.next()
    while (!step.done) {
      await out.data(chunk({ content: step.value }, null))
      if (out.isClosed) {
        await gen.return({ content: '', citations: [], cut: false })
        return
      }
      step = await gen.next()
    }
    const { content, citations, cut } = step.value
    // Freed before the last chunk: a client may ask again as soon as it has the answer.
    await release()
    await out.data({ ...chunk({}, cut ? 'length' : 'stop'), citations: await completion.cite(citations) })
    if (completion.includeUsage) await out.data({ ...base, choices: [], usage: completion.usage(content) })
    await out.done()
  } catch (err) {
    const appErr = streamFailure(request, err, { sse: out, signal }, 'completion')
    if (!appErr) return
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
  release: ReleaseSlot,
) {
  const { sse: out, signal } = openAnswerStream(reply, completion.config)
  void pump({ request, out, completion, signal, release })
  return reply.send(out.body)
}
