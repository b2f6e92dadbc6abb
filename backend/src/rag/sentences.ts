// The one sentence split: chunking (overlaps), snippets, the sentences whose lexemes ingestion
// stores, the extractive answer's units and the claims of an LLM answer all cut text where it
// does. Its own module so that search does not load the chunker's tokenizer.
import { Lru } from '../lib/lru.js'
import { FENCE_LINE, plainLine, plainTextLine } from './plain-text.js'

/**
 * A full stop that ends an initial ("J. F. D. Shrewsbury", "U.S. Army"), a title ("Dr. Smith"),
 * the number of a list item at the start of a line ("1. Create a project") or an abbreviation before
 * a number ("c. 1,300,000", "No. 5", "p. 12") does not end the sentence: splitting there cuts a
 * name in two, a step from its number, or a number from its sentence. Lookbehinds, placed right
 * after the stop.
 */
const ABBREVIATIONS = String.raw`Mr|Mrs|Ms|Dr|St|Jr|Sr|Prof|Gen|Col|Lt|Rev|vs|e\.g|i\.e`
const BEFORE_NUMBERS = '[cC]|ca|approx|[nN]os?|[vV]ol|pp?|[fF]ig'
export const NOT_AN_END = String.raw`(?<!(?:^|[\s.(])\p{Lu}\.)(?<!\b(?:${ABBREVIATIONS})\.)(?<!\b(?:${BEFORE_NUMBERS})\.(?=\s+\d))(?<!(?:^|\n)[ \t]*\d{1,3}\.)`

/** A line ending on an abbreviation's stop ("… libraries (e.g."): its sentence goes on. */
export const ENDS_ABBREVIATED = new RegExp(String.raw`\b(?:${ABBREVIATIONS})\.$`, 'u')

/**
 * What may follow a sentence's final stop before the space: closing quotes and brackets ('… "Go
 * home." Then …') and bracketed notes or references ('… Jerusalem.[citation needed] In …', '….[2]
 * Next …'). They end the sentence with it.
 */
const CLOSERS = String.raw`(?:["'”’)]|\[[^\]\n]{1,40}\])*`

// A sentence may open with a capital or a digit (after a quote or bracket), or with inline code
// or emphasis ("`Good answer` rates …", "**Note**: …").
const SPLIT = new RegExp(
  `(?<=[.!?…]${NOT_AN_END}${CLOSERS})\\s+(?=["'“‘([]?[\\p{Lu}\\p{N}]|\`[^\\s\`]|[*_]{1,2}\\p{Lu})|\\n+`,
  'u',
)

/** A line that ends like a sentence or an introduction (closers aside: quotes, brackets, notes). */
export const ENDS_SENTENCE = new RegExp(`[.!?:…]${CLOSERS}\\]*$`)

/** Sentence-ish split: ends of sentences and line breaks. */
export function splitSentences(text: string): string[] {
  if (!text.includes('```') && !text.includes('~~~')) return splitProse(text)
  // A fenced code block's lines stay whole: "LLM_API_KEY=sk-... LLM_MODEL=… npm start" is one
  // command, and cut at its "... L" it would read as two that do not work when run one by one.
  const out: string[] = []
  let inCode = false
  let prose: string[] = []
  const flush = () => {
    if (prose.length > 0) out.push(...splitProse(prose.join('\n')))
    prose = []
  }
  for (const line of text.split('\n')) {
    const fence = FENCE_LINE.test(line)
    if (!fence && !inCode) {
      prose.push(line)
      continue
    }
    flush()
    if (fence) inCode = !inCode
    const kept = line.trim()
    if (kept) out.push(kept)
  }
  flush()
  return out
}

function splitProse(text: string): string[] {
  return text
    .split(SPLIT)
    .map((s) => s.trim())
    .filter(Boolean)
}

export interface Sentence {
  /** As written (Markdown). */
  raw: string
  /** As read: plain text, '' when there is nothing to read (a fence line, a table rule). */
  text: string
}

/**
 * A chunk's sentences, each as written and as plain text (plain-text.ts): Markdown read as such, a
 * `plain` document's text (text, PDF) as written.
 */
export function sentencesOf(content: string, plain = false): Sentence[] {
  const read = plain ? plainTextLine : plainLine
  return splitSentences(content).map((raw) => ({ raw, text: read(raw) }))
}

/**
 * sentencesOf for the contents searches and answers read, remembered for the most recent
 * SPLIT_CACHE_MAX contents: the same chunks come back for many questions (and a chat splits each
 * twice, for its snippets and its answer), a chunk's content never changes (a new version of a
 * document is new chunks), and splitting and reading the Markdown was the largest share of a
 * search's own CPU (a profile of the bench's member search: 17 % of the server's busy time).
 * ~3 MB at most. Ingestion splits each content once and uses sentencesOf.
 */
const SPLIT_CACHE_MAX = 1024
const markdownSplits = new Lru<string, readonly Readonly<Sentence>[]>(SPLIT_CACHE_MAX)
const plainSplits = new Lru<string, readonly Readonly<Sentence>[]>(SPLIT_CACHE_MAX)

export function readSentencesOf(content: string, plain = false): readonly Readonly<Sentence>[] {
  const cache = plain ? plainSplits : markdownSplits
  const hit = cache.get(content)
  if (hit) return hit
  const sentences = Object.freeze(sentencesOf(content, plain).map((s) => Object.freeze(s)))
  cache.set(content, sentences)
  return sentences
}
