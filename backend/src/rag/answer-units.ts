// A chunk as the extractive answerer reads it: units (sentences, list items, table rows,
// headings, code lines) in document order, each with its lexemes and what it depends on to be
// understood — the sentence ending in a colon before a list, a table's header row, the sentence or
// heading a bare "It …" refers to. The lexemes are the ones Postgres stored for the chunk's snippet
// sentences (chunks.sentence_lexemes, aligned with snippetSentences()); without them (tests, old
// rows) a light English stemmer stands in.
import {
  FENCE_LINE,
  PLAIN_ITEM,
  plainLine,
  plainTextLine,
  TABLE_ROW,
  TABLE_RULE,
  tableCells,
} from './plain-text.js'
import { isStopword } from './question-terms.js'
import { ENDS_ABBREVIATED, ENDS_SENTENCE, readSentencesOf, splitSentences } from './sentences.js'
import type { RetrievedChunk } from './types.js'

export type UnitKind = 'heading' | 'sentence' | 'item' | 'header' | 'row' | 'code'

export interface Unit {
  kind: UnitKind
  text: string
  /** A Markdown sentence's or item's text as an answer shows it, its code spans kept as code (else `text`). */
  shown?: string
  lexemes: Set<string>
  /** Paragraph number within the chunk (a blank line, heading, list or table starts a new one). */
  paragraph: number
  /** Index of the unit this one needs in front of it (intro of a list, header of a row, antecedent). */
  dep?: number
  /**
   * The sentence before, when this one opens on a definite noun it brings in ("… emails a reset
   * link …. The link works once"): an antecedent the answerer follows only when it states a word
   * of the question, or the kind of thing asked, that this sentence lacks (then it becomes `dep`).
   */
  definite?: number
  /** A sentence ending in a colon: the indices of the list items or rows it introduces. */
  introduces?: number[]
  /** A bare "It …" opening its section: read after the section's heading. */
  needsHeading?: boolean
  /**
   * The sentence opening a section whose heading is an API name ("queue.kill()", "queue.drain"):
   * it says what that name does ("Removes all tasks …"), and is read after it. The name's last
   * member, lower-cased (kill, drain).
   */
  describesHeading?: string
  /** A numbered list item: a step of a procedure. */
  step?: boolean
  /** States, without negation, what the question negates: it speaks of the other case. */
  contrary?: boolean
  /** Uses the question's phrasal verb with its particle ('asked') or only another one ('other'). */
  particle?: 'asked' | 'other'
  /**
   * A code line that is a whole-line comment in prose ("// Convert a string to a buffer"): its
   * words without the comment marker. It reads as a sentence introducing the code lines after it.
   */
  comment?: string
  /**
   * Tells the reader what to do: an instruction ("Choose Upload", "To delete your account, open
   * …", "You can revoke one"), a command to run or a request to send. A "how do I" question is
   * answered by such a sentence rather than by one describing the thing.
   */
  action?: boolean
}

const BULLET = /^\s*(?:[-*+]|\d+[.)])\s+/
const STEP = /^\s*\d+[.)]\s+/
const HEADING = /^\s*#{1,6}\s+/
/** A sentence opening on a definite noun ("The link works …"), which may be the one just named. */
const DEFINITE_START = /^the (\p{L}+) (?!of\b)/iu
/**
 * Whether a text brings in a thing by this noun: "a reset link when …", "an invitation." (the noun
 * ending its phrase within three words of the article).
 */
function introduces(text: string, noun: string): boolean {
  const lexemes = lightLexemes(noun)
  const toks = [...text.matchAll(/([\p{L}-]+)([^\p{L}\s-]*)/gu)]
  for (const [i, t] of toks.entries()) {
    if (!/^an?$/i.test(t[1] ?? '')) continue
    for (let k = i + 1; k <= i + 3 && k < toks.length; k++) {
      const [, word = '', after = ''] = toks[k] as RegExpMatchArray
      const next = toks[k + 1]?.[1]
      const ends = /^[,.;:!?)\]]/.test(after) || (after === '' && (next === undefined || isStopword(next)))
      if (ends) {
        // "the book, A Bridge Too Far": a capital makes the words a name, not a thing brought in.
        if (!/^\p{Lu}/u.test(word) && lightLexemes(word).some((l) => lexemes.includes(l))) return true
        break
      }
    }
  }
  return false
}
const PRONOUN_START = /^(it|its|it's|this|these|they|their|them|that|those|he|she|his|her|such)\b/i
/**
 * Openings that point back as a bare pronoun does: a phrase on one ("In his speech …", "During this
 * period …"), a conjunction before one ("But that is …"), or a connective of consequence or
 * response ("The result was …", "As a result …", "In response, …"), or of sequence ("Then open …").
 */
const BACK_REFERENCE =
  /^((in|on|at|after|before|during|with|by|for|from|under|despite|following|unlike|like) (his|her|their|its|this|these|those|that)\b|(but|and|yet|so) (it|its|this|these|they|their|that|those|he|she|his|her)\b|(the|as a) result\b|as a consequence\b|in (response|return|turn)\b|for this reason\b|because of this\b|consequently\b|therefore\b|thus\b|hence\b|then\b|afterwards\b)/i

/**
 * Verbs that open an instruction (the imperative of what a reader does with software or a
 * document): a sentence or item starting with one, after an optional "To …," purpose or a short
 * "In the browser:" label, tells the reader what to do.
 */
const INSTRUCTION_VERBS = new Set(
  (
    'add apply ask call change check choose click configure connect copy create delete deploy disable ' +
    'download drag drop edit enable enter fill follow go install keep make move navigate ' +
    'open paste pick press pull push put rate read register reload remove rename replace ' +
    'reset restart run save scroll select send set sign start stop submit switch tap tick toggle uncheck ' +
    'upload use view visit wait write'
  ).split(' '),
)
/** "To delete your own account, choose …": the purpose before the instruction. */
const PURPOSE = /^to\s+([^,;:]{1,80})[,;:]\s*/i

/** The purpose an instruction starts with ("delete your own account"), or null. */
export function purposeOf(text: string): string | null {
  return PURPOSE.exec(text)?.[1] ?? null
}
/**
 * Any verb opens an instruction when an object follows it at once: "Refill the tank", "Wipe the
 * wand", "Preheat the cups". A sentence opening with a noun is followed by its verb ("Water leaks
 * under …"), not by "the"; the words that may stand before "the" without being an imperative are
 * few and listed (prepositions, conjunctions, adverbs, quantifiers).
 */
const OBJECT_FOLLOWS = /^(\p{L}+)\s+(?:the|a|an|your|all|any|both|each|every|it|them|these|those|some)\b/iu
const NOT_IMPERATIVE = new Set(
  (
    'about above across after against along although among amongst around as at because before behind ' +
    'below beneath beside besides between beyond both but by despite down during each either even ' +
    'every except following for from given how however if in including inside instead into less like ' +
    'meanwhile more most much near neither nor not now of off on once only onto or otherwise out ' +
    'outside over past per perhaps since so still such than that then there thereafter though through ' +
    'throughout thus till to today toward towards under underneath unless unlike until up upon via ' +
    'what whatever when whenever where whereas wherever whether which while who whom whose why with ' +
    'within without yet yesterday tomorrow here next first second third last finally later also often ' +
    'sometimes usually always never again almost nearly just half twice many several few all any ' +
    'some no none one two three four five six seven eight nine ten and the a an this these those it ' +
    'its their his her our my your we they he she i you there'
  ).split(' '),
)
function imperativeShape(text: string): boolean {
  const first = OBJECT_FOLLOWS.exec(text)?.[1]
  if (!first || first[0] !== first[0]?.toUpperCase()) return false
  const w = first.toLowerCase()
  return !NOT_IMPERATIVE.has(w) && !/(?:ly|ing|ed|s)$/.test(w)
}

/** "In the browser: …", "From a laptop, straight into the database: …": a short label. */
const LABEL = /^[^:.]{1,60}:\s+/
/** "you can revoke one", "you need to restart": the reader as the one who acts. */
const YOU_ACT = /^(?:then\s+)?you (?:can|could|may|should|must|need to|have to|(?:may|might) want to)\b/i
/**
 * Inline code that is a command: a program and its arguments, after optional VAR=value settings
 * (the value may be a placeholder: `DATABASE_URL=<neon url> npm run ingest`).
 */
const COMMAND_CODE = /`(?:[A-Z][A-Z0-9_]*=(?:<[^>`]*>|[^\s`]+)\s+)*[a-z][\w.-]*\s+[^`]+`/
/** A request to send: an HTTP method and a path. */
const REQUEST = /\b(?:GET|POST|PUT|PATCH|DELETE)\s+`?\/[\w/{}:.-]*/

/**
 * Whether a sentence (as written, Markdown, its wrapped lines joined) tells the reader what to do;
 * a list item's later sentence may be the instruction.
 */
export function statesAction(raw: string): boolean {
  const text = raw.replace(BULLET, '').trim()
  if (COMMAND_CODE.test(text) || REQUEST.test(text)) return true
  const verb = (s: string) => (/^(\p{L}+)(?=\s|$)/u.exec(s)?.[1] ?? '').toLowerCase()
  // A list item may hold several sentences ("`SMTP_URL`: `smtp://…`. To send email, set …").
  return splitSentences(text).some((sentence) => {
    const plain = sentence.replace(/[`*_]/g, '')
    // The sentence itself, after a "To …," purpose, or after a short label.
    const openings = [plain, plain.replace(PURPOSE, ''), plain.replace(LABEL, '')]
    return openings.some((s) => YOU_ACT.test(s) || INSTRUCTION_VERBS.has(verb(s)) || imperativeShape(s))
  })
}

/** Light English stemming, for content without stored lexemes. */
export function lightStem(word: string): string {
  const w = word.toLowerCase()
  if (w.length <= 3) return w
  for (const [suffix, replacement] of [
    ['ies', 'y'],
    ['ing', ''],
    ['ed', ''],
    ['es', ''],
    ['s', ''],
    ['e', ''],
  ] as const) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 3)
      return w.slice(0, w.length - suffix.length) + replacement
  }
  return w
}

export function lightLexemes(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).map(lightStem)
}

interface Fragment {
  raw: string
  /** Plain text (plain-text.ts): what is shown, and what the stored lexemes were analysed from. */
  text: string
  lexemes: string[]
  /** A blank line (or the start) lies between the previous fragment and this one. */
  blankBefore: boolean
}

function storedLexemes(chunk: RetrievedChunk, count: number): string[][] | null {
  const stored = chunk.analysis?.sentenceLexemes
  if (!Array.isArray(stored) || stored.length !== count || !stored.every(Array.isArray)) return null
  return stored as string[][]
}

function fragmentsOf(chunk: RetrievedChunk): { fragments: Fragment[]; stored: boolean } {
  const sentences = readSentencesOf(chunk.content, chunk.plain)
  // Stored lexemes: one list per sentence with text (snippetSentences).
  const stored = storedLexemes(chunk, sentences.filter((s) => s.text).length)
  const out: Fragment[] = []
  let at = 0
  let j = 0
  for (const { raw, text } of sentences) {
    const found = chunk.content.indexOf(raw, at)
    const gap = found >= 0 ? chunk.content.slice(at, found) : ''
    if (found >= 0) at = found + raw.length
    const lexemes = text && stored ? (stored[j] ?? []) : lightLexemes(text || raw)
    if (text) j++
    out.push({ raw, text, lexemes, blankBefore: out.length === 0 || /\n\s*\n/.test(gap) })
  }
  return { fragments: out, stored: stored !== null }
}

/** A plain document's line is a list item or a sentence (no heading, row or code in it). */
function kindOf(raw: string, inCode: boolean, plain = false): UnitKind {
  if (plain) return PLAIN_ITEM.test(raw) ? 'item' : 'sentence'
  if (inCode) return 'code'
  if (HEADING.test(raw)) return 'heading'
  if (TABLE_ROW.test(raw)) return 'row'
  if (BULLET.test(raw)) return 'item'
  return 'sentence'
}

/**
 * A line ending in a colon and a next line starting in lower case are one sentence wrapped at the
 * colon ("… is shown once:⏎copy it with `Copy` …"), not an introduction and what it introduces.
 */
const colonWrapped = (line: string, next: string) => /:["'”’)\]]*$/.test(line) && /^\p{Ll}/u.test(next)

/** The units of one chunk, in order, with dependencies resolved. */
export function unitsOf(chunk: RetrievedChunk): { units: Unit[]; stored: boolean } {
  const { fragments, stored } = fragmentsOf(chunk)
  const units: Unit[] = []
  // Each unit as written, its wrapped lines joined: whether it tells the reader what to do is read
  // from the whole of it ("… once. To delete⏎your own account, choose …").
  const written: string[] = []
  // Units of wrapped lines, read again as a whole: a link may wrap ("[`Fastify⏎factory function`](…)").
  const joined = new Set<number>()
  let inCode = false
  let paragraph = 0
  let lastKind: UnitKind | null = null
  const plain = chunk.plain === true
  const read = (raw: string) => (plain ? plainTextLine(raw) : plainLine(raw))
  for (const f of fragments) {
    if (!plain && FENCE_LINE.test(f.raw)) {
      inCode = !inCode
      paragraph++
      lastKind = null
      continue
    }
    if (!plain && !inCode && TABLE_RULE.test(f.raw)) continue
    // A table of contents' entry ("* [Usage](#usage)") leads elsewhere in the page and says nothing.
    if (!plain && !inCode && IN_PAGE_LINK_ITEM.test(f.raw)) continue
    const kind = kindOf(f.raw, inCode, plain)
    const last = units[units.length - 1]
    // A wrapped line continues the unit before it: a sentence cut mid-way, or any line of a list
    // item (its further sentences belong to the item, and the list goes on after them).
    if (
      last &&
      !f.blankBefore &&
      kind === 'sentence' &&
      (last.kind === 'item' ||
        (last.kind === 'sentence' &&
          (!ENDS_SENTENCE.test(last.text) ||
            ENDS_ABBREVIATED.test(last.text) ||
            colonWrapped(last.text, f.text))))
    ) {
      last.text = `${last.text} ${f.text}`
      for (const l of f.lexemes) last.lexemes.add(l)
      // A quoted block's next line goes on after its "> ".
      written[units.length - 1] += ` ${f.raw.trim().replace(/^(?:>\s*)+/, '')}`
      joined.add(units.length - 1)
      continue
    }
    if (f.blankBefore || kind !== lastKind || kind === 'heading') paragraph++
    // Empty cells keep their place: a row's cells line up with its header's names.
    const text = kind === 'row' ? tableCells(f.raw).join(' | ') : kind === 'code' ? f.raw.trim() : f.text
    if (!text) continue
    const unit: Unit = { kind, text, lexemes: new Set(f.lexemes), paragraph }
    // As an answer shows it: a Markdown unit's code spans stay code (a plain one is shown as read).
    if (!plain && (kind === 'sentence' || kind === 'item')) unit.shown = plainLine(f.raw, true)
    if (kind === 'item' && STEP.test(f.raw)) unit.step = true
    units.push(unit)
    written.push(f.raw)
    lastKind = kind
  }
  for (const i of joined) {
    const u = units[i] as Unit
    u.text = read(written[i] ?? '') || u.text
    if (u.shown !== undefined) u.shown = plainLine(written[i] ?? '', true) || u.shown
  }
  units.forEach((u, i) => {
    if ((u.kind === 'sentence' || u.kind === 'item') && statesAction(written[i] ?? '')) u.action = true
  })
  // A FAQ's question, alone in its paragraph with its answer after it ("Why does ps get signal
  // 17?"), answers nothing: it is the heading of the answer. So is a list of one item without a
  // full stop over the paragraphs it titles ("- Troubles compiling or linking programs", an old
  // HTML FAQ's <li> holding its answer).
  units.forEach((u, i) => {
    const next = units[i + 1]
    const prev = units[i - 1]
    if (
      next === undefined ||
      next.paragraph === u.paragraph ||
      next.kind === 'heading' ||
      prev?.paragraph === u.paragraph
    )
      return
    const asks = (u.kind === 'sentence' || u.kind === 'item') && isQuestion(u.text)
    const titles =
      u.kind === 'item' &&
      prev?.kind !== 'item' &&
      !/:$/.test(prev?.text ?? '') &&
      next.kind === 'sentence' &&
      !/[.!:;]$/.test(u.text)
    if (asks || titles) u.kind = 'heading'
  })
  linkDependencies(units, chunk.heading)
  return { units, stored }
}

/** A question: its last sentence ends in a question mark (a closing quote or bracket may follow). */
const ASKS = /\?["'”’)\]]*$/
export const isQuestion = (text: string) => ASKS.test(text)
/** A list item that is only a link within the page: `* [Usage](#usage)`, `* <a href="#api">API</a>`. */
const IN_PAGE_LINK_ITEM =
  /^\s*(?:[-*+]|\d+[.)])\s+(?:\[[^\]]*\]\(#[^)\s]*\)|<a\s+href\s*=\s*["']#[^"']*["'][^>]*>.*?<\/a>)\s*$/i
/**
 * A heading that is an API name: an identifier with a member or a call ("queue.kill()",
 * "queue.drain", "fastqueue([that], worker, concurrency)", "queue.push(task) => Promise").
 */
const API_HEADING = /^[\p{L}_$][\w$]*(?:[.#][\p{L}_$][\w$]*)*\s*(?:\([^)]*\))?\s*(?:=>\s*\S.*)?$/u
/** The last member an API heading names ("queue.kill()" → kill), or null for another heading. */
export function apiMemberOf(heading: string): string | null {
  const text = heading.replace(/`/g, '').trim()
  if (!/[.#(]/.test(text) || !API_HEADING.test(text)) return null
  return (text.split('(')[0] ?? '').trim().split(/[.#]/).pop()?.toLowerCase() || null
}

/** Lines of a code block a sentence ending in a colon brings with it. */
const MAX_CODE_LINES = 8
/**
 * A whole-line comment (after a shell prompt too: "$ # To view test coverage:"): //, a C block
 * comment, --, or # and a space (not "#include", "#!/bin/sh").
 */
const COMMENT_LINE = /^(?:\$\s+)?(?:\/\/+\s*|\/\*+\s*|#+\s+|--\s+)(.*?)\s*(?:\*+\/)?$/
/** Prose: two words of letters at least ("Check if encoding is supported", not "eslint-disable"). */
const PROSE = /\p{L}{2,}[,;:]?\s+\p{L}+/u

/** A code line's comment, as prose, or null. */
function commentOf(line: string): string | null {
  const said = COMMENT_LINE.exec(line.trim())?.[1]?.trim()
  return said && PROSE.test(said) ? said : null
}
/** Words of an introduction ending in a colon that cannot stand alone. */
const SHORT_INTRO = 3

function linkDependencies(units: Unit[], heading: string | null): void {
  let intro: number | undefined
  let header: number | undefined
  units.forEach((u, i) => {
    const prev = units[i - 1]
    if (u.kind === 'row') {
      if (prev?.kind !== 'row' && prev?.kind !== 'header') {
        u.kind = 'header'
        header = i
        // "… set a few environment variables:" before a table introduces its header and rows, as
        // it does a list's items.
        intro = prev && prev.kind === 'sentence' && /:$/.test(prev.text) ? i - 1 : undefined
        if (intro !== undefined) u.dep = intro
      } else if (header !== undefined) u.dep = header
      if (intro !== undefined) {
        const host = units[intro] as Unit
        host.introduces = [...(host.introduces ?? []), i]
      }
      return
    }
    if (u.kind === 'item') {
      if (prev && prev.kind === 'sentence' && /:$/.test(prev.text)) intro = i - 1
      else if (prev?.kind !== 'item') intro = undefined
      if (intro !== undefined) {
        u.dep = intro
        const host = units[intro] as Unit
        host.introduces = [...(host.introduces ?? []), i]
      }
      return
    }
    if (u.kind === 'code') {
      // A comment line introduces the code lines after it, up to the next comment or blank line
      // ("// Convert from a js string to an encoded buffer." before `buf = iconv.encode(…)`).
      const said = commentOf(u.text)
      if (said !== null) u.comment = said
      else {
        let k = i - 1
        const sameBlock = (j: number) => units[j]?.kind === 'code' && units[j]?.paragraph === u.paragraph
        while (sameBlock(k) && units[k]?.comment === undefined) k--
        const host = units[k]
        if (
          host &&
          sameBlock(k) &&
          host.comment !== undefined &&
          (host.introduces?.length ?? 0) < MAX_CODE_LINES
        ) {
          host.introduces = [...(host.introduces ?? []), i]
          host.action = true
        }
      }
      // "Set three variables and restart:" before a code block: the command is what it introduces
      // (at most a screenful of lines), and the sentence tells the reader to run it.
      const host = intro === undefined ? undefined : units[intro]
      // A list item may introduce one too ("3. The command line, for folders of files:").
      if ((prev?.kind === 'sentence' || prev?.kind === 'item') && /:$/.test(prev.text)) intro = i - 1
      else if (prev?.kind !== 'code' || (host?.kind !== 'sentence' && host?.kind !== 'item'))
        intro = undefined
      const opener = intro === undefined ? undefined : units[intro]
      if (opener && (opener.introduces?.length ?? 0) < MAX_CODE_LINES) {
        u.dep = intro
        opener.introduces = [...(opener.introduces ?? []), i]
        opener.action = true
      }
      return
    }
    intro = undefined
    // "The easy way is to specify the width:" then, in a paragraph of its own, "ps -o pid,user:19":
    // a sentence ending in a colon introduces the paragraph after it (a plain document's command,
    // an example) as it does a list.
    if (
      u.kind === 'sentence' &&
      prev?.kind === 'sentence' &&
      prev.paragraph !== u.paragraph &&
      /:$/.test(prev.text) &&
      prev.introduces === undefined
    ) {
      u.dep = i - 1
      prev.introduces = [i]
      return
    }
    // "### queue.kill()" then "Removes all tasks …": the section's first sentence describes the name.
    const section =
      prev?.kind === 'heading' ? prev.text : i === 0 ? (heading ?? '').split(' > ').pop() : undefined
    const member = u.kind === 'sentence' && section !== undefined ? apiMemberOf(section) : null
    if (member !== null) {
      u.describesHeading = member
      if (prev?.kind === 'heading') u.dep = i - 1
      else u.needsHeading = true
      return
    }
    // "Three ways:", "For example:": an introduction too short to say what it introduces is read
    // after the sentence before it ("Documents are added by admins. Three ways:").
    if (u.kind === 'sentence' && /:$/.test(u.text) && u.text.split(/\s+/).length <= SHORT_INTRO) {
      if (prev && prev.paragraph === u.paragraph && prev.kind === 'sentence') u.dep = i - 1
      return
    }
    // "… the server emails a reset link …. The link works once, for 30 minutes": "the link" is the
    // one the sentence before brings in ("a … link", the noun ending its phrase).
    const definite = DEFINITE_START.exec(u.text)?.[1]
    if (
      u.kind === 'sentence' &&
      definite !== undefined &&
      prev?.kind === 'sentence' &&
      prev.paragraph === u.paragraph &&
      introduces(prev.text, definite)
    ) {
      u.definite = i - 1
      return
    }
    if (u.kind === 'sentence' && (PRONOUN_START.test(u.text) || BACK_REFERENCE.test(u.text))) {
      // The antecedent: the sentence before in the same paragraph, else the section's heading.
      if (prev && prev.paragraph === u.paragraph && prev.kind === 'sentence') u.dep = i - 1
      else if (prev?.kind === 'heading') u.dep = i - 1
      // "Then open http://localhost:7860" after a command: the step before it is the command.
      else if (prev?.kind === 'code' && prev.dep !== undefined) u.dep = prev.dep
      else if (!prev && heading) u.needsHeading = true
    }
  })
}
