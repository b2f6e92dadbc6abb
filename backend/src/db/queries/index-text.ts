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

/** `text`, followed by the parts of its dotted names (unchanged when it has none). */
export function withNameParts(text: string): string {
  const parts = namePartsOf(text)
  return parts.length === 0 ? text : `${text}\n${parts.join(' ')}`
}
