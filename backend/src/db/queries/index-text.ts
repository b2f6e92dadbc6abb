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
export const ACRONYM_PLURAL = /\b([B-DF-HJ-NP-TV-Z]{2,}|[b-df-hj-np-tv-z]{3,})'?s\b/g

/** `text` with the plurals of vowel-less acronyms written as the acronym ("PDFs" → "PDF"). */
function singularAcronyms(text: string): string {
  return text.replace(ACRONYM_PLURAL, '$1')
}

/**
 * What Postgres turns into a text's lexemes: the text with its acronyms' plurals made singular,
 * followed by the parts of its dotted names (unchanged when it has neither).
 */
export function indexText(text: string): string {
  const parts = namePartsOf(text)
  const singular = singularAcronyms(text)
  return parts.length === 0 ? singular : `${singular}\n${parts.join(' ')}`
}
