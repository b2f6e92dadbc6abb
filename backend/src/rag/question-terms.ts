// What a question asks about, as weighted lexemes: idf from the corpus statistics Postgres keeps
// (rare words carry the question; common ones barely count), question scaffolding ("how long",
// "must", "happen") nearly ignored, and — in a follow-up — the words borrowed from earlier turns
// weighing less than the question's own.
import { verbOfIrregular } from '../db/queries/index-text.js'
import { lightLexemes } from './answer-units.js'
import type { RetrievedChunk } from './types.js'

export interface QuestionTerm {
  lexeme: string
  weight: number
  /** The current question's own word (not borrowed from the conversation). */
  own: boolean
  /** No chunk of the searched spaces holds it (df 0; without stored statistics: no passage at hand). */
  unseen?: boolean
  /** Question scaffolding ("how much", "look like"): weighs little and is never a key term. */
  frame?: boolean
}

/**
 * Lexemes that frame a question rather than name its subject (english snowball forms): "what does
 * X look like", "which X version" ask about X; the documents need not use the framing word.
 */
const FRAME = new Set(
  (
    'long much mani must need kind type sort way happen possibl abl exact actual work mean call ' +
    'someth anyth someon somebodi anyon anybodi one other thing get make go goe want like know tell ' +
    'explain describ ' +
    'pleas show find give use see handl ' +
    'can could would also els differ look version ' +
    // Hedges on a number asked for ("roughly how many") and "never", which the negation check
    // reads. Not "made" ("What is the lattice made of?" asks what it is made of), "known" ("X is now
    // known as Y" holds the answer) or "went" ("after it went public").
    'rough roughly approxim approximately never ' +
    // Prepositions the english stopword list keeps: they relate the question's things, the
    // documents say the same relation with another one ("inside the iframe" / "in the iframe").
    'insid outsid within behind beneath underneath toward onto upon via across along among ' +
    'amongst around throughout beyond'
  ).split(' '),
)
const FRAME_WEIGHT = 0.15
/** The verbs of what something costs (answer-type.ts adds the nouns: price, fee). */
export const COST_VERBS: ReadonlySet<string> = new Set([
  'cost',
  'costs',
  'charge',
  'charged',
  'charges',
  'pay',
  'paid',
  'spend',
  'spent',
])
/**
 * Verbs that a question's wording makes scaffolding: "How long does descaling take?" asks for a
 * duration ("The descaling cycle lasts about 25 minutes"), "How much does pressing cost?" for a
 * price ("Pressing is €5 a crate"). Elsewhere they name what is asked ("Who takes the minutes?").
 */
/** Nouns naming what kind of thing a name of code is: an endpoint, a variable, a flag. */
const CODE_KINDS = [
  'endpoint',
  'route',
  'variable',
  'setting',
  'option',
  'flag',
  'field',
  'header',
  'parameter',
]
const FRAMED_BY_WORDING: readonly [RegExp, ReadonlySet<string>][] = [
  [/^(?:and\s+)?how long\b/i, new Set(['take', 'takes', 'taking', 'took', 'last', 'lasts'])],
  // "How much can I spend on a taxi?": spending, paying and charging ask for the price too.
  [/^(?:and\s+)?how much\b/i, COST_VERBS],
  // "to take place" says "to happen" (a FRAME word) in a condition: "What is needed for
  // construction to take place?". As the question's own verb it is asked about ("Where do the
  // meetings take place?": the passage saying so holds the answer).
  [/\bto\s+take\s+place\b/i, new Set(['take', 'place'])],
  // "What arguments does fastqueue take?": a closing "take" says "accept", the question's frame.
  [
    /^(?:and\s+)?(?:what|which|how many)\b.*\b(?:do|does|did|can|will|should|must)\b.+\btake\s*\??$/i,
    new Set(['take']),
  ],
  // "the /v1/models endpoint", "the REDIS_URL variable": a noun after a name of code says what kind
  // of thing the name is, which the documents need not repeat ("`GET /v1/models` lists …").
  [
    new RegExp(`(?:\\S*[/_.]\\S*[\\p{L}\\p{N}]|\\b\\p{Lu}{2,}\\b)\\s+(?:${CODE_KINDS.join('|')})s?\\b`, 'u'),
    new Set(CODE_KINDS),
  ],
  // "What is a viewer allowed to do?", "Is an editor allowed to delete documents?": "allowed to"
  // says "can", which is how documents state what someone may do ("A viewer can list, open …").
  [
    /\b(?:allowed|permitted|able)\s+to\b/i,
    new Set(['allowed', 'permitted', 'able', 'allow', 'permit', 'abl']),
  ],
  // "What does the /v1/models endpoint return?": a closing "return" asks what it gives ("lists the
  // models you may use").
  [
    /^(?:and\s+)?(?:what|which)\b.*\b(?:do|does|did|will|would|should|must)\b.+\breturns?\s*\??$/i,
    new Set(['return']),
  ],
]
/**
 * After "how", the measures a question asks for as a number ("how old", "how far", "how fast"),
 * each with the noun a passage names that measure by ("the average age is 38").
 */
export const MEASURE_NOUNS: ReadonlyMap<string, string> = new Map([
  ['often', 'frequency'],
  ['fast', 'speed'],
  ['far', 'distance'],
  ['old', 'age'],
  ['tall', 'height'],
  ['high', 'height'],
  ['deep', 'depth'],
  ['wide', 'width'],
  ['heavy', 'weight'],
])
export const HOW_MEASURES: readonly string[] = [...MEASURE_NOUNS.keys()]
/**
 * The word that names the kind of answer: "How big is the deposit?" asks for a size ("two months'
 * rent"), "What number do I call?" for a number, "In what year …?" for a year ("in 1850"). Not
 * the dimensions a passage says in the same word ("How large can a file be?": "payload_too_large").
 */
const ANSWER_KIND = new RegExp(
  `^(?:[^,?]{1,60},\\s+)?(?:and\\s+)?(?:how (big|soon|${HOW_MEASURES.join('|')})|(?:(?:in|on|at|by) )?(?:what|which) (number|percentage|percent|amount|size|proportion|fraction|time|date|day|year|month|two|three|four|five|six|seven|eight|nine|ten))\\b`,
  'i',
)

/** The question's own scaffolding beyond FRAME: the words its wording frames. */
function framedBy(question: string): string[] {
  const kind = ANSWER_KIND.exec(question.trim())
  return [...(kind ? [((kind[1] ?? kind[2]) as string).toLowerCase()] : []), ...verbsFramedBy(question)]
}

function verbsFramedBy(question: string): string[] {
  const q = question.trim()
  return FRAMED_BY_WORDING.flatMap(([wording, verbs]) => (wording.test(q) ? [...verbs] : []))
}

/**
 * The words the question's wording makes scaffolding that are not searched for either ("spend" in
 * "How much can I spend on a taxi?", "big" in "How big can a file be?"): a document that never
 * says them would fail the relevance floor ("… up to 20 MiB" says no "big"). The noun naming the
 * answer's kind ("year", "percentage": ANSWER_KIND's second group) is still searched: passages use
 * it.
 */
export function searchFrames(question: string): Set<string> {
  const how = ANSWER_KIND.exec(question.trim())?.[1]
  return new Set([...(how ? [how.toLowerCase()] : []), ...verbsFramedBy(question)])
}

/** `question`: a word its opening frames counts as a frame word too (a word or its snowball lexeme). */
export function isFrameWord(word: string, question?: string): boolean {
  const w = word.toLowerCase()
  if (w.length === 0) return false
  if (FRAME.has(w) || FRAME.has(lightLexemes(w)[0] ?? w)) return true
  return question !== undefined && framedBy(question).some((f) => f === w || wordHasLexeme(f, w))
}
const BORROWED_WEIGHT = 0.4

/**
 * "Log in", "log out", "login": what most documentation calls signing in and out. As words, "log"
 * would find the audit *log* for "How do I log out?". Such a question is searched in the plain
 * words first, and as asked when that finds no answer (turn-sources.ts). A log named as a thing
 * ("the log in JSON") stays one.
 */
const LOG_IN =
  /\blog-(in|on|out|off)\b|(?<!\b(?:the|a|an|this|that|each|every|its|my|your|our|their|server|audit|error|access)\s+)\blog(?:s|ged|ging)?\s*(in|into|on|out|off)\b|\blog(in|on|out|off)s?\b/gi

/**
 * "Is Docker required?", "Does rag-auth require Docker?": a yes-or-no question on whether something
 * is needed, which documents as often say with "need" ("Docker is not needed to run it locally").
 * Asked with "need", the verb is a frame word and the search looks for the thing itself.
 */
const NEED_ASKED = /^(?:and\s+)?(?:is|are|was|were|does|do|did|will|would)\b/i
const NEED_WORDS: Record<string, string> = {
  required: 'needed',
  necessary: 'needed',
  mandatory: 'needed',
  require: 'need',
  requires: 'need',
}
const NEED_WORD = new RegExp(`\\b(?:${Object.keys(NEED_WORDS).join('|')})\\b`, 'gi')

export function plainPhrasing(text: string): string {
  const asked = NEED_ASKED.test(text.trim())
    ? text.replace(NEED_WORD, (w) => NEED_WORDS[w.toLowerCase()] ?? w)
    : text
  return asked.replace(LOG_IN, (m, hyphened?: string, spaced?: string, joined?: string) => {
    const particle = (hyphened ?? spaced ?? joined ?? '').toLowerCase()
    const out = particle === 'out' || particle === 'off'
    // The plural noun: "failed logins" → sign-ins, as the documents write it.
    if (joined && /s$/i.test(m)) return out ? 'sign-outs' : 'sign-ins'
    return out ? 'sign out' : particle === 'into' ? 'sign in to' : 'sign in'
  })
}

/** The verb a yes-or-no question asks about doing: "Can I fly …?" → fly. */
export function actionOf(question: string): string | null {
  const m =
    /^(?:and\s+)?(?:can|could|may|might|should|must|do|does|did|will|would|shall)\s+(?:i|we|you|they|he|she|one|employees?|users?|people|someone|anyone)\s+(?:still\s+|also\s+|ever\s+)?([\p{L}-]+)/iu.exec(
      question.trim(),
    )
  return m ? (m[1] as string).toLowerCase() : null
}

/** Words the english configuration treats as stopwords, for the stand-in stemmer. */
const STOPWORDS = new Set(
  (
    'a an and are as at be been being but by can could did do does doing for from had has have how i ' +
    'if in into is it its me my no not of on or our so than that the their them then there these they ' +
    'this those to too was we were what when where which while who whom why will with would you your ' +
    'about any each just more most other over same some such only own very should shall may might ' +
    'am he she him her his hers us let'
  ).split(' '),
)

const fold = (s: string) => s.toLowerCase().replaceAll('y', 'i')

/** Whether a word is an inflection of a lexeme (snowball mostly trims endings: stored → store). */
export function wordHasLexeme(word: string, lexeme: string): boolean {
  const w = fold(word)
  const l = fold(lexeme)
  if (w === l) return true
  if (l.length >= 3 && w.startsWith(l) && w.length - l.length <= 4) return true
  if (w.length >= 4 && l.startsWith(w) && l.length - w.length <= 2) return true
  // "kept" is indexed as keep too (index-text.ts): the written word states its verb's lexeme.
  const verb = verbOfIrregular(word)
  return verb !== null && wordHasLexeme(verb, lexeme)
}

/**
 * Whether a word may be what an english stemmer turned into a lexeme, more loosely than
 * wordHasLexeme: any ending dropped (deforestation → deforest), a final e restored (using → use),
 * or one part of a hyphenated lexeme (sign-in).
 */
export function mayStemTo(word: string, lexeme: string): boolean {
  if (wordHasLexeme(word, lexeme)) return true
  const w = fold(word)
  const l = fold(lexeme)
  if (l.length >= 3 && w.startsWith(l)) return true
  if (l.length >= 3 && l.endsWith('e') && w.startsWith(l.slice(0, -1)) && w.length > l.length) return true
  const parts = l.split(/[^\p{L}\p{N}]+/u).filter((p) => p.length >= 2)
  return parts.length > 1 && parts.some((p) => mayStemTo(word, p))
}

export function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []
}

/**
 * Local idf over the candidate units, for sources without stored statistics. Each lexeme keeps a
 * word it came from: the stand-in stemmer's forms are not snowball's (like → lik), so framing is
 * judged on the word.
 */
function localTerms(
  query: string,
  unitLexemes: Set<string>[],
): { lexeme: string; idf: number; df: number; word: string }[] {
  const byLexeme = new Map<string, string>()
  for (const w of words(query)) {
    if (!STOPWORDS.has(w)) byLexeme.set(lightLexemes(w)[0] ?? w, w)
  }
  const n = Math.max(1, unitLexemes.length)
  return [...byLexeme].map(([lexeme, word]) => {
    const df = unitLexemes.filter((s) => s.has(lexeme)).length
    return { lexeme, word, df, idf: Math.log(1 + (n - df + 0.5) / (df + 0.5)) }
  })
}

export function questionTerms(
  question: string,
  query: string,
  sources: readonly RetrievedChunk[],
  stored: boolean,
  unitLexemes: Set<string>[],
): QuestionTerm[] {
  const base: { lexeme: string; idf: number; df: number; word?: string }[] =
    stored && sources[0]?.analysis ? sources[0].analysis.queryTerms : localTerms(query, unitLexemes)
  const own = words(question)
  // In a follow-up the query is the borrowed context followed by the question: a lexeme is borrowed
  // when only the context's words may stem to it. Matching the question's words by wordHasLexeme
  // alone would call borrowed every word whose stem drops more than a few letters
  // (deforestation → deforest, using → use, sign-in → sign-in).
  const ownSet = new Set(own)
  const context = query === question ? [] : words(query).filter((w) => !ownSet.has(w))
  const action = actionOf(question)
  return base.map((term) => {
    const { lexeme, idf } = term
    const isOwn = own.some((w) => mayStemTo(w, lexeme)) || !context.some((w) => mayStemTo(w, lexeme))
    // "Can I take photos?" where no document says "take" ("Photos … are not allowed"): the asked
    // action, said in other words, is scaffolding too, no key term a passage must state.
    const frame =
      isFrameWord(term.word ?? lexeme, question) ||
      (isOwn && term.df === 0 && action !== null && wordHasLexeme(action, lexeme))
    return {
      lexeme,
      own: isOwn,
      unseen: term.df === 0,
      ...(frame ? { frame } : {}),
      weight: Math.max(idf, 0.05) * (frame ? FRAME_WEIGHT : 1) * (isOwn ? 1 : BORROWED_WEIGHT),
    }
  })
}

/** The words of a text that name something: no stopwords, no question scaffolding. */
export function contentWords(text: string): string[] {
  return words(text).filter(
    (w) =>
      !STOPWORDS.has(w) &&
      !FRAME.has(w) &&
      !FRAME.has(lightLexemes(w)[0] ?? w) &&
      (w.length >= 2 || /\d/.test(w)),
  )
}

export const isStopword = (word: string) => STOPWORDS.has(word.toLowerCase())
