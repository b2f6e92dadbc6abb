// One answer, as a stream of text pieces followed by the final content and its citations. The
// same generator serves JSON (collected) and SSE (forwarded) responses, so both always agree.
import { AppError } from '../errors.js'
import { type Citation, citationsFor } from './citations.js'
import { type ExtractiveAnswer, extractiveAnswer } from './extractive.js'
import { GroundedFilter } from './grounding.js'
import type { ChatModel } from './llm.js'
import { buildMessages, type HistoryTurn } from './prompts.js'
import type { RetrievedChunk } from './types.js'

export type AnswerMode = 'llm' | 'extractive'

/** The plain refusal: nothing retrieved, or nothing retrieved covers the question. Never cited. */
export const NO_CONTEXT_ANSWER = 'The documents do not cover this.'

export interface AnswerInput {
  question: string
  /** What retrieval searched for (the question, expanded with the previous turn in a follow-up). */
  query: string
  /** Retrieved chunks, best first; [] when nothing cleared the relevance floor. */
  sources: readonly RetrievedChunk[]
  history: readonly HistoryTurn[]
  model: ChatModel | null
  signal: AbortSignal
}

export interface AnswerOutput {
  content: string
  citations: Citation[]
}

export function answerMode(model: ChatModel | null): AnswerMode {
  return model ? 'llm' : 'extractive'
}

/** Splits a finished text into a few words per piece, so offline answers stream like LLM ones. */
export function pieces(text: string, wordsPerPiece = 4): string[] {
  const words = text.match(/\S+\s*/g) ?? []
  const out: string[] = []
  for (let i = 0; i < words.length; i += wordsPerPiece) out.push(words.slice(i, i + wordsPerPiece).join(''))
  return out
}

async function* fixed(content: string, citations: Citation[]): AsyncGenerator<string, AnswerOutput> {
  for (const piece of pieces(content)) yield piece
  return { content, citations }
}

async function* fromModel(input: AnswerInput, model: ChatModel): AsyncGenerator<string, AnswerOutput> {
  const filter = new GroundedFilter(input.sources, NO_CONTEXT_ANSWER)
  const messages = buildMessages(input.question, input.sources, input.history)
  for await (const delta of model.stream(messages, input.signal)) {
    const safe = filter.push(delta)
    if (safe) yield safe
    // Nothing more can be shown (the answer will be the refusal): leaving the loop closes the call.
    if (filter.settled) break
  }
  if (filter.received === 0) {
    throw new AppError('upstream_error', { cause: new Error('the provider returned an empty answer') })
  }
  // An answer with no claim its passages support is replaced by the refusal (see grounding.ts).
  const rest = filter.flush()
  if (rest) yield rest
  return { content: filter.content, citations: citationsFor(filter.cited, input.sources) }
}

/** The offline answers made for each retrieved list (findSources may have made its turn's). */
const offline = new WeakMap<
  readonly RetrievedChunk[],
  { question: string; query: string; answer: ExtractiveAnswer | null }
>()

/** The extractive answer to `question` from these sources, made once for a list of sources. */
export function offlineAnswer(
  question: string,
  sources: readonly RetrievedChunk[],
  query: string,
): ExtractiveAnswer | null {
  const made = offline.get(sources)
  if (made?.question === question && made.query === query) return made.answer
  const answer = extractiveAnswer(question, sources, query)
  offline.set(sources, { question, query, answer })
  return answer
}

/**
 * Yields the answer's text pieces; returns the final content (== the pieces joined) and citations.
 * Nothing relevant → a plain refusal without citations and without calling the model.
 */
export function generateAnswer(input: AnswerInput): AsyncGenerator<string, AnswerOutput> {
  if (input.sources.length === 0) return fixed(NO_CONTEXT_ANSWER, [])
  if (input.model) return fromModel(input, input.model)
  const answer = offlineAnswer(input.question, input.sources, input.query)
  return answer ? fixed(answer.content, answer.citations) : fixed(NO_CONTEXT_ANSWER, [])
}

/** Runs the generator to its end (JSON responses). */
export async function collectAnswer<T = AnswerOutput>(gen: AsyncGenerator<string, T>): Promise<T> {
  for (;;) {
    const step = await gen.next()
    if (step.done) return step.value
  }
}
