// LLM answers, checked claim by claim against the passages they cite. The model's text is cut
// into claims (sentences, with the markers that follow them); a marker stays only when its
// passage supports the claim — the claim's names, numbers and identifiers appear in it verbatim,
// and most of its other content words do too. Text is released claim by claim; until one claim
// is supported nothing is shown, and an answer left without a supported claim becomes the plain
// refusal (no citations). Known markers are then renumbered by MarkerFilter.
import { lightLexemes } from './answer-units.js'
import { MarkerFilter } from './citations.js'
import { contentWords } from './question-terms.js'
import type { RetrievedChunk } from './types.js'

/** Share of a claim's content words its cited passage must contain. */
export const MIN_SUPPORT = 0.6
const MARKERS = /\[(\d{1,4}(?:\s*[,;]\s*\d{1,4})*)\]/g
/** A claim ends at a sentence end (with the markers right after it) followed by a blank, or a line end. */
const CLAIM_END = /[.!?](?:["')\]]*)(?:\s*\[\d{1,4}(?:\s*[,;]\s*\d{1,4})*\])*(?=\s)|\n/g

/** Tokens a claim may only make if its passage states them: numbers, emails, URLs, identifiers, names. */
function specificsOf(claim: string): string[] {
  const text = claim.replace(MARKERS, ' ')
  const tokens = text.match(/[\p{L}\p{N}][\p{L}\p{N}@._:/-]*[\p{L}\p{N}]|\p{N}/gu) ?? []
  return tokens.filter(
    (t, i) => /\d|@|_|\/|\.\p{L}/u.test(t) || (i > 0 && /^\p{Lu}\p{Ll}+$/u.test(t) && t.length > 2),
  )
}

export function supports(claim: string, passage: string): boolean {
  const plain = claim.replace(MARKERS, ' ')
  const haystack = passage.toLowerCase()
  if (specificsOf(plain).some((s) => !haystack.includes(s.toLowerCase()))) return false
  const words = contentWords(plain)
  if (words.length === 0) return true
  const have = new Set(lightLexemes(passage))
  const found = words.filter((w) => have.has(lightLexemes(w)[0] ?? w)).length
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
        return (
          chunk !== undefined && supports(claim, `${chunk.title} ${chunk.heading ?? ''}\n${chunk.content}`)
        )
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
    this.buffer += text
    let out = ''
    let cut = 0
    for (const m of this.buffer.matchAll(CLAIM_END)) {
      const end = (m.index ?? 0) + m[0].length
      out += this.claim(this.buffer.slice(cut, end))
      cut = end
    }
    this.buffer = this.buffer.slice(cut)
    return out
  }

  /** End of stream: the last claim, or the refusal when no claim was supported. */
  flush(): string {
    let out = this.buffer ? this.claim(this.buffer) : ''
    this.buffer = ''
    if (!this.grounded) return this.markers.push(this.refusal) + this.markers.flush()
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
      if (!supported) return ''
      this.grounded = true
      const release = this.held
      this.held = ''
      return this.markers.push(release)
    }
    return this.markers.push(checked)
  }
}
