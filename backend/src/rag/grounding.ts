// LLM answers, checked claim by claim against the passages they cite. The model's text is cut
// into claims (sentences, with the markers that follow them); a marker stays only when its
// passage supports the claim — the claim's names, numbers and identifiers appear in it verbatim,
// and most of its other content words do too. Text is released claim by claim; until one claim
// is supported nothing is shown, and an answer left without a supported claim becomes the plain
// refusal (no citations). Known markers are then renumbered by MarkerFilter.
// What the filter keeps is bounded: a claim longer than MAX_CLAIM_CHARS is checked as it is, and
// once MAX_HELD_CHARS of text have gone unsupported the answer is given up as the refusal (a
// reader would get nothing from the rest), so the caller stops reading the provider.
import { lightLexemes } from './answer-units.js'
import { MarkerFilter } from './citations.js'
import { contentWords } from './question-terms.js'
import { NOT_AN_END } from './sentences.js'
import type { RetrievedChunk } from './types.js'

/** Share of a claim's content words its cited passage must contain. */
export const MIN_SUPPORT = 0.6
/** A claim with no sentence end is cut here: text still in the buffer is text not yet shown. */
export const MAX_CLAIM_CHARS = 1000
/** Unsupported text held before the first supported claim; beyond it the answer is the refusal. */
export const MAX_HELD_CHARS = 2000
const MARKERS = /\[(\d{1,4}(?:\s*[,;]\s*\d{1,4})*)\]/g
/**
 * A claim ends where a sentence ends (sentences.ts: not after an initial or a title), with the
 * markers right after it, followed by a blank; or at a line end.
 */
const CLAIM_END = new RegExp(
  `[.!?]${NOT_AN_END}(?:["')\\]]*)(?:\\s*\\[\\d{1,4}(?:\\s*[,;]\\s*\\d{1,4})*\\])*(?=\\s)|\\n`,
  'gu',
)

/** Tokens a claim may only make if its passage states them: numbers, emails, URLs, identifiers, names. */
function specificsOf(claim: string): string[] {
  const text = claim.replace(MARKERS, ' ')
  const tokens = text.match(/[\p{L}\p{N}][\p{L}\p{N}@._:/-]*[\p{L}\p{N}]|\p{N}/gu) ?? []
  return tokens.filter(
    (t, i) => /\d|@|_|\/|\.\p{L}/u.test(t) || (i > 0 && /^\p{Lu}\p{Ll}+$/u.test(t) && t.length > 2),
  )
}

interface Passage {
  lower: string
  lexemes: Set<string>
}

function passageOf(text: string): Passage {
  return { lower: text.toLowerCase(), lexemes: new Set(lightLexemes(text)) }
}

/** Each chunk's passage, worked out once: an answer checks many claims against the same few. */
const passages = new WeakMap<RetrievedChunk, Passage>()

function chunkPassage(chunk: RetrievedChunk): Passage {
  let p = passages.get(chunk)
  if (!p) {
    p = passageOf(`${chunk.title} ${chunk.heading ?? ''}\n${chunk.content}`)
    passages.set(chunk, p)
  }
  return p
}

export function supports(claim: string, passage: string | Passage): boolean {
  const p = typeof passage === 'string' ? passageOf(passage) : passage
  const plain = claim.replace(MARKERS, ' ')
  if (specificsOf(plain).some((s) => !p.lower.includes(s.toLowerCase()))) return false
  const words = contentWords(plain)
  if (words.length === 0) return true
  const found = words.filter((w) => p.lexemes.has(lightLexemes(w)[0] ?? w)).length
  return found / words.length >= MIN_SUPPORT
}

/** The claim with each marker kept only for the passages that support it. */
export function checkClaim(
  claim: string,
  sources: readonly RetrievedChunk[],
): { text: string; supported: boolean } {
  let supported = false
  const text = claim.replace(MARKERS, (_m, list: string) => {
    const kept = list
      .split(/[,;]/)
      .map((p) => Number(p.trim()))
      .filter((n) => {
        const chunk = sources[n - 1]
        return chunk !== undefined && supports(claim, chunkPassage(chunk))
      })
    if (kept.length > 0) supported = true
    return kept.length > 0 ? `[${kept.join(', ')}]` : ''
  })
  return {
    text: supported ? text : text.replace(/[ \t]+([.!?,;:])/g, '$1').replace(/[ \t]{2,}/g, ' '),
    supported,
  }
}

export class GroundedFilter {
  private buffer = ''
  private held = ''
  private grounded = false
  private gaveUp = false
  private raw = 0
  private readonly markers: MarkerFilter

  constructor(
    private readonly sources: readonly RetrievedChunk[],
    private readonly refusal: string,
  ) {
    this.markers = new MarkerFilter(sources.length)
  }

  /** Feeds model text; returns the text that is now safe to show. */
  push(text: string): string {
    this.raw += text.length
    if (this.gaveUp) return ''
    this.buffer += text
    let out = ''
    let cut = 0
    for (const m of this.buffer.matchAll(CLAIM_END)) {
      const end = (m.index ?? 0) + m[0].length
      out += this.claim(this.buffer.slice(cut, end))
      cut = end
      if (this.gaveUp) break
    }
    this.buffer = this.buffer.slice(cut)
    while (!this.gaveUp && this.buffer.length > MAX_CLAIM_CHARS) {
      out += this.claim(this.buffer.slice(0, MAX_CLAIM_CHARS))
      this.buffer = this.buffer.slice(MAX_CLAIM_CHARS)
    }
    if (this.gaveUp) this.buffer = ''
    return out
  }

  /**
   * True once the text held without a supported claim passed MAX_HELD_CHARS: the answer is the
   * refusal whatever follows, so the rest need not be read (flush gives the refusal).
   */
  get settled(): boolean {
    return this.gaveUp
  }

  /** End of stream: the last claim, or the refusal when no claim was supported. */
  flush(): string {
    let out = this.buffer ? this.claim(this.buffer) : ''
    this.buffer = ''
    if (!this.grounded) {
      this.held = ''
      return this.markers.push(this.refusal) + this.markers.flush()
    }
    out += this.markers.flush()
    return out
  }

  /** Characters the model sent (0: it sent nothing). */
  get received(): number {
    return this.raw
  }

  get content(): string {
    return this.markers.content
  }

  get cited(): number[] {
    return this.markers.cited
  }

  private claim(text: string): string {
    const { text: checked, supported } = checkClaim(text, this.sources)
    if (!this.grounded) {
      this.held += checked
      if (!supported) {
        if (this.held.length > MAX_HELD_CHARS) {
          this.gaveUp = true
          this.held = ''
        }
        return ''
      }
      this.grounded = true
      const release = this.held
      this.held = ''
      return this.markers.push(release)
    }
    return this.markers.push(checked)
  }
}
