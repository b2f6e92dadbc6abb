// What kind of thing a question asks for, read from its wording ("how many" → a number, "who" →
// a name), and whether a sentence holds a candidate of that kind that the question does not
// already name. A sentence that only repeats the question's own numbers or names does not answer
// it; "how long" wants a number with a unit of time or size ("8 characters", "7 days"), not a rate
// ("20 per minute") or a status code.
import {
  COST_VERBS,
  HOW_MEASURES,
  isStopword,
  MEASURE_NOUNS,
  wordHasLexeme,
  words,
} from './question-terms.js'

export type AnswerKind = 'number' | 'measure' | 'date' | 'name' | 'place'

export interface Wanted {
  kind: AnswerKind
  /** "how many users" → users: the number should count this. */
  counted?: string
  /**
   * "When does revoking a session take effect?": a time that may be an event ("on the next
   * request", "after sign-in") rather than a date.
   */
  event?: boolean
  /**
   * "Who can delete a space?" asks who is allowed: a role ("only an owner", "administrators")
   * answers it as a name does.
   */
  role?: boolean
  /** "How much did it cost?": an amount, which a year alone ("In 2007, …") does not give. */
  amount?: boolean
  /** "How long is a reserved item kept?": a length of time, not of size ("15 items"). */
  time?: boolean
  /** "How much does a reservation cost?": money ("50 cents", "free"), not a count ("15 items"). */
  money?: boolean
  /** "In what year …?": a year ("in 1850", "the 19th century"), not any number. */
  year?: boolean
  /**
   * "How big …?", "How old …?": the noun naming the measure asked for (size, age); a passage naming
   * it states what the question's adjective asks ("The maximum upload size is 20 MiB"). For a size,
   * a number with a unit of size ("20 MiB") is the better candidate too.
   */
  measure?: string
  /** "What percentage …?", "What share of …?": a part of a whole ("23.3%", "about one-third"). */
  share?: boolean
  /**
   * "What was the mean age in months?", "What dose in mg/kg …?": the unit the question names, which
   * the answer's number must carry (a name in UNITS).
   */
  unit?: string
}

/** People named by what they may do: the answers to "who can …?" in software documentation. */
const ROLES =
  /\b(owners?|administrators?|admins?|editors?|viewers?|members?|users?|operators?|moderators?|managers?|maintainers?|authors?|creators?|everyone|everybody|anyone|anybody|nobody|no one|guests?)\b/gi
/** People named by their place (and the roles above): who does something, where no name is given. */
const PEOPLE = new RegExp(
  `${ROLES.source}|\\b(directors?|supervisors?|officers?|team|staff|employees?|committees?|board|department|secretary|treasurer|chair(?:man|woman|person)?|president|clerks?|agents?|council|representatives?|delegates?|officials?|experts?|volunteers?|residents?|tenants?|landlords?|caretakers?|citizens?|judges?|ministers?)\\b`,
  'gi',
)

const NUMBER_WORD =
  'one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|hundreds|thousand|thousands|million|millions|billion|billions|dozen|dozens|half|several'
const NUMBER = new RegExp(`(?<![\\p{L}\\p{N}_/])(?:\\d[\\d,.]*\\d|\\d)|\\b(?:${NUMBER_WORD})\\b`, 'giu')
const TIME_UNIT =
  'seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?|centuries|century|ms|milliseconds?|s|h|min'
/** Units of size: of data, text or distance. */
const SIZE_UNIT =
  'characters?|chars?|bytes?|bits?|[kmgt]i?b|kilobytes?|megabytes?|gigabytes?|words?|lines?|digits?|letters?|items?|tokens?|pages?|metres?|meters?|km|kilometres?|kilometers?|(?:milli|centi|micro|nano)(?:metres?|meters?)|µm|nm|yards?|yd|miles?|feet|foot|ft|inches?|cm|mm|m'
const UNIT = `${TIME_UNIT}|${SIZE_UNIT}`
/** A number, optionally one describing word, then a unit: "32 random bytes", "8 characters". */
const measureOf = (unit: string) =>
  new RegExp(
    `(?:\\d[\\d,.]*|\\b(?:${NUMBER_WORD}))(?:[\\s-]+(?!per\\b)\\p{L}+[\\s-]+|[\\s-]*)(?:${unit})\\b`,
    'iu',
  )
const MEASURE = measureOf(UNIT)
/** A size (not a time). */
const SIZE = measureOf(SIZE_UNIT)
const DURATION = measureOf(TIME_UNIT)
/**
 * "How long does a session last?", "How long is a reserved item kept?": a time, where "How long
 * can a message be?" and "How long is the key?" ask a size.
 */
const ASKS_DURATION =
  /^(?:and\s+)?how long (?:(?:do|does|did|will|would|should|can|could|may|must)\b(?!.*\bbe\s*\??$)|(?:is|are|was|were)\b.*\b(?:\p{L}{2,}ed|kept|held|left|open|valid|closed|taken|given|shown|known)\b(?:\s+\p{L}+){0,3}\s*\??$)/iu
/** A length of time given by its end: "until you delete it", "as long as …", "forever". */
const UNTIL = /\b(?:until|till|as long as|forever|indefinitely)\b/i
const MONTHS = 'january|february|march|april|may|june|july|august|september|october|november|december'
const MONTH = new RegExp(`\\b(${MONTHS})\\b`, 'i')
/** A day of the week, or the days of one ("on Tuesdays", "at weekends"): when something recurs. */
const WEEKDAY = /\b(?:mon|tues|wednes|thurs|fri|satur|sun)days?\b|\bweek(?:end|day)s?\b/i
/** A time given as an event or a relation to one: "on the very next request", "after sign-in". */
const EVENT =
  /\b(immediately|instantly|at once|right away|as soon as|after|before|until|till|once|upon|whenever|when|during|within|on the (?:very )?(?:next|first|last|same)|at (?:the )?(?:start|end|next|first|same time)|(?:with|in|by) the (?:next|following)|(?:daily|weekly|monthly|yearly|annually)|every (?:day|week|month|year))\b/i
/** A day of a month: "1 March 2007", "March 1st, 2007", "on the 3rd of May". */
const DATE = new RegExp(
  `\\b(?:\\d{1,2}(?:st|nd|rd|th)?(?: of)? (?:${MONTHS})|(?:${MONTHS}) \\d{1,2}(?:st|nd|rd|th)?\\b)`,
  'gi',
)
const YEAR = /\b(1\d{3}|20\d{2})s?\b|\b\d{1,2}(st|nd|rd|th) century\b/i
/** A question about what something costs. */
const COSTS = new RegExp(
  `\\b(?:${[...COST_VERBS, 'price', 'prices', 'fee', 'fees', 'money'].join('|')})\\b`,
  'i',
)
/** An amount of money: a currency sign or word next to a number. */
const MONEY =
  /[$€£¥]\s?\d|\d[\d,.]*\s?(?:[$€£¥]|(?:dollars?|cents?|euros?|pounds?|pence|p|yen|francs?|usd|eur|gbp|chf)\b)/i
/** Whether a text states a price: an amount of money, or that something is free. */
export const statesPrice = (text: string) => MONEY.test(text) || FREE.test(text)
/** Whether a question's word asks what something costs ("cost", "price", "fee", "pay"). */
export const isCostWord = (word: string) => COSTS.test(word)
/** No charge, as an amount: "free", "at no cost", "no fee". */
const FREE = /\b(?:free(?: of charge)?|at no (?:cost|charge)|no (?:fee|charge|cost)s?|costs? nothing)\b/i
/** A number that is a year: 2007, not 2007.5. */
const A_YEAR = /^(1\d{3}|20\d{2})$/

/**
 * Units a question may name for the number it asks ("in months", "in mg/kg"): by name, the pattern
 * of the name in the question and of the forms a passage writes it in after a number.
 */
const UNITS: ReadonlyMap<string, { asked: string | null; written: string }> = new Map(
  (
    [
      ['seconds', 'seconds', 'seconds?|secs?|s'],
      ['minutes', 'minutes', 'minutes?|mins?'],
      ['hours', 'hours', 'hours?|hrs?|h'],
      ['days', 'days', 'days?|d'],
      ['weeks', 'weeks', 'weeks?|wks?'],
      ['months', 'months', 'months?|mos?'],
      ['years', 'years', 'years?|yrs?|y'],
      ['nanometres', 'nanomet(?:er|re)s|nm', 'nm|nanomet(?:er|re)s?'],
      ['micrometres', 'micromet(?:er|re)s|microns|µm|μm', 'µm|μm|um|microns?|micromet(?:er|re)s?'],
      ['millimetres', 'millimet(?:er|re)s|mm', 'mm|millimet(?:er|re)s?'],
      ['centimetres', 'centimet(?:er|re)s|cm', 'cm|centimet(?:er|re)s?'],
      ['metres', 'met(?:er|re)s', 'm|met(?:er|re)s?'],
      ['kilometres', 'kilomet(?:er|re)s|km', 'km|kilomet(?:er|re)s?'],
      ['miles', 'miles', 'mi|miles?'],
      ['feet', 'feet', 'ft|feet|foot'],
      ['inches', 'inches', 'in|inch(?:es)?'],
      ['ångströms', '[aå]ngstr[oö]ms|å', 'å|Å|[aå]ngstr[oö]ms?'],
      ['mg/kg', 'mg/kg', 'mg\\s*/\\s*kg|mg\\s*kg\\s*[-−]1|mg·kg'],
      ['milligrams', 'milligrams|mg', 'mg|milligrams?'],
      ['micrograms', 'micrograms|µg|μg', 'µg|μg|mcg|micrograms?'],
      ['grams', 'grams', 'g|grams?'],
      ['kilograms', 'kilograms|kg', 'kg|kilograms?'],
      ['degrees', 'degrees', '[°º]\\s?[cfk]?|degrees?'],
      ['dollars', 'dollars', 'dollars?|usd'],
      // The units of a measure a question names by its noun ("What dose …?", "At what velocity …?").
      [
        'dose',
        null,
        'mg|g|µg|μg|mcg|ng|kg|ml|µl|μl|l|iu|units?|mmol|µmol|μmol|nmol|gy|gray|sv|msv|rem|rads?|tablets?|pills?|drops?|puffs?',
      ],
      ['temperature', null, '[°º]\\s?[cfk]?|degrees?|kelvin'],
      [
        'speed',
        null,
        '[\\p{L}µμ]+\\s*(?:/|per\\s+)\\s*(?:s|sec|seconds?|min|minutes?|h|hr|hours?|days?)|mph|kph|knots?|mach',
      ],
    ] as const
  ).map(([name, asked, written]) => [name, { asked, written }]),
)
const UNIT_ASKED = [...UNITS].flatMap(([name, u]) =>
  u.asked === null ? [] : [{ name, re: new RegExp(`\\bin\\s+(?:${u.asked})(?![\\p{L}/])`, 'iu') }],
)
/**
 * "What dose …?", "At what velocity …?": the measure named by its noun, as a name in UNITS. In the
 * singular: "What temperatures are the rooms kept at?" asks for several, a table of them.
 */
const MEASURE_ASKED: readonly (readonly [RegExp, string])[] = [
  [/\bwhat (?:(?:is|was) the )?(?:\S+\s+)?(?:dose|dosage)\b/, 'dose'],
  [/\bwhat (?:(?:is|was) the )?(?:\S+\s+)?temperature\b/, 'temperature'],
  [/\bwhat (?:(?:is|was) the )?(?:\S+\s+)?(?:speed|velocity)\b/, 'speed'],
]
/** For each unit of UNITS, a number carrying it: "20 to 36 months", "3.5 Å", "10 mg/kg", "$5". */
const WITH_UNIT: ReadonlyMap<string, RegExp> = new Map(
  [...UNITS].map(([name, u]) => [
    name,
    new RegExp(
      `${name === 'dollars' ? '\\$\\s?\\d|' : ''}\\d(?:[\\d,.·]*\\d)?\\s*(?:${u.written})(?![\\p{L}])`,
      'iu',
    ),
  ]),
)

/** "What percentage …?", "What proportion …?", "What share of …?": a part of a whole is asked. */
const SHARE_ASKED =
  /\b(?:what|which)\s+(?:(?:is|was|are|were)\s+the\s+)?(?:[\p{L}-]+\s+)?(?:percentage|percent|proportion|fraction|share)\b/u
/** A part of a whole: "23.3%", "40 per cent", "about one-third", "half of them", "one in five". */
const SHARE = new RegExp(
  `\\d\\s?(?:%|per\\s?cent\\b|percent\\b)|\\b(?:${NUMBER_WORD})[\\s-]+per\\s?cent\\b|\\b(?:half|halves|thirds?|quarters?|fifths?|tenths?|majority|minority)\\b|\\bone\\s+(?:in|out\\s+of)\\s+(?:\\d+|${NUMBER_WORD})\\b`,
  'iu',
)

const HOW_MEASURE = new RegExp(`\\bhow (${HOW_MEASURES.join('|')})\\b`)

const AUXILIARY_WORDS =
  'are|is|was|were|can|could|do|does|did|should|must|may|might|will|would|has|have|had|shall'

export function wantedOf(question: string): Wanted | null {
  const q = question.toLowerCase().trim()
  const unit = UNIT_ASKED.find((u) => u.re.test(q))
  if (unit && /\b(?:what|which|how)\b/.test(q)) return { kind: 'number', unit: unit.name }
  const measured = MEASURE_ASKED.find(([asked]) => asked.test(q))
  if (measured) return { kind: 'number', unit: measured[1] }
  if (SHARE_ASKED.test(q)) return { kind: 'number', share: true }
  if (/\bhow long\b/.test(q))
    return ASKS_DURATION.test(q) ? { kind: 'measure', time: true } : { kind: 'measure', measure: 'length' }
  const many = /\bhow many\s+([\p{L}-]+)/u.exec(q)
  if (many) return { kind: 'number', counted: countedOf(q.slice(many.index)) }
  if (/\b(what|which) year\b/.test(q)) return { kind: 'date', year: true }
  if (/\b(what|which|in what|in which) (year|month|century|decade|date|day)\b/.test(q))
    return { kind: 'date' }
  // "When does/did/is …?" asks for a time; "When the Rhine took a right turn, what …?" opens a
  // clause and leaves only dates as the time it might ask for.
  if (new RegExp(`^(and\\s+)?when (${AUXILIARY_WORDS})\\b`).test(q)) return { kind: 'date', event: true }
  if (/^(and\s+)?when\b/.test(q)) return { kind: 'date' }
  // "What price did they ask?", "What is the fee?": money.
  if (
    /^(?:and\s+)?(?:what|which)\s+(?:(?:is|was|are|were)\s+the\s+)?(?:[\p{L}-]+\s+)?(?:price|prices|fee|fees|cost|costs|rent|salary|wage|wages)\b/u.test(
      q,
    )
  )
    return { kind: 'number', amount: true, money: true }
  if (/\bhow much\b/.test(q))
    return COSTS.test(q) ? { kind: 'number', amount: true, money: true } : { kind: 'number', amount: true }
  if (/\bhow (large|big)\b/.test(q)) return { kind: 'number', measure: 'size' }
  const how = HOW_MEASURE.exec(q)
  if (how) return { kind: 'number', measure: MEASURE_NOUNS.get(how[1] as string) as string }
  if (/\bwhat (number|amount|size|age|distance|height|depth|weight|population)\b/.test(q))
    return { kind: 'number' }
  if (/^(and\s+)?who (can|may|could|is allowed|are allowed|is able|are able)\b/.test(q))
    return { kind: 'name', role: true }
  if (/^(and\s+)?(who|whom|whose)\b/.test(q)) return { kind: 'name' }
  if (/^(and\s+)?where\b/.test(q)) return { kind: 'place' }
  return null
}

/**
 * The thing a "how many" question counts: the last word of the noun phrase after it when an
 * auxiliary ends it within three words ("How many API keys can I have?" → keys), else its first
 * ("How many MSPs represent constituencies?", "How many Huguenot lacemakers settled in …?": a main
 * verb is not told from a noun, and a preposition may follow either).
 */
function countedOf(q: string): string {
  const ws = q.match(/[\p{L}\p{N}-]+/gu)?.slice(2) ?? []
  // "How many kinds of space …?" counts the kinds.
  if (KINDS.test(ws[0] ?? '')) return ws[0] as string
  const end = ws.findIndex((w, i) => i > 0 && AUXILIARY.test(w))
  return (end > 0 && end <= 3 ? ws[end - 1] : ws[0]) ?? ''
}

function inQuestion(token: string, question: string): boolean {
  const t = token.toLowerCase()
  if (/\d/.test(t)) return question.toLowerCase().includes(t)
  return words(question).some((w) => w === t || wordHasLexeme(t, w))
}

function numbers(text: string, question: string): string[] {
  return (text.match(NUMBER) ?? []).filter((n) => !inQuestion(n, question))
}

/** Whether a "who can …?" question is answered by a role the text names and the question does not. */
function roleOf(text: string, wanted: Wanted, question: string): boolean {
  if (!wanted.role) return false
  return (text.match(ROLES) ?? []).some((r) => !inQuestion(r, question))
}

/** Words that open a sentence with a capital without naming anyone ("Conversely, education …"). */
const OPENERS = new Set(
  (
    'conversely however moreover although though thus therefore furthermore meanwhile instead also many ' +
    'most some such another other each every both either neither today currently previously later ' +
    'finally nevertheless nonetheless similarly likewise hence yet still indeed rather perhaps ' +
    'generally typically usually often sometimes recently initially eventually originally according ' +
    'despite unlike like since unless whereas whether several few none one two three'
  ).split(' '),
)

function names(text: string, question: string): string[] {
  // A month or a weekday names a time, not who did something ("On 1 February 2007, a study was published").
  return (text.match(/\b\p{Lu}[\p{L}'-]*/gu) ?? []).filter(
    (n) =>
      n.length > 1 &&
      !isStopword(n) &&
      !OPENERS.has(n.toLowerCase()) &&
      !inQuestion(n, question) &&
      !MONTH.test(n) &&
      !WEEKDAY.test(n),
  )
}

/**
 * The names that may say who: for "who can …?" not a code or an acronym ("SHA-256", "API"), which
 * names a thing; any name otherwise ("Who developed it?" may be answered by "IBM").
 */
function whoNames(text: string, wanted: Wanted, question: string): string[] {
  const found = names(text, question)
  return wanted.role ? found.filter((n) => /\p{Ll}/u.test(n) && !/\d/.test(n)) : found
}

/**
 * How well a text offers what the question asks for: 1 when it holds a candidate of the wanted
 * kind not named in the question, 0.75 for a weaker one (a number without the asked unit), 0 when
 * it holds none. Questions without a wanted kind score 1.
 */
export function kindScore(
  text: string,
  wanted: Wanted | null,
  question: string,
  near: string[] = [],
): number {
  const base = rawKindScore(text, wanted, question)
  if (base < 1 || near.length === 0 || !wanted || wanted.kind === 'place') return base
  // "A key never expires unless you chose an expiry (1 to 365 days)": a length of time is said of
  // what ends or lasts, near those words rather than the thing's name.
  const anchors = wanted.time ? [...near, ...LIFETIME] : near
  return candidateNear(text, wanted, question, anchors) ? 1 : FAR
}

/** Where something is in an application: a page, a path, a part of the screen. */
const WHERE =
  /(?:^|[\s(`])\/[a-z][\w/-]*|\b(?:page|pages|tab|menu|sidebar|header|footer|panel|dialog|screen|button|folder|directory)\b/i
/** Lexemes of how long something lasts: it expires, stays valid, is kept, lasts. */
const LIFETIME = ['expir', 'valid', 'last', 'keep', 'kept', 'retain', 'lifetim']
/** A candidate this many words or fewer from a word of the question is the one it asks about. */
const NEAR_WORDS = 6
/** A candidate of the right kind far from every question word may answer something else. */
const FAR = 0.5

function candidateNear(text: string, wanted: Wanted, question: string, near: string[]): boolean {
  const tokens = text.match(/[\p{L}\p{N}][\p{L}\p{N},.'-]*/gu) ?? []
  const clean = tokens.map((t) => t.replace(/[,.'-]+$/, ''))
  const anchors: number[] = []
  const cands: number[] = []
  clean.forEach((t, i) => {
    const low = t.toLowerCase()
    if (near.some((l) => wordHasLexeme(low, l))) anchors.push(i)
    if (isCandidate(t, wanted, question)) cands.push(i)
  })
  return cands.some((c) => anchors.some((a) => a !== c && Math.abs(a - c) <= NEAR_WORDS))
}

function isCandidate(token: string, wanted: Wanted, question: string): boolean {
  if (wanted.kind === 'name')
    return whoNames(token, wanted, question).length > 0 || roleOf(token, wanted, question)
  return (
    numbers(token, question).length > 0 ||
    (wanted.amount === true && /^free$/i.test(token)) ||
    (wanted.kind === 'date' && (MONTH.test(token) || (WEEKDAY.test(token) && !inQuestion(token, question))))
  )
}

function rawKindScore(text: string, wanted: Wanted | null, question: string): number {
  if (!wanted) return 1
  // "Where do I see my sessions?": a page or a path ("The account page (`/account`) lists your
  // sessions"), else a place's name. Never 0: a place may be said in words ("on the server").
  if (wanted.kind === 'place') return WHERE.test(text) ? 1 : names(text, question).length > 0 ? 0.75 : 0.5
  if (wanted.kind === 'name') {
    if (whoNames(text, wanted, question).length > 0 || roleOf(text, wanted, question)) return 1
    // "Who approves expense claims?": "the employee's line manager" answers without a name, and
    // "those who already hold wealth" by saying who they are.
    if (/\b(?:those|people|persons|individuals|anyone|someone|whoever)\s+who\b/i.test(text)) return 0.75
    return (text.match(PEOPLE) ?? []).some((r) => !inQuestion(r, question)) ? 0.75 : 0
  }
  // "What was the mean age in months?" is not answered by "between 20 and 36 weeks", nor "What
  // percentage …?" by "within 180 days": the number must be of the asked unit, or a share.
  if (wanted.unit) return WITH_UNIT.get(wanted.unit)?.test(text) ? 1 : 0
  if (wanted.share) return SHARE.test(text) ? 1 : 0
  const found = numbers(text, question)
  if (wanted.kind === 'date') {
    // "three, later four" is no year.
    if (wanted.year) return found.some((n) => /^\d{3,4}$/.test(n)) || YEAR.test(text) ? 1 : 0
    if (MONTH.test(text) || (YEAR.test(text) && found.some((n) => YEAR.test(n)))) return 1
    const weekday = WEEKDAY.exec(text)
    const day = weekday !== null && !inQuestion(weekday[0], question)
    return found.length > 0 || day || (wanted.event && EVENT.test(text)) ? 0.75 : 0
  }
  if (wanted.kind === 'measure') {
    const m = (wanted.time ? DURATION : MEASURE).exec(text)
    if (m && numbers(m[0], question).length > 0) return 1
    // "How long are conversations kept?": "until you delete the conversation" is how long.
    if (wanted.time && UNTIL.test(text) && !UNTIL.test(question)) return 0.75
    return found.length > 0 ? 0.5 : 0
  }
  // "Reservations are free.": nothing is an amount too.
  if (wanted.amount && FREE.test(text) && !FREE.test(question)) return 1
  if (found.length === 0) return 0
  // "On 31 July 2013, …": a date is no amount.
  if (wanted.amount && numbers(text.replace(DATE, ' '), question).every((n) => A_YEAR.test(n))) return 0
  // "You can reserve up to 15 items" says no price.
  if (wanted.money && !MONEY.test(text)) return 0.5
  // "The command … ends with a summary such as `ingested 12 files … in 2.1s`" holds numbers, but
  // "The maximum upload size is 20 MiB per file" a size.
  if (wanted.measure === 'size') return SIZE.test(text) ? 1 : 0.75
  if (!wanted.counted) return 1
  // "The response (201) holds the key", "on port 7860", "step 3": numbers that name, not count.
  if (!countsSomething(text, question)) return 0
  const counted = wanted.counted
  // "three kinds of space" counts kinds, not spaces.
  const counting = KINDS.test(counted) ? text : text.replace(KINDS_OF, ' ')
  const near = new RegExp(
    `(?:\\d[\\d,.]*|\\b(?:${NUMBER_WORD}))(?:\\s+[\\p{L}-]+){0,2}?\\s+(${counted.slice(0, Math.max(3, counted.length - 2))}\\p{L}*)`,
    'iu',
  )
  return near.test(counting) ? 1 : 0.75
}

/** A number that names something rather than counting it: a status, a port, a version, a page. */
const LABEL_BEFORE =
  /\b(?:status|code|error|port|version|v|step|section|chapter|page|pages|room|line|item|figure|table|no|number|id|rfc|iso)\.?\s*#?$/i

/** Whether a text holds a number that may count something (not a label, not one alone in brackets). */
function countsSomething(text: string, question: string): boolean {
  for (const m of text.matchAll(NUMBER)) {
    if (inQuestion(m[0], question)) continue
    const before = text.slice(0, m.index)
    const after = text.slice((m.index ?? 0) + m[0].length)
    if (/\(\s*$/.test(before) && /^\s*\)/.test(after)) continue
    if (LABEL_BEFORE.test(before)) continue
    // "create a new one", "each one": the pronoun.
    if (
      /^one$/i.test(m[0]) &&
      /\b(?:a|an|the|this|that|each|every|no|any|another|new|old|same|other|which|only)\s+$/i.test(before)
    )
      continue
    return true
  }
  return false
}

/**
 * "How many administrators …?" answered by a passage that speaks of administrators with no number
 * near them ("three kinds of space … Administrators own it") counts something else: false then.
 * True when the passage does not name the counted thing (it may say it in other words: "91.3
 * males" for "how many men"), or a number the question does not hold stands near it.
 */
export function countsAsked(text: string, wanted: Wanted | null, question: string): boolean {
  if (wanted?.kind !== 'number' || !wanted.counted || isStopword(wanted.counted)) return true
  const counted = wanted.counted
  const tokens = text.match(/[\p{L}\p{N}][\p{L}\p{N},.'-]*/gu) ?? []
  const clean = tokens.map((t) => t.replace(/[,.'-]+$/, ''))
  const stem = counted.slice(0, Math.max(3, counted.length - 2))
  const at = clean.flatMap((t, i) => (t.toLowerCase().startsWith(stem) ? [i] : []))
  if (at.length === 0) return true
  // "N per X" counts what comes just before it ("messages (default 20 per minute)"), not a word after
  // it ("The shared library: one per installation, readable by every signed-in user") nor one further
  // back ("three kinds of space: - The shared library: one per installation").
  const rate = (i: number) => /^per$/i.test(clean[i + 1] ?? '')
  // "Any signed-in user creates one from the Spaces page": the pronoun, before no noun.
  const pronoun = (t: string, i: number) =>
    /^one$/i.test(t) && (i + 1 >= clean.length || isStopword(clean[i + 1] ?? ''))
  // "three kinds of space" counts kinds, not spaces.
  const kinds = (i: number) => KINDS.test(clean[i + 1] ?? '') && !KINDS.test(counted)
  return clean.some(
    (t, i) =>
      numbers(t, question).length > 0 &&
      !pronoun(t, i) &&
      at.some(
        (a) =>
          Math.abs(a - i) <= NEAR_WORDS && (a < i ? !rate(i) || i - a <= RATE_OF : !rate(i) && !kinds(i)),
      ),
  )
}

/** Words between a rate's number and the thing it counts: "messages (default 20 per minute)". */
const RATE_OF = 2
/** Words for sorts of a thing: a number before them counts the sorts. */
const KIND_WORDS = 'kinds?|types?|sorts?|categories|classes|varieties'
const KINDS = new RegExp(`^(?:${KIND_WORDS})$`, 'i')
/** A number of sorts of a thing: "three kinds of". */
const KINDS_OF = new RegExp(`(?:\\d+|\\b(?:${NUMBER_WORD}))\\s+(?:${KIND_WORDS})\\s+of\\b`, 'gi')

/** Words that end the noun phrase after "which"/"what": the question's verb. */
const AUXILIARY = new RegExp(`^(?:${AUXILIARY_WORDS})$`)

/**
 * The things a question asks for several of ("What are the answer modes?" → modes, "Which file
 * formats can I upload?" → formats), or null: then a list of them is the answer, whole.
 */
export function severalAskedFor(question: string): string | null {
  const ws = question.toLowerCase().match(/[\p{L}\p{N}_'-]+/gu) ?? []
  const start = ws[0] === 'and' ? 1 : 0
  if (ws[start] !== 'which' && ws[start] !== 'what') return null
  if (ws[start + 1] === 'are' || ws[start + 1] === 'were') {
    const end = ws.findIndex(
      (w, i) => i > start + 1 && (AUXILIARY.test(w) || /^(in|of|for|on|to|with)$/.test(w)),
    )
    const head = ws[(end < 0 ? ws.length : end) - 1] as string
    return head && !isStopword(head) && end !== start + 2 ? head : null
  }
  const verb = ws.findIndex((w, i) => i > start && AUXILIARY.test(w))
  if (verb < start + 2 || verb > start + 4) return null
  // "What happens when Redis is down?": the words before the verb are a clause, not a plural noun.
  if (ws.slice(start + 1, verb).some((w) => CLAUSE_OPENER.test(w))) return null
  const head = ws[verb - 1] as string
  return /[^s'u]s$/.test(head) && !isStopword(head) ? head : null
}
const CLAUSE_OPENER =
  /^(?:when|whenever|if|where|while|after|before|once|until|unless|because|since|that|who|whom|whose|which)$/

/**
 * The noun a "which" question asks for one of ("Which database is used …?" → database; "What kind
 * of search does retrieval use?" → search), or null.
 */
export function whichAskedFor(question: string): string | null {
  const ws = question.toLowerCase().match(/[\p{L}\p{N}_'-]+/gu) ?? []
  let start = ws[0] === 'and' ? 1 : 0
  if (
    ws[start] === 'what' &&
    /^(kind|kinds|type|types|sort|sorts)$/.test(ws[start + 1] ?? '') &&
    ws[start + 2] === 'of'
  )
    start += 2
  else if (ws[start] !== 'which') return null
  const verb = ws.findIndex((w, i) => i > start && AUXILIARY.test(w))
  if (verb < start + 2 || verb > start + 4) return null
  const head = ws[verb - 1] as string
  return isStopword(head) ? null : head
}

export const asksForSeveral = (question: string): boolean => severalAskedFor(question) !== null
