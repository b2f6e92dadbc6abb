// Reproducible synthetic corpus (the bench's corpus and the evaluation's distractors): Markdown documents of ~150-word sections drawn from a fixed
// vocabulary with Zipfian term frequencies, and natural-language questions over the same
// vocabulary. Same seed → same bytes on every machine; nothing is cached between runs.

/** mulberry32: a tiny, fast, well-mixed 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

// The most frequent ranks are real English function words (dropped by to_tsvector('english')),
// so the text has the shape of prose; the long tail is pronounceable pseudo-words.
const FUNCTION_WORDS = (
  'the of and to in a is that for it as was with be by on not this are or from at which but have an ' +
  'had they were their one all we can has there been if more when will would who so no its into than'
).split(' ')
const ONSETS = 'b c d f g h k l m n p r s t v w z br cr dr fl gr pl pr sk st tr'.split(' ')
const VOWELS = 'a e i o u ai ea io ou'.split(' ')
const CODAS = ' , , ,n,r,s,l,m,nd,st,rk,x'.split(',')

export const VOCABULARY_SIZE = 30_000
const ZIPF_S = 1.05
const ZIPF_Q = 2.7

function buildVocabulary(size: number): string[] {
  const rng = mulberry32(0x5eed_c0de)
  const pick = (xs: string[]) => xs[Math.floor(rng() * xs.length)] as string
  const seen = new Set<string>(FUNCTION_WORDS)
  const words = [...FUNCTION_WORDS]
  while (words.length < size) {
    // Mostly one or two syllables: ~2 BPE tokens a word, so a 160-word section stays well under
    // the chunker's 450-token limit and maps to exactly one chunk.
    const u = rng()
    const syllables = u < 0.5 ? 1 : u < 0.97 ? 2 : 3
    let w = ''
    for (let i = 0; i < syllables; i++) w += pick(ONSETS) + pick(VOWELS) + pick(CODAS).trim()
    if (w.length < 3 || seen.has(w)) continue
    seen.add(w)
    words.push(w)
  }
  return words
}

/** Zipf–Mandelbrot cumulative weights over ranks, for inverse-CDF sampling. */
function buildCdf(size: number): Float64Array {
  const cdf = new Float64Array(size)
  let sum = 0
  for (let r = 0; r < size; r++) {
    sum += 1 / (r + ZIPF_Q) ** ZIPF_S
    cdf[r] = sum
  }
  for (let r = 0; r < size; r++) cdf[r] = (cdf[r] as number) / sum
  return cdf
}

const VOCAB = buildVocabulary(VOCABULARY_SIZE)
const CDF = buildCdf(VOCABULARY_SIZE)

/** A word index drawn from the Zipf distribution, restricted to ranks ≥ minRank. */
function sampleRank(rng: () => number, minRank = 0): number {
  const lo0 = minRank > 0 ? (CDF[minRank - 1] as number) : 0
  const u = lo0 + rng() * (1 - lo0)
  let lo = minRank
  let hi = VOCABULARY_SIZE - 1
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((CDF[mid] as number) < u) lo = mid + 1
    else hi = mid
  }
  return lo
}

const word = (rng: () => number, minRank = 0) => VOCAB[sampleRank(rng, minRank)] as string
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)

function paragraph(rng: () => number, words: number): string {
  const sentences: string[] = []
  let left = words
  while (left > 0) {
    const n = Math.min(left, 8 + Math.floor(rng() * 13))
    const ws: string[] = []
    for (let i = 0; i < n; i++) ws.push(word(rng))
    sentences.push(`${cap(ws.join(' '))}.`)
    left -= n
  }
  return sentences.join(' ')
}

function heading(rng: () => number): string {
  const n = 2 + Math.floor(rng() * 3)
  const ws: string[] = []
  for (let i = 0; i < n; i++) ws.push(word(rng, 40))
  return cap(ws.join(' '))
}

export interface SyntheticDocument {
  title: string
  source: string
  /** The Markdown text: `# title`, then `## heading` + one paragraph per section. */
  content: string
  sections: { heading: string; text: string }[]
}

export interface CorpusOptions {
  seed: number
  sectionsPerDoc: number
  wordsPerSection: number
}

export const DEFAULT_CORPUS: CorpusOptions = { seed: 20_261_128, sectionsPerDoc: 20, wordsPerSection: 150 }

/** Document `index` of the corpus; independent of the others, so any range can be generated. */
export function syntheticDocument(index: number, opts: CorpusOptions = DEFAULT_CORPUS): SyntheticDocument {
  const rng = mulberry32((opts.seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0)
  const title = `${heading(rng)} ${index}`
  const parts = [`# ${title}`, '']
  const sections: SyntheticDocument['sections'] = []
  for (let s = 0; s < opts.sectionsPerDoc; s++) {
    const words = opts.wordsPerSection - 10 + Math.floor(rng() * 21)
    const section = { heading: heading(rng), text: paragraph(rng, words) }
    sections.push(section)
    parts.push(`## ${section.heading}`, '', section.text, '')
  }
  return { title, source: `bench/synthetic/${index}.md`, content: parts.join('\n'), sections }
}

const QUESTION_SHAPES = [
  (w: string[]) => `What is the role of ${w[0]} in ${w[1]} ${w[2]}?`,
  (w: string[]) => `How does ${w[0]} affect the ${w[1]} of ${w[2]}?`,
  (w: string[]) => `Why do ${w[0]} and ${w[1]} lead to ${w[2]} ${w[3]}?`,
  (w: string[]) => `Is there any evidence that ${w[0]} ${w[1]} increases ${w[2]}?`,
  (w: string[]) => `Which ${w[0]} are associated with ${w[1]} ${w[2]} and ${w[3]} in ${w[4]}?`,
  (w: string[]) => `Explain the relationship between ${w[0]} ${w[1]} and ${w[2]}.`,
]

const RANK = new Map(VOCAB.map((w, i) => [w, i]))

/**
 * Natural-language questions (5–15 words) about the corpus, the way people ask about a knowledge
 * base: three content words from one section of one of the first `docs` documents, one word
 * from anywhere, wrapped in question words that retrieval must ignore (OR semantics).
 */
export function syntheticQuestions(count: number, docs: number, seed = 7): string[] {
  return knownItemQuestions(count, docs, seed).map((q) => q.question)
}

export interface KnownItemQuestion {
  question: string
  /** Where its words come from: the source of the document and the section's index (= chunk ordinal). */
  source: string
  section: number
  /** The section's heading path, `title > section heading` (search shows it without the title). */
  heading: string
}

/** syntheticQuestions with the section each question was built from (known-item recall). */
/**
 * True when a search hit is the question's section. A hit's heading leaves out a first heading
 * equal to its document's title, so "Title > Section" is shown as "Section" with the title beside it.
 */
export function isKnownItemHit(
  hit: { source: string | null; title?: string; heading: string | null },
  q: KnownItemQuestion,
): boolean {
  if (hit.source !== q.source) return false
  return (
    hit.heading === q.heading || (hit.title !== undefined && `${hit.title} > ${hit.heading}` === q.heading)
  )
}

export function knownItemQuestions(count: number, docs: number, seed = 7): KnownItemQuestion[] {
  const rng = mulberry32(seed)
  const out: KnownItemQuestion[] = []
  for (let i = 0; i < count; i++) {
    const doc = syntheticDocument(Math.floor(rng() * Math.max(1, docs)))
    const sectionIndex = Math.floor(rng() * doc.sections.length)
    const section = doc.sections[sectionIndex] as { text: string }
    const content = [
      ...new Set(
        section.text
          .toLowerCase()
          .replace(/[^a-z ]/g, '')
          .split(' ')
          .filter((w) => (RANK.get(w) ?? 0) >= 60),
      ),
    ]
    const picked: string[] = []
    for (let j = 0; j < 3 && content.length > 0; j++) {
      picked.push(content.splice(Math.floor(rng() * content.length), 1)[0] as string)
    }
    while (picked.length < 4) picked.push(word(rng, 60))
    const shape = QUESTION_SHAPES[i % QUESTION_SHAPES.length] as (w: string[]) => string
    // Shapes use up to five slots; the fifth repeats a picked word.
    out.push({
      question: shape([...picked, picked[0] as string]),
      source: doc.source,
      section: sectionIndex,
      heading: `${doc.title} > ${(doc.sections[sectionIndex] as { heading: string }).heading}`,
    })
  }
  return out
}
