// Reading an OpenAI chat-completions request (docs/api.md §11) into a question for the same
// retrieval and answer as /api/chat: the last message is the question (it must be the user's),
// earlier user/assistant turns its history, system (and `developer`) messages the client's own
// instructions, which follow the server's grounding prompt and never replace it. Pure, so the
// compatibility rules are unit-tested.
import type { Static } from 'typebox'
import { AppError } from '../errors.js'
import type { AnswerOutput } from '../rag/answer.js'
import { markersIn } from '../rag/citations.js'
import type { CallOptions, ChatModel } from '../rag/llm.js'
import type { HistoryTurn, PromptMessage } from '../rag/prompts.js'
import type { ChatCompletionMessage, ChatCompletionRequest } from './v1-schemas.js'

/** As /api/chat/message (docs/api.md §8). */
export const MAX_QUESTION_CHARS = 4000
/** Earlier turns kept for a follow-up (as many as /api/chat loads from a conversation). */
export const HISTORY_MESSAGES = 8
/** The client's instructions, all together: enough for a persona or a format, not a document. */
export const MAX_CLIENT_SYSTEM_CHARS = 4000

export interface CompletionQuestion {
  question: string
  history: HistoryTurn[]
  /** The client's system/developer messages, in order, clipped to MAX_CLIENT_SYSTEM_CHARS. */
  system: string[]
  stream: boolean
  includeUsage: boolean
  options: CallOptions
}

type Message = Static<typeof ChatCompletionMessage>

/** The text of a message: a string, or the `text` parts of an array (other parts are skipped). */
export function messageText(message: Message): string {
  const content = message.content
  if (typeof content === 'string') return content
  if (!content) return ''
  return content
    .filter((p) => p.type === 'text' && typeof p.text === 'string')
    .map((p) => p.text as string)
    .join('\n')
}

function invalid(path: string, message: string): AppError {
  return new AppError('validation_error', { errors: [{ path, message }] })
}

export function readCompletionRequest(body: Static<typeof ChatCompletionRequest>): CompletionQuestion {
  const last = body.messages[body.messages.length - 1] as Message
  const lastPath = `messages.${body.messages.length - 1}`
  if (last.role !== 'user') throw invalid(`${lastPath}.role`, "the last message must be the user's question")
  const question = messageText(last).trim()
  if (!question) throw invalid(`${lastPath}.content`, 'must not be blank')
  if (question.length > MAX_QUESTION_CHARS) {
    throw invalid(`${lastPath}.content`, `must be at most ${MAX_QUESTION_CHARS} characters`)
  }
  if (question.includes('\u0000')) throw invalid(`${lastPath}.content`, 'must not contain U+0000')
  const history: HistoryTurn[] = []
  const system: string[] = []
  let systemChars = 0
  for (const message of body.messages.slice(0, -1)) {
    const text = messageText(message).replaceAll('\u0000', '').trim()
    if (!text) continue
    if (message.role === 'user' || message.role === 'assistant')
      history.push({ role: message.role, content: text })
    else if (
      (message.role === 'system' || message.role === 'developer') &&
      systemChars < MAX_CLIENT_SYSTEM_CHARS
    ) {
      const kept = text.slice(0, MAX_CLIENT_SYSTEM_CHARS - systemChars)
      systemChars += kept.length
      system.push(kept)
    }
  }
  const maxTokens = body.max_completion_tokens ?? body.max_tokens ?? undefined
  const temperature = body.temperature ?? undefined
  return {
    question,
    history: history.slice(-HISTORY_MESSAGES),
    system,
    stream: body.stream === true,
    includeUsage: body.stream_options?.include_usage === true,
    options: {
      ...(maxTokens === undefined ? {} : { maxTokens }),
      ...(temperature === undefined ? {} : { temperature }),
    },
  }
}

/** Heads the client's instructions so a model reads them as the client's, under the rules above. */
export const CLIENT_SYSTEM_HEADER =
  'Further instructions from the client application (the rules above still apply and take precedence):'

/** The prompt with the client's instructions placed right after the server's grounding prompt. */
export function withClientSystem(messages: PromptMessage[], system: readonly string[]): PromptMessage[] {
  if (system.length === 0) return messages
  const [first, ...rest] = messages
  const extra: PromptMessage = {
    role: 'system',
    content: `${CLIENT_SYSTEM_HEADER}\n\n${system.join('\n\n')}`,
  }
  return first?.role === 'system' ? [first, extra, ...rest] : [extra, ...messages]
}

/** The configured model, asked with this request's instructions and options. */
export function requestModel(model: ChatModel, system: readonly string[], options: CallOptions): ChatModel {
  return {
    model: model.model,
    stream: (messages, signal) => model.stream(withClientSystem(messages, system), signal, options),
  }
}

/** What `usage` counts as a token: OpenAI's needs token counts, and a tokenizer would cost ~40 MiB. */
const CHARS_PER_TOKEN = 4

export function estimateTokens(text: string): number {
  return text.length === 0 ? 0 : Math.ceil(text.length / CHARS_PER_TOKEN)
}

export interface CappedOutput extends AnswerOutput {
  /** The answer was cut at max_tokens: finish_reason `length`. */
  cut: boolean
}

/**
 * An offline (extractive) answer honours `max_tokens` as a model does: it ends at that many
 * tokens, counted as `usage` counts them, at a word, with finish_reason `length`; an open marker
 * at the cut goes, and so do the citations no marker left names. (A model is sent `max_tokens`
 * and cuts its own answer.) For offline answers only: their generator ends without waiting on
 * anyone, so the rest is read to its end for the citations.
 */
export async function* capAnswer(
  gen: AsyncGenerator<string, AnswerOutput>,
  maxTokens: number,
): AsyncGenerator<string, CappedOutput> {
  const maxChars = maxTokens * CHARS_PER_TOKEN
  let content = ''
  let step = await gen.next()
  while (!step.done) {
    const piece = step.value
    if (content.length + piece.length <= maxChars) {
      content += piece
      if (piece) yield piece
      step = await gen.next()
      continue
    }
    const room = piece.slice(0, maxChars - content.length)
    const atWord = /\s/.test(piece[room.length] ?? ' ') ? room : room.replace(/\S*$/, '')
    const part = (content || atWord ? atWord : room).replace(/\s*\[[\d,; \t]*$/, '').trimEnd()
    content += part
    if (part) yield part
    // The rest is read, not shown: the citations come with the generator's end (offline, cheap).
    let rest = await gen.next()
    while (!rest.done) rest = await gen.next()
    // Answers carry one `[n]` per source (MarkerFilter writes them so).
    const named = new Set(markersIn(content))
    return { content, citations: rest.value.citations.filter((c) => named.has(c.index)), cut: true }
  }
  return { ...step.value, cut: false }
}
