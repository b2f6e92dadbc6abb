// With an LLM configured, an under-specified follow-up ("and its secrets?") is rewritten by the
// model into a question that stands on its own ("How do I set the secrets of a Hugging Face
// Space?"), which retrieval can match. Bounded: a slow, failing or rambling provider yields null
// and the caller falls back to the heuristic query.

import { stripMarkers } from './citations.js'
import type { ChatModel } from './llm.js'
import type { HistoryTurn, PromptMessage } from './prompts.js'

/** The rewrite must not hold up the answer for long: it is a retrieval aid, not the answer. */
export const REWRITE_TIMEOUT_MS = 4000
const MAX_REWRITE_CHARS = 300
const MAX_TURN_CHARS = 600
const TURNS = 4

export const REWRITE_PROMPT = [
  'Rewrite the last question of a conversation so that it can be understood without the conversation.',
  'Replace pronouns and vague references with what they refer to in the earlier turns.',
  'If the question already stands on its own, repeat it unchanged.',
  'Reply with the rewritten question only: one line, no answer, no explanation.',
].join('\n')

function clip(text: string, max: number): string {
  const t = stripMarkers(text).replace(/\s+/g, ' ').trim()
  return t.length <= max ? t : `${t.slice(0, max)}…`
}

export function rewriteMessages(history: readonly HistoryTurn[], question: string): PromptMessage[] {
  const turns = history
    .slice(-TURNS)
    .map((t) => `${t.role === 'user' ? 'User' : 'Assistant'}: ${clip(t.content, MAX_TURN_CHARS)}`)
  return [
    { role: 'system', content: REWRITE_PROMPT },
    {
      role: 'user',
      content: `Conversation:\n${turns.join('\n')}\n\nLast question: ${clip(question, MAX_TURN_CHARS)}`,
    },
  ]
}

/** The model's reply as one question, or null when it is empty or not a plausible question. */
export function cleanRewrite(reply: string): string | null {
  const line = reply
    .split('\n')
    .map((l) => l.trim())
    .find(Boolean)
  if (!line) return null
  const text = line
    .replace(/^(rewritten question|question)\s*:\s*/i, '')
    .replace(/^["“']|["”']$/g, '')
    .trim()
  if (!text || text.length > MAX_REWRITE_CHARS) return null
  return text
}

export async function standaloneQuestion(
  model: ChatModel,
  history: readonly HistoryTurn[],
  question: string,
  signal?: AbortSignal,
  timeoutMs = REWRITE_TIMEOUT_MS,
): Promise<string | null> {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), timeoutMs)
  const onAbort = () => controller.abort()
  signal?.addEventListener('abort', onAbort, { once: true })
  let reply = ''
  try {
    for await (const delta of model.stream(rewriteMessages(history, question), controller.signal)) {
      reply += delta
      if (reply.length > MAX_REWRITE_CHARS * 2) break
    }
    return controller.signal.aborted ? null : cleanRewrite(reply)
  } catch {
    // Timeout, provider failure or abort: the heuristic query still works.
    return null
  } finally {
    clearTimeout(timer)
    signal?.removeEventListener('abort', onAbort)
  }
}
