// What a turn inherits from its conversation: a retrieval query that still works for follow-ups
// ("and how do I configure it?") and the earlier turns for the prompt. Pure.
import { contentWords, terms } from './extractive.js'
import type { HistoryTurn } from './prompts.js'

/** Longest retrieval query (what retrieve() reads); the current question is kept whole. */
const MAX_QUERY_CHARS = 4000
const TITLE_MAX = 80

const ANAPHORA =
  /\b(it|its|it's|this|that|these|those|they|them|their|there|he|she|him|her|his|one|ones|above|previous|same|former|latter)\b/i
const CONTINUATION = /^\s*(and|but|also|so|then|or|what about|how about|why|how come)\b/i

/**
 * A question that leans on the previous turn: it refers back ("it", "that one"), continues
 * ("and …", "what about …") or says almost nothing on its own ("Tell me more.").
 */
export function looksLikeFollowUp(question: string): boolean {
  return ANAPHORA.test(question) || CONTINUATION.test(question) || terms(question).length <= 1
}

/**
 * The queries to try for this turn, in order, until one retrieves something. A follow-up is
 * searched with the previous user question joined to it, then alone (in case the joined text
 * dilutes a new subject below the relevance floor). A self-contained question is searched alone,
 * so an off-topic question after an on-topic one still finds nothing rather than the old topic.
 */
export function retrievalQueries(history: readonly HistoryTurn[], question: string): string[] {
  const previous = [...history].reverse().find((turn) => turn.role === 'user')
  if (!previous || !looksLikeFollowUp(question)) return [question]
  // Only the follow-up's content words: its filler ("tell me more") would count against the
  // relevance floor as unknown terms.
  const joined = `${previous.content.trim()}\n${contentWords(question).join(' ')}`.trim()
  const expanded = joined.length <= MAX_QUERY_CHARS ? joined : joined.slice(joined.length - MAX_QUERY_CHARS)
  return [expanded, question]
}

/** A conversation's title from its first message: one line, at most 80 characters, cut at a word. */
export function titleFrom(message: string): string {
  const chars = Array.from(message.replace(/\s+/g, ' ').trim()) // code points: never split a pair
  if (chars.length <= TITLE_MAX) return chars.join('')
  const cut = chars.slice(0, TITLE_MAX - 1).join('')
  const space = cut.lastIndexOf(' ')
  return `${(space >= TITLE_MAX / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.-]+$/, '')}…`
}
