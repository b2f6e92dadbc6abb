// What a turn inherits from its conversation: a retrieval query that still works for follow-ups
// ("and how do I configure it?") without dragging an old topic into a new question. Pure.
import type { HistoryTurn } from './prompts.js'
import { contentWords } from './question-terms.js'

/** Longest retrieval query (what retrieve() reads); the current question is kept whole. */
const MAX_QUERY_CHARS = 4000
const TITLE_MAX = 80
/** Earlier user questions looked at to find what a follow-up lacks. */
const LOOK_BACK = 3

/** Words that point back at something named earlier. ("this" alone does not: "deploy this".) */
const REFERS_BACK =
  /\b(it|its|it's|itself|they|them|their|theirs|these|those|he|she|him|her|his|former|latter|above|previous|same)\b/i
const WHAT_ABOUT = /^\s*(and\s+)?(what|how)\s+about\b/i
/** "Who can create one?", "How do I get one?": "one" standing for a thing named before. */
const ONE_OF_THEM = /\b(?:a|an|the|this|that|another|which|new|each)?\s*\bone\s*[?.!]*\s*$/i
/**
 * "What are spaces?", "Who is Ada Lovelace?", "Define BM25": a question that asks what its one named
 * thing is, named without a definite article (unlike "What is the price?", which means the price of
 * something said before).
 */
const DEFINITION =
  /^\s*(?:(?:what|who)\s+(?:is|are|was|were)|define|explain|describe)\s+(?:an?\s+)?(?!(?:the|this|that|these|those)\b)\S/i

/**
 * A question that cannot be understood alone: it refers back ("its secrets", "how are they
 * numbered?"), or names at most one thing ("What about PDFs?", "Tell me more.") unless it asks
 * what that thing is ("What are spaces?"). "And how much does pressing cost?" stands on its own:
 * it names what it asks about.
 */
export function isUnderSpecified(question: string): boolean {
  if (REFERS_BACK.test(question) || ONE_OF_THEM.test(question)) return true
  const named = contentWords(question).length
  if (named === 1 && DEFINITION.test(question)) return false
  return named <= 1 || (WHAT_ABOUT.test(question) && named <= 2)
}

/** The names and numbers a question gives (lower-cased): "And in London?" → london. */
function namesOf(question: string): Set<string> {
  const tokens = question.match(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu) ?? []
  return new Set(
    tokens
      .filter((t) => /\p{N}/u.test(t) || (/^\p{Lu}/u.test(t) && contentWords(t).length > 0))
      .map((t) => t.toLowerCase()),
  )
}

/**
 * The verb a question asks about doing: "How do I delete it?" → delete, "Who can create team
 * spaces?" → create, "Can an editor rename it?" → rename; or null.
 */
const ASKED_VERB =
  /^\s*(?:and\s+)?(?:how\s+(?:do|can|should|would|could)\s+(?:i|we|you)\s+|how\s+to\s+|(?:who|what)\s+(?:can|could|may|should|must|will)\s+|(?:can|could|may|should|must|do|does|will)\s+(?:an?\s+|the\s+|my\s+)?[\p{L}-]+\s+)([\p{L}-]+)/iu
/** Words after which a verb's next word is no object: "deploy to Hugging Face". */
const PREPOSITION = /^(?:to|on|in|into|onto|from|with|for|at|by|about|over|through)$/i

/** The verb of ASKED_VERB when its object follows it ("create team spaces"), or null. */
function verbOfObject(question: string): string | null {
  const m = ASKED_VERB.exec(question)
  if (!m?.[1]) return null
  const next = question.slice((m.index ?? 0) + m[0].length).match(/[\p{L}\p{N}]+/u)?.[0] ?? ''
  return next && !PREPOSITION.test(next) ? m[1].toLowerCase() : null
}

/**
 * What an under-specified question borrows: the content words of the earlier user questions back
 * to the last one that stood on its own (newest last), not their filler. A follow-up that gives
 * names or numbers of its own ("And in London?" after "What is the hotel limit in Paris?") puts
 * them in place of the earlier ones: it borrows "hotel limit", not "Paris". One that asks about
 * doing something ("How do I delete it?" after "Who can create team spaces?") borrows the thing
 * the earlier question did something to, not that doing: "team spaces", not "create" (but "deploy"
 * of "How do I deploy to Hugging Face?", which names no thing done to).
 */
function borrowed(history: readonly HistoryTurn[], question: string): string[] {
  const asked = history.filter((t) => t.role === 'user').map((t) => t.content)
  const replaced = namesOf(question).size > 0
  const doing = ASKED_VERB.test(question)
  const out: string[] = []
  for (const q of asked.reverse().slice(0, LOOK_BACK)) {
    const names = replaced ? namesOf(q) : new Set<string>()
    const verb = doing ? verbOfObject(q) : null
    out.unshift(
      contentWords(q)
        .filter((w) => !names.has(w) && w !== verb)
        .join(' '),
    )
    if (!isUnderSpecified(q)) break
  }
  return out.filter(Boolean)
}

/**
 * The queries to try for this turn, in order, until one retrieves something. A question that
 * stands on its own is searched alone, so a new topic after an old one is answered on its own
 * (or refused) rather than from the old topic. An under-specified one is searched with what it
 * lacks borrowed from the earlier questions, then alone.
 */
export function retrievalQueries(history: readonly HistoryTurn[], question: string): string[] {
  if (!isUnderSpecified(question)) return [question]
  const context = borrowed(history, question)
  if (context.length === 0) return [question]
  const joined = `${context.join('\n')}\n${question.trim()}`
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
