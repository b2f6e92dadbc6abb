// The sources of one chat turn: the retrieval queries for the question in its conversation
// (a follow-up rewritten by the LLM when one is configured, else borrowed context), tried in order
// until one retrieves something. Shared by the chat route and `npm run eval`, so the evaluation
// measures what users get.
import { offlineAnswer } from './answer.js'
import { retrievalQueries } from './conversation-context.js'
import type { ChatModel } from './llm.js'
import type { HistoryTurn } from './prompts.js'
import { plainPhrasing } from './question-terms.js'
import { retrieve } from './retrieve.js'
import { standaloneQuestion } from './standalone-question.js'
import type { RagContext, RetrievedChunk } from './types.js'

/** Chunks given to the answer (the LLM's numbered sources; the extractive answer reads them all). */
export const ANSWER_K = 6

export interface TurnSources {
  /** What retrieval searched for. */
  query: string
  sources: RetrievedChunk[]
}

export async function turnQueries(
  history: readonly HistoryTurn[],
  question: string,
  model: ChatModel | null,
  signal?: AbortSignal,
): Promise<string[]> {
  const heuristic = retrievalQueries(history, question)
  if (!model || heuristic.length === 1) return inPlainWords(heuristic)
  const rewritten = await standaloneQuestion(model, history, question, signal)
  return inPlainWords(rewritten ? [rewritten, ...heuristic] : heuristic)
}

/** Each query in plain words ("log out" → "sign out"), tried before it as asked. */
function inPlainWords(queries: string[]): string[] {
  return [...new Set(queries.flatMap((q) => [plainPhrasing(q), q]))]
}

/** `spaceIds`: the spaces this turn may draw on (what the caller can read, as of now). */
export async function findSources(
  ctx: RagContext,
  spaceIds: readonly string[],
  history: readonly HistoryTurn[],
  question: string,
  model: ChatModel | null,
  signal?: AbortSignal,
): Promise<TurnSources> {
  let first: TurnSources | null = null
  for (const query of await turnQueries(history, question, model, signal)) {
    const sources = await retrieve(ctx, query, { k: ANSWER_K }, spaceIds)
    if (sources.length === 0) continue
    // Offline, a follow-up whose borrowed context leaves nothing to answer from ("What about the
    // water?" after the gate code: no passage speaks of both) is tried on its own too. The answer
    // made here is the one the caller gives (offlineAnswer makes it once per list of sources).
    if (model || offlineAnswer(question, sources, query)) return { query, sources }
    first ??= { query, sources }
  }
  return first ?? { query: question, sources: [] }
}
