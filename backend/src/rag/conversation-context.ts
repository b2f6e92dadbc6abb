// What a turn inherits from its conversation: a retrieval query that still works for follow-ups
// ("and how do I configure it?") and the earlier turns for the prompt. Pure.
import type { HistoryTurn } from './prompts.js'

/** Longest retrieval query we build (the question itself is at most 4000 characters). */
const MAX_QUERY_CHARS = 6000
const TITLE_MAX = 80

/** The previous user question joined to the current one, so follow-ups keep their subject. */
export function retrievalQuery(history: readonly HistoryTurn[], question: string): string {
  const previous = [...history].reverse().find((turn) => turn.role === 'user')
  if (!previous) return question
  const joined = `${previous.content.trim()}\n${question}`
  return joined.length <= MAX_QUERY_CHARS ? joined : joined.slice(joined.length - MAX_QUERY_CHARS)
}

/** A conversation's title from its first message: one line, at most 80 characters, cut at a word. */
export function titleFrom(message: string): string {
  const chars = Array.from(message.replace(/\s+/g, ' ').trim()) // code points: never split a pair
  if (chars.length <= TITLE_MAX) return chars.join('')
  const cut = chars.slice(0, TITLE_MAX - 1).join('')
  const space = cut.lastIndexOf(' ')
  return `${(space >= TITLE_MAX / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.-]+$/, '')}…`
}
