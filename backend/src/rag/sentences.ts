// The sentence split shared by chunking (overlaps) and snippets. Its own module so that search
// does not load the chunker's tokenizer.

/**
 * A full stop that ends an initial ("J. F. D. Shrewsbury", "U.S. Army") or a title ("Dr. Smith")
 * does not end the sentence: splitting there cuts a name in two.
 */
const NOT_AN_END =
  /(?<!(?:^|[\s.(])\p{Lu}\.)(?<!\b(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Prof|Gen|Col|Lt|Rev|vs|e\.g|i\.e)\.)/u.source

const SPLIT = new RegExp(`(?<=[.!?…])${NOT_AN_END}\\s+(?=["'([]?[\\p{Lu}\\p{N}])|\\n+`, 'u')

/** Sentence-ish split used by chunking and snippets: ends of sentences and line breaks. */
export function splitSentences(text: string): string[] {
  return text
    .split(SPLIT)
    .map((s) => s.trim())
    .filter(Boolean)
}
