import { apiFetch } from './api'
import { ApiError } from './api-error'
import { readSseStream, type SseEvent } from './sse'
import type { AnswerMode, ChatAnswer, Citation, RequestBody } from './types'

export interface StreamMeta {
  conversationId: string
  messageId: string
  mode: AnswerMode
}

export interface StreamHandlers {
  onMeta?: (meta: StreamMeta) => void
  onToken?: (text: string, contentSoFar: string) => void
  onCitations?: (citations: Citation[]) => void
}

export interface StreamResult extends StreamMeta {
  content: string
  citations: Citation[]
}

/** Status implied by an `event: error` code (the HTTP status is already 200 by then). */
const statusForCode: Record<string, number> = {
  rate_limited: 429,
  upstream_error: 502,
  service_unavailable: 503,
  upstream_timeout: 504,
  auth_required: 401,
  invalid_session: 401,
}

function parseData(event: SseEvent): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(event.data)
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

function toMode(value: unknown): AnswerMode {
  return value === 'llm' ? 'llm' : 'extractive'
}

/**
 * Folds SSE events (docs/api.md §8: meta, token…, citations, done | error) into an answer.
 * Pure state machine, so it is unit-tested without a network.
 */
export function createAnswerAccumulator(handlers: StreamHandlers) {
  const state = { meta: null as StreamMeta | null, content: '', citations: [] as Citation[], done: false }
  const handle = (event: SseEvent) => {
    const data = parseData(event)
    switch (event.event) {
      case 'meta': {
        state.meta = {
          conversationId: String(data.conversation_id ?? ''),
          messageId: String(data.message_id ?? ''),
          mode: toMode(data.mode),
        }
        handlers.onMeta?.(state.meta)
        return
      }
      case 'token': {
        const text = typeof data.text === 'string' ? data.text : ''
        state.content += text
        handlers.onToken?.(text, state.content)
        return
      }
      case 'citations': {
        state.citations = Array.isArray(data.citations) ? (data.citations as Citation[]) : []
        handlers.onCitations?.(state.citations)
        return
      }
      case 'done':
        state.done = true
        return
      case 'error': {
        const code = typeof data.code === 'string' ? data.code : 'internal_error'
        const detail = typeof data.detail === 'string' ? data.detail : 'The answer failed.'
        throw new ApiError({ status: statusForCode[code] ?? 500, code, detail })
      }
      default:
        return // unknown events (and keep-alive comments) are ignored
    }
  }
  const result = (): StreamResult => {
    if (!state.done || !state.meta) {
      throw new ApiError({
        status: 0,
        code: 'stream_interrupted',
        detail: 'The answer was cut off before it finished. Please try again.',
      })
    }
    return { ...state.meta, content: state.content, citations: state.citations }
  }
  return { handle, result }
}

/** POST /api/chat/message as Server-Sent Events; resolves with the full answer, rejects with ApiError/AbortError. */
export async function streamChat(
  input: { message: string; conversationId?: string | null; spaceIds?: readonly string[] | null },
  handlers: StreamHandlers,
  signal?: AbortSignal,
): Promise<StreamResult> {
  const json: RequestBody<'/api/chat/message', 'post'> = { message: input.message }
  if (input.conversationId) json.conversation_id = input.conversationId
  if (input.spaceIds && input.spaceIds.length > 0) json.space_ids = [...input.spaceIds]
  return streamAnswer('/api/chat/message', json, handlers, signal)
}

/**
 * POST /api/chat/conversations/{id}/regenerate as Server-Sent Events: the conversation's last
 * question answered again; the saved answer takes the place of the previous one.
 */
export async function streamRegenerate(
  conversationId: string,
  handlers: StreamHandlers,
  signal?: AbortSignal,
): Promise<StreamResult> {
  return streamAnswer(
    `/api/chat/conversations/${encodeURIComponent(conversationId)}/regenerate`,
    undefined,
    handlers,
    signal,
  )
}

async function streamAnswer(
  path: string,
  json: unknown,
  handlers: StreamHandlers,
  signal?: AbortSignal,
): Promise<StreamResult> {
  const response = await apiFetch(path, {
    method: 'POST',
    ...(json === undefined ? {} : { json }),
    headers: { Accept: 'text/event-stream' },
    ...(signal ? { signal } : {}),
  })
  const type = response.headers.get('content-type') ?? ''
  if (type.includes('application/json') || !response.body) return fromJson(response, handlers)
  const answer = createAnswerAccumulator(handlers)
  await readSseStream(response.body, answer.handle)
  return answer.result()
}

/** A server (or proxy) that answered with the plain JSON shape instead of a stream. */
async function fromJson(response: Response, handlers: StreamHandlers): Promise<StreamResult> {
  const body = (await response.json()) as ChatAnswer
  const meta: StreamMeta = {
    conversationId: body.conversation_id,
    messageId: body.message.id,
    mode: toMode(body.mode),
  }
  handlers.onMeta?.(meta)
  handlers.onToken?.(body.message.content, body.message.content)
  handlers.onCitations?.(body.message.citations)
  return { ...meta, content: body.message.content, citations: body.message.citations }
}
