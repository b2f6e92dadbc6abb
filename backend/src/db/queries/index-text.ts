// The text whose english lexemes index a chunk, a sentence or a query. Postgres reads a dotted name
// as one token ("Node.js" → node.js, "package.json", and "end.Next" where a space is missing), so
// "node" would not find "Node.js". Each such name's parts are added after the text, every place a
// text is turned into lexemes (postings, stored sentence lexemes, queries): the name still matches
// itself, and its parts match the words.

/** A dotted name: letters or digits joined by dots, at least one part after a dot starting with a letter. */
const DOTTED = /[\p{L}\p{N}_]+(?:\.[\p{L}\p{N}_]+)+/gu

/** The parts of a text's dotted names worth indexing on their own (two characters or more, a letter). */
export function namePartsOf(text: string): string[] {
  const out: string[] = []
  for (const m of text.match(DOTTED) ?? []) {
    const parts = m.split('.')
    if (!parts.slice(1).some((p) => /^\p{L}/u.test(p))) continue
    for (const p of parts) if (p.length >= 2 && /\p{L}/u.test(p)) out.push(p)
  }
  return out
}

/**
 * The plural of a vowel-less acronym ("PDFs", "DVDs"): English stemming keeps it whole (pdfs), so
 * it would never meet its singular. Every text is indexed, and every query searched, with the
 * acronym itself in its place.
 */
const ACRONYM_PLURAL = /\b([B-DF-HJ-NP-TV-Z]{2,}|[b-df-hj-np-tv-z]{3,})'?s\b/g

/** `text` with the plurals of vowel-less acronyms written as the acronym ("PDFs" → "PDF"). */
export function singularAcronyms(text: string): string {
  return text.replace(ACRONYM_PLURAL, '$1')
}

/**
 * Irregular past forms and their verb. English stemming keeps them apart ("kept" / keep), so "Can I
 * keep a dog?" would never meet "Dogs must be kept on a lead". Only forms that are seldom another
 * word or part of a phrase: not "left", "found", "saw", "shot", "felt", "fed", "won", nor "known as",
 * "shown in", "said".
 */
const IRREGULAR: ReadonlyMap<string, string> = new Map(
  (
    'paid:pay kept:keep lost:lose sold:sell bought:buy held:hold built:build sent:send spent:spend ' +
    'lent:lend told:tell taught:teach brought:bring caught:catch fought:fight sought:seek ' +
    'chose:choose chosen:choose broke:break broken:break spoke:speak spoken:speak stole:steal ' +
    'stolen:steal drove:drive driven:drive ate:eat eaten:eat forgot:forget forgotten:forget ' +
    'began:begin begun:begin ran:run wore:wear worn:wear grew:grow grown:grow threw:throw ' +
    'thrown:throw flew:fly flown:fly drew:draw drawn:draw froze:freeze frozen:freeze hid:hide ' +
    'hidden:hide rode:ride ridden:ride shook:shake shaken:shake dealt:deal slept:sleep stuck:stick ' +
    'struck:strike hung:hang took:take taken:take gave:give wrote:write written:write ' +
    'understood:understand stood:stand sat:sit dug:dig fled:flee heard:hear sang:sing sung:sing ' +
    'swam:swim swum:swim bitten:bite withdrew:withdraw withdrawn:withdraw forbade:forbid ' +
    'forbidden:forbid overtook:overtake overtaken:overtake undertook:undertake ' +
    'undertaken:undertake mistook:mistake mistaken:mistake forgave:forgive forgiven:forgive ' +
    'arose:arise arisen:arise awoke:awake woke:wake woken:wake'
  )
    .split(' ')
    .map((pair) => pair.split(':') as [string, string]),
)
const WORD = /\p{L}+/gu

/** The verb of an irregular past form ("kept" → keep), or null. */
export function verbOfIrregular(word: string): string | null {
  return IRREGULAR.get(word.toLowerCase()) ?? null
}

/**
 * What Postgres turns into a text's lexemes: the text with its acronyms' plurals made singular,
 * followed by the parts of its dotted names and the verbs of its irregular past forms ("kept" →
 * keep), so that either form of a word finds the other (unchanged when it has none of these).
 */
export function indexText(text: string): string {
  const extra = namePartsOf(text)
  for (const w of text.match(WORD) ?? []) {
    const verb = verbOfIrregular(w)
    if (verb) extra.push(verb)
  }
  const singular = singularAcronyms(text)
  return extra.length === 0 ? singular : `${singular}\n${extra.join(' ')}`
}

/**
 * A query as indexText reads a text, with each irregular past form written as its verb: "Who wrote
 * Hamlet?" searches write, which every form of it in the index holds, and counts the verb once.
 */
export function queryIndexText(query: string): string {
  return indexText(query.replace(WORD, (w) => verbOfIrregular(w) ?? w))
}
