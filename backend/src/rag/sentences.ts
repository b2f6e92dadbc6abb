// The sentence split shared by chunking (overlaps) and snippets. Its own module so that search
// does not load the chunker's tokenizer.

/** Sentence-ish split used by chunking and snippets: ends of sentences and line breaks. */
export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?…])\s+(?=["'([]?[\p{Lu}\p{N}])|\n+/u)
    .map((s) => s.trim())
    .filter(Boolean)
}
