// Offline answers (no LLM configured), built from the documents' own sentences:
// 1. the question's informative lexemes, weighted by idf (question-terms.ts);
// 2. the sentence (list item, table row) covering most of that weight leads the answer, with
//    what it depends on (answer-units.ts) in front of it;
// 3. the passage grows with the sentences right after it while they cover more of the question,
//    and a second passage is added only when it covers a good share of what is still missing;
//    it stops once the question is covered;
// 4. when even the best passages leave the question's key terms uncovered, the answer is the
//    plain refusal, with no citations.

import { verbOfIrregular } from '../db/queries/index-text.js'
import {
  countsAsked,
  isCostWord,
  kindScore,
  severalAskedFor,
  statesPrice,
  type Wanted,
  wantedOf,
  whichAskedFor,
} from './answer-type.js'
import {
  apiMemberOf,
  isQuestion,
  lightLexemes,
  lightStem,
  purposeOf,
  type Unit,
  type UnitKind,
  unitsOf,
} from './answer-units.js'
import { type Citation, toCitation } from './citations.js'
import { definitionSubject, namesDocument, titleName } from './definition.js'
import { inlinePlain } from './plain-text.js'
import {
  actionOf,
  isFrameWord,
  isStopword,
  plainPhrasing,
  type QuestionTerm,
  questionTerms,
  wordHasLexeme,
  words,
} from './question-terms.js'
import { ENDS_SENTENCE, splitSentences } from './sentences.js'
import type { RetrievedChunk } from './types.js'

/** Share of the question's weight that, once covered, ends the answer. */
export const STOP_COVERAGE = 0.8
/** Below this share covered by the leading passage the documents do not answer the question. */
export const MIN_ANSWER_COVERAGE = 0.4
/** A question word weighing at least this share of the heaviest is a key term. */
const KEY_SHARE = 0.35
/** Short questions (this many key terms or fewer) are answered only when every key term is covered. */
const FEW_KEYS = 2
/**
 * ... and when the leading passage states them within this many words of each other (squad2-dev:
 * 8–20 words change nothing there, 5 refuses answerable questions; 30 answers "How do I delete my
 * own account?" from "created with your account … It cannot be … deleted").
 */
const KEY_SPAN = 20
/**
 * ... and within this many when a yes-or-no question says them side by side, as one name ("Can I
 * make cold brew?" is not answered by "The coffee is too cold. Preheat the cups and raise the brew
 * temperature"; "the water filter" may read "filter the water"). Not in other questions, whose
 * neighbours are as often a subject and its verb ("Whom did Emma marry?").
 */
const COMPOUND_SPAN = 4

/**
 * The verb of a yes-or-no question after its subject: "Can a viewer upload documents?" → upload,
 * "Can I renew magazines?" → renew (not "Can the water filter be washed?": a second word followed by
 * "be" is part of the subject). namesCompound and otherObject read it.
 */
const SUBJECT_VERB =
  /^(?:and\s+)?(?:can|could|may|might|should|must|do|does|did|will|would)\s+(?:(?:an?|the|my|your|our|their)\s+)?([\p{L}-]+)\s+(?!(?:be|have|has|is|are)\b)([\p{L}-]+)\s+\S/iu

/**
 * Whether the question's words for two key lexemes stand next to each other ("cold brew"); not
 * the question's verb with its subject or object ("viewer upload", "renew magazines").
 */
function namesCompound(question: string, keys: readonly string[]): boolean {
  if (keys.length !== 2) return false
  const ws = wordForms(question).prose
  const verb = SUBJECT_VERB.exec(question.trim())?.[2]?.toLowerCase()
  return ws.some(
    (w, i) =>
      i + 1 < ws.length &&
      w !== verb &&
      ws[i + 1] !== verb &&
      keys.some((a, k) => wordHasLexeme(w, a) && wordHasLexeme(ws[i + 1] as string, keys[1 - k] as string)),
  )
}
/** A further passage must cover at least this share of the question that is still missing. */
const MIN_GAIN = 0.2
/**
 * ... and, from another chunk, restate more than this share of what is already covered
 * (squad2-dev: figures unchanged, 74 → 60 answers with a second citation; 0 rather than 0.1 kept one
 * more padding sentence).
 */
const ON_TOPIC_SHARE = 0.1
const MAX_SENTENCES = 4
const MAX_ITEMS = 12
const MAX_UNIT_CHARS = 600
/** A passage this short ("Yes.", "Installation:") said elsewhere too is not a second source of it. */
const MIN_TWIN_CHARS = 40
/** A heading covers its section's sentences, but less than the words in them. */
const HEADING_SHARE = 0.75

interface ChunkUnits {
  chunk: RetrievedChunk
  /** How far retrieval ranked the chunk behind the best one (1: level with it; see behindOf). */
  behind: number
  units: Unit[]
  /** Lexemes of the question that the chunk's title or heading path names. */
  headingTerms: Set<string>
  /** Those its heading path names (the title left out: it names every section of a document). */
  sectionTerms: Set<string>
  /** The API member its section describes ("queue.kill()" → kill), or null (answer-units). */
  member: string | null
}

/** The question as asked, and the kind of thing it asks for. */
interface Ask {
  question: string
  wanted: Wanted | null
  /** The question's own lexemes: an answer candidate should stand near one of them. */
  near: string[]
  /** "Which Xs …?", "What are the Xs?": Xs, of which a list under a heading naming them answers. */
  several: string | null
  /** The question's words, lower-cased. */
  words: Set<string>
  /** "What three things …?": how many things the answer lists (3 or more), or 0. */
  listed: number
  /** The words after the question's "to" and "from" ("convert a string to a buffer" → to: buffer). */
  toward: Toward
  /** The lexeme of the things an enumeration answers ("roles", "kinds of space" → space), or null. */
  enumerated: string | null
  /**
   * "What happens when I remove a member?": the question's own lexemes in the case it asks about
   * (remov, member), or null.
   */
  condition: string[] | null
  /** "Which database is …?": the lexeme of the thing asked for, which the answer should say. */
  which: string | null
  /** "Can I …?", "Does …?": a yes-or-no question. */
  yesNo: boolean
  /** "Who is on X?", "What is X made of?": asks what X consists of. */
  composition: boolean
  /** The lexeme of what a yes-or-no question asks about ("password" in "Is my password stored …?"). */
  subject: string | null
  /** "How …?" (not how many, long, much …), "Why …?": an explanation, which may take sentences. */
  explain: boolean
  /** "How do I …?": numbered steps answer it. */
  procedure: boolean
  /** Identifiers the question names (REDIS_URL, session_token, /api/search), lower-cased. */
  identifiers: string[]
  /** A code block's words count for the sentence introducing it (saying): how-to, or code named. */
  code: boolean
  /** "What is X?": the words of X (definedBy). */
  defined: string[] | null
  /**
   * In a question joining two subjects ("How are passwords and sessions stored?"), what is asked
   * of both (store): a passage on the second subject must state some of it.
   */
  shared: string[]
  /** The question's words asking what something costs ("cost", "price", "fee"). */
  costWords: string[]
  /** A yes-or-no question's doing is a frame verb ("Can I see …?", "Can I find …?"). */
  framedAction: boolean
  /**
   * "Do I need Docker?", "Is a password required?": the words of a yes-or-no question asking
   * whether something is needed (none for any other question).
   */
  needWords: string[]
  /** "my name" → name: what the question calls the asker's own (documentation says "your name"). */
  mine: string[]
  /** "What file types can I upload?" → upload: what may be done is asked. */
  possible: string | null
  /** "Who can delete a document?" → delete, done to [document]: who may do it is asked. */
  allowedTo: { verb: string; objects: string[] } | null
}

interface Pick {
  c: number
  /** Unit indices in document order. */
  units: number[]
}

/** A unit's text as compared for repeats (overlapping chunks, a document saying a thing twice). */
const sameText = (u: Unit | undefined) => (u?.text ?? '').toLowerCase().replace(/\s+/g, ' ').trim()

/** A further passage of a chunk already chosen joins it: one chunk, one citation. */
function addPick(picks: Pick[], pick: Pick): void {
  const same = picks.find((p) => p.c === pick.c)
  if (same) same.units = [...new Set([...same.units, ...pick.units])].sort((a, b) => a - b)
  else picks.push(pick)
}

/**
 * The question's lexemes a heading or title names, also in a form stemming cuts by more than
 * wordHasLexeme allows ("Administrators" → administr), as states() reads a sentence's lexemes,
 * or an -ing form that drops the lexeme's final e ("Sharing" → share).
 */
function namedIn(text: string, terms: QuestionTerm[]): Set<string> {
  const ws = words(text)
  const names = (w: string, l: string) =>
    wordHasLexeme(w, l) ||
    (l.length >= ROOT && sharedRoot(w, l)) ||
    (l.length >= 4 && l.endsWith('e') && w === `${l.slice(0, -1)}ing`)
  return new Set(terms.filter((t) => ws.some((w) => names(w, t.lexeme))).map((t) => t.lexeme))
}

/**
 * "How do I use Neon for the database?": the numbered steps of a section whose heading names all
 * the question's key terms answer it (the best-ranked such section), ahead of any one sentence.
 */
function stepsStart(chunks: ChunkUnits[], cov: Coverage): Start | null {
  const keys = cov.keyLexemes()
  if (keys.length === 0) return null
  for (const [c, cu] of chunks.entries()) {
    if (keys.every((k) => cu.sectionTerms.has(k))) {
      const seeds = firstSteps(cu)
      if (seeds.length > 0) return { c, seeds, gain: 0, strictGain: 0 }
    }
    // "How do I search the knowledge base with curl?": a section opening with a command, when its
    // heading and the command name all the key terms, answers with that command.
    const code = openingCode(cu)
    if (code.length > 0 && cu.sectionTerms.size > 0) {
      const named = lexemesOf(cu, code)
      if (keys.every((k) => cu.sectionTerms.has(k) || states(named, k)))
        return { c, seeds: code, gain: 0, strictGain: 0 }
    }
  }
  return null
}

/** Lines of an example a section opens with that an answer shows whole. */
const MAX_EXAMPLE_LINES = 24

/**
 * The lines of the code block a section opens with: the whole example when it is short enough
 * and has no comments of its own ("Using with TypeScript" and its imports, types and calls, blank
 * lines apart), else its first paragraph (at most MAX_ITEMS lines), or none.
 */
function openingCode(cu: ChunkUnits): number[] {
  const start = cu.units.findIndex((u) => u.kind !== 'heading')
  const first = cu.units[start]
  if (first?.kind !== 'code') return []
  const block: number[] = []
  for (let j = start; cu.units[j]?.kind === 'code' && block.length <= MAX_EXAMPLE_LINES; j++) block.push(j)
  // A block whose comments say what each part does is answered part by part (by its comments).
  const commented = block.some((j) => cu.units[j]?.comment !== undefined)
  if (block.length <= MAX_EXAMPLE_LINES && !commented) return block
  const para = block.filter((j) => cu.units[j]?.paragraph === first.paragraph)
  return para.length <= MAX_ITEMS ? para : []
}

/**
 * "Which file formats can I upload?": a section whose own heading names the things asked for
 * ("Supported formats"), when they are the question's heaviest word, opens with them: its first
 * passage leads (the best-ranked such section), as numbered steps answer "how do I".
 */
function severalStart(chunks: ChunkUnits[], cov: Coverage, ask: Ask): Start | null {
  const things = ask.several
  if (!things) return null
  const heaviest = heaviestOwn(cov.terms)
  if (!heaviest || !wordHasLexeme(things, heaviest.lexeme)) return null
  for (const [c, cu] of chunks.entries()) {
    if (!listOf(cu.chunk, things)) continue
    const first = cu.units.findIndex((u) => u.kind !== 'heading')
    if (first >= 0 && readable(cu.units[first] as Unit)) return { c, seeds: [first], gain: 0, strictGain: 0 }
  }
  return null
}

/** Two words in one form or another (triggers / trigger, logging / log). */
function sameWord(a: string, b: string): boolean {
  const la = lightLexemes(a)[0] ?? a
  const lb = lightLexemes(b)[0] ?? b
  return la === lb || wordHasLexeme(a, lb) || wordHasLexeme(b, la)
}

/** A sentence defining what "What is X?" asks about leads before others that only use X. */
const DEFINES = 1.5
const DEFINITION_SUBJECT =
  /^(?:an?\s+|the\s+)?([^.,;:]{1,60}?)\s+(?:(?:is|are)\s+(?:\p{L}+ly\s+)?(?:an?|the|one|any|some|two|three|four|five|six|seven|eight|nine|ten|twelve|\d+)\b|means\b|refers\s+to\b|provides?\s+(?:an?|the)\b)/iu

/** "- My documents: your personal space, …": a label defining the thing it names. */
const DEFINITION_LABEL = /^(?:[-*]\s+)?(?:the\s+)?([^.,;:]{1,60}?):\s+(?:an?|the|your|one)\b/iu

/**
 * "A dpkg trigger is a facility that …": the sentence's subject is X, and it says what X is (not
 * "Each dpkg trigger is checked by prerm").
 */
function defines(text: string, defined: readonly string[]): boolean {
  const subject = DEFINITION_SUBJECT.exec(text)?.[1] ?? DEFINITION_LABEL.exec(text)?.[1]
  if (!subject) return false
  const ws = words(subject).filter((w) => !isStopword(w))
  return ws.length <= defined.length + 1 && defined.every((d) => ws.some((w) => sameWord(d, w)))
}

/**
 * "What is encapsulation?", "What are team spaces?": the thing to define, as written. "What can I do
 * with X?" asks what X is for, which its definition says too.
 */
const DEFINITION =
  /^(?:and\s+)?what\s+(?:(?:is|are)\s+(?:an?\s+|the\s+)?([\p{L}\p{N}][\p{L}\p{N}' -]{0,40}?)|can\s+(?:i|we|you)\s+do\s+with\s+(?:an?\s+|the\s+)?([\p{L}\p{N}][\p{L}\p{N}' -]{0,40}?))\s*\??$/iu
const MAX_DEFINED_WORDS = 3

/** The words a "What is X?" question asks to define (at most MAX_DEFINED_WORDS), or null. */
function definedBy(question: string): string[] | null {
  const m = DEFINITION.exec(question.trim())
  const ws = words(m?.[1] ?? m?.[2] ?? '').filter((w) => !isStopword(w))
  return ws.length > 0 && ws.length <= MAX_DEFINED_WORDS ? ws : null
}

/**
 * "What is encapsulation?": the section whose own heading is the thing asked about, word for word
 * ("Encapsulation"), defines it in its opening sentence, ahead of sentences elsewhere that use the
 * word in passing ("… in the same encapsulated context will throw"; the best-ranked such section,
 * when its opening sentence states the thing too).
 */
function definitionStart(chunks: ChunkUnits[], ask: Ask): Start | null {
  const defined = ask.defined
  if (!defined) return null
  for (const [c, cu] of chunks.entries()) {
    const first = sectionDefining(cu.chunk, cu.units, defined)
    if (first !== null) return { c, seeds: [first], gain: 0, strictGain: 0 }
  }
  return null
}

/** Whether the chunk's own heading is the thing asked about, its number aside ("1 What is libffi?"). */
function headedBy(chunk: RetrievedChunk, defined: readonly string[]): boolean {
  const heading = words(lastHeading(chunk)).filter((w) => !isStopword(w) && !/^\d+$/.test(w))
  return heading.length === defined.length && defined.every((d) => heading.some((h) => sameWord(d, h)))
}

/**
 * The opening sentence of a section whose own heading is the thing asked about ("Encapsulation",
 * "What is Redis?") when it states the thing, or null.
 */
function sectionDefining(chunk: RetrievedChunk, units: Unit[], defined: readonly string[]): number | null {
  if (!headedBy(chunk, defined)) return null
  const first = units.findIndex((u) => u.kind !== 'heading')
  const unit = units[first]
  if (!unit || !readable(unit)) return null
  const opening = words(unit.text)
  return defined.some((d) => opening.some((w) => sameWord(d, w))) ? first : null
}

/** Whether the chunk's own heading names the things asked for ("Answer modes" for "modes"). */
function listOf(chunk: RetrievedChunk, things: string): boolean {
  const stem = lightLexemes(things)[0] ?? things
  return words(lastHeading(chunk)).some((w) => wordHasLexeme(w, stem))
}

/** The first run of numbered steps in a chunk (at most MAX_ITEMS). */
function firstSteps(cu: ChunkUnits): number[] {
  const start = cu.units.findIndex((u) => u.step)
  if (start < 0) return []
  const out: number[] = []
  for (let j = start; cu.units[j]?.step && out.length < MAX_ITEMS; j++) out.push(j)
  return out
}

/**
 * Unit i with what it depends on and what it introduces. A table's rows are records: a row asked
 * about brings its header and the sentence introducing the table, not the other rows, which come
 * only when that sentence is itself the passage (`seed`). `alone`: the unit and what it depends
 * on only (one item under its list's introduction).
 */
function closure(cu: ChunkUnits, i: number, into: Set<number>, seed = true, alone = false): void {
  if (into.has(i)) return
  into.add(i)
  const u = cu.units[i] as Unit
  if (u.dep !== undefined) closure(cu, u.dep, into, false, alone)
  if (alone) return
  for (const item of (u.introduces ?? []).slice(0, MAX_ITEMS)) {
    const kind = cu.units[item]?.kind
    if (seed || (kind !== 'row' && kind !== 'header')) into.add(item)
  }
}

/**
 * The units whose words a passage grown from `seeds` states: the seeds and what they depend on
 * (an item's introduction, a row's header, a pronoun's antecedent) and — for a question asking how
 * to do something or naming code — the command a sentence introduces, but not the other items of
 * a list: they are things side by side, and words scattered over them ("LLM_API_KEY" in one item,
 * "npm run user -- create" in another) do not answer "How do I create an API key?" together. For
 * any other question a code block's words (its comments, its names) say nothing: "But this will
 * not:" before code commented "// … the current encapsulated plugin" does not define encapsulation.
 */
function saying(cu: ChunkUnits, seeds: Iterable<number>, ask: Ask): Set<number> {
  const out = new Set<number>()
  const walk = (i: number) => {
    if (out.has(i)) return
    out.add(i)
    const u = cu.units[i] as Unit
    if (u.dep !== undefined) walk(u.dep)
    if (ask.code) for (const j of u.introduces ?? []) if (cu.units[j]?.kind === 'code') out.add(j)
  }
  for (const i of seeds) walk(i)
  return out
}

/**
 * "The link works once, for 30 minutes" after "… the server emails a reset link …": the sentence
 * bringing in the definite noun is read with it when it states a word of the question the sentence
 * itself does not ("How long are password reset links valid?") or the kind of thing asked ("On 1
 * February 2007, … a study was published …. The study compared …" for "On what date was the study
 * … released?"); else the sentence stands alone.
 */
function followDefinite(
  u: Unit,
  units: Unit[],
  terms: QuestionTerm[],
  question: string,
  wanted: Wanted | null,
): void {
  if (u.definite === undefined || u.dep !== undefined) return
  const before = units[u.definite]
  if (!before) return
  if (
    terms.some((t) => t.own && !states(u.lexemes, t.lexeme) && states(before.lexemes, t.lexeme)) ||
    kindScore(u.text, wanted, question) < kindScore(before.text, wanted, question)
  )
    u.dep = u.definite
}

/** The text of these units of a chunk, in the order given, joined by spaces. */
function textOf(cu: ChunkUnits, idx: Iterable<number>): string {
  return [...idx].map((i) => cu.units[i]?.text ?? '').join(' ')
}

function lexemesOf(cu: ChunkUnits, idx: Iterable<number>): Set<string> {
  const out = new Set<string>()
  for (const i of idx) for (const l of cu.units[i]?.lexemes ?? []) out.add(l)
  return out
}

/**
 * Words that documentation and the people asking use for one thing (snowball lexemes): "How do I
 * add a user?" is answered by `npm run user -- create`, "How do I remove a document?" by its
 * Delete, "Does freezing cost anything?" by "There is no charge for freezing". Loose matching
 * only: a passage restating the question (overlap) must use its word.
 */
const ALIKE: ReadonlyMap<string, readonly string[]> = new Map([
  ['add', ['creat']],
  ['creat', ['add']],
  ['remov', ['delet']],
  ['delet', ['remov']],
  ['cost', ['charg', 'price', 'fee']],
  ['charg', ['cost', 'fee']],
  ['price', ['cost']],
  ['fee', ['cost', 'charg']],
  ['frontend', ['ui']],
  ['ui', ['frontend']],
  // "turn off" / "turn on" in the question, "disable" / "enable" in the documents. Not back: "turns
  // it on" does not say "disable".
  ['turn', ['disabl', 'enabl']],
])

/**
 * Forms of one word that english stemming leaves apart and that share too few letters to be read as
 * one root (snowball lexemes): a verb and its noun ("lose" / the loss, "die" / death), an adjective
 * and its measure (high / height) or its old comparative (late / latter: "the latter half of the
 * 19th century" is its late years), a country and its people's adjective (France / French, Britain
 * / British). Loose matching only, as ALIKE.
 */
const FORMS: readonly (readonly string[])[] = [
  ['lose', 'loss'],
  ['die', 'death'],
  ['choos', 'choic'],
  ['grow', 'growth'],
  ['prove', 'proof'],
  ['fli', 'flight'],
  ['speak', 'speech'],
  ['sell', 'sale'],
  ['think', 'thought'],
  ['defend', 'defenc', 'defens'],
  ['decid', 'decis'],
  ['succeed', 'success'],
  ['fail', 'failur'],
  ['high', 'height'],
  ['wide', 'width'],
  ['strong', 'strength'],
  ['deep', 'depth'],
  ['true', 'truth'],
  ['believ', 'belief'],
  ['late', 'latter'],
  ['base', 'basi'],
  ['britain', 'british'],
  ['franc', 'french'],
  ['spain', 'spanish'],
  ['england', 'english'],
  ['china', 'chines'],
  ['netherland', 'dutch'],
  ['germani', 'german'],
  ['portug', 'portugues'],
  ['itali', 'italian'],
  ['japan', 'japanes'],
  ['russia', 'russian'],
  ['greec', 'greek'],
  ['poland', 'polish'],
  ['sweden', 'swedish'],
  ['switzerland', 'swiss'],
  ['ireland', 'irish'],
  ['scotland', 'scottish'],
  ['wale', 'welsh'],
  ['europ', 'european'],
  ['egypt', 'egyptian'],
  ['turkey', 'turkish'],
  ['norway', 'norwegian'],
  ['denmark', 'danish'],
  ['hungari', 'hungarian'],
  ['belgium', 'belgian'],
  ['mongolia', 'mongol', 'mongolian'],
  ['persia', 'persian'],
  ['rome', 'roman'],
]
/**
 * Words of one meaning that questions and passages use for each other ("formally stop" / "officially
 * retired", "the last big plague" / "Europe's last major epidemic", "doctors" / "physicians"), as
 * snowball lexemes. Only words without a second common sense: "help" / "aid" also reads "received
 * its aid" as helping, and "found" is also the past of find. Loose matching only, as FORMS.
 */
const SYNONYMS: readonly (readonly string[])[] = [
  ['doctor', 'physician'],
  ['find', 'discov'],
  ['start', 'begin', 'origin'],
  ['big', 'larg', 'major'],
  ['buy', 'purchas'],
  ['formal', 'offici'],
  ['main', 'chief', 'primari', 'princip', 'major'],
  ['build', 'construct'],
  ['show', 'demonstr', 'reveal'],
  ['need', 'requir'],
  ['famous', 'renown'],
  ['keep', 'kept', 'store', 'retain'],
  ['largest', 'biggest', 'maximum', 'max'],
  ['smallest', 'minimum', 'min'],
]
/** Each lexeme's other forms and words of its meaning (a lexeme may stand in several groups). */
const FORMS_OF: ReadonlyMap<string, readonly string[]> = (() => {
  const out = new Map<string, string[]>()
  for (const group of [...FORMS, ...SYNONYMS])
    for (const l of group) out.set(l, [...new Set([...(out.get(l) ?? []), ...group.filter((o) => o !== l)])])
  return out
})()

/** Letters two words must share from their start to be read as one root (publication / publishing). */
const ROOT = 5

/**
 * Whether a sentence's lexemes state a question lexeme, also in another form of the word that
 * English stemming leaves different (marri / marriag, govern / government) and, unless `strict`,
 * in a form sharing its root up to the last letter of the shorter (public / publish, analyz /
 * analysi, richer / richest; a misspelt "develped" / develop).
 */
function states(lexemes: Set<string>, lexeme: string, strict = false): boolean {
  if (lexemes.has(lexeme)) return true
  if (!strict && ALIKE.get(lexeme)?.some((a) => lexemes.has(a))) return true
  if (!strict && FORMS_OF.get(lexeme)?.some((a) => lexemes.has(a))) return true
  // Its negation by prefix speaks of it too: "Unset, the server uses …" for "when X is not set".
  if (lexeme.length >= 3 && lexemes.has(`un${lexeme}`)) return true
  if (lexeme.length < 4) return false
  for (const l of lexemes) if (l.length > lexeme.length && wordHasLexeme(l, lexeme)) return true
  if (strict || lexeme.length < ROOT) return false
  for (const l of lexemes) if (sharedRoot(l, lexeme, true)) return true
  return false
}

/**
 * Between two lexemes (stems), a long one (this many letters) that the other merely extends by more
 * than ROOT_TAIL letters is part of a compound, not another form of it (`blockingTimeout` /
 * `blockingTimeoutGrace`, password / passwordless); a short one may be an abbreviation (admin /
 * administr). A word against a stem may have more left over (administrators / administr).
 */
const COMPOUND_HEAD = 8
const ROOT_TAIL = 3

function sharedRoot(a: string, b: string, stems = false): boolean {
  let k = 0
  while (k < a.length && k < b.length && a[k] === b[k]) k++
  const shorter = Math.min(a.length, b.length)
  if (k < ROOT || k < shorter - 1) return false
  return !stems || shorter < COMPOUND_HEAD || Math.max(a.length, b.length) - k <= ROOT_TAIL
}

class Coverage {
  readonly total: number
  readonly covered = new Set<string>()
  readonly fromHeadings = new Set<string>()
  constructor(readonly terms: QuestionTerm[]) {
    this.total = terms.reduce((s, t) => s + t.weight, 0)
  }
  /** Weight a set of lexemes would add (heading-only terms count in part). */
  gain(lexemes: Set<string>, heading: Set<string>, strict = false): number {
    let g = 0
    for (const t of this.terms) {
      if (this.covered.has(t.lexeme) || (strict && this.fromHeadings.has(t.lexeme))) continue
      if (states(lexemes, t.lexeme)) g += t.weight
      else if (heading.has(t.lexeme) && !this.fromHeadings.has(t.lexeme)) g += t.weight * HEADING_SHARE
    }
    return g
  }
  /**
   * Weight of the covered terms these lexemes state again (in their own forms: a passage elsewhere
   * sharing only a root with the question stays padding).
   */
  overlap(lexemes: Set<string>): number {
    return this.terms.reduce(
      (w, t) => w + (this.covered.has(t.lexeme) && states(lexemes, t.lexeme, true) ? t.weight : 0),
      0,
    )
  }
  add(lexemes: Set<string>, heading: Set<string>): void {
    for (const t of this.terms) {
      if (states(lexemes, t.lexeme)) this.covered.add(t.lexeme)
      else if (heading.has(t.lexeme)) this.fromHeadings.add(t.lexeme)
    }
  }
  /** The question's key terms (its rarest words) that nothing chosen covers, not even a heading. */
  missingKeys(): QuestionTerm[] {
    return this.keys().filter((t) => !this.covered.has(t.lexeme) && !this.fromHeadings.has(t.lexeme))
  }
  /** Key terms no chosen sentence states (a heading may name them). */
  unstatedKeys(): Set<string> {
    return new Set(
      this.keys()
        .filter((t) => !this.covered.has(t.lexeme))
        .map((t) => t.lexeme),
    )
  }
  keyLexemes(): string[] {
    return this.keys().map((t) => t.lexeme)
  }

  private keys(): QuestionTerm[] {
    const own = this.terms.filter((t) => t.own && !t.frame)
    const max = Math.max(0, ...own.map((t) => t.weight))
    return own.filter((t) => t.weight >= KEY_SHARE * max)
  }

  /** Share of the weight covered; a term named only by a heading counts in part. */
  share(): number {
    if (this.total <= 0) return 0
    let w = 0
    for (const t of this.terms) {
      if (this.covered.has(t.lexeme)) w += t.weight
      else if (this.fromHeadings.has(t.lexeme)) w += t.weight * HEADING_SHARE
    }
    return w / this.total
  }
}

/**
 * A code line under a comment: the comment says what it does ("To view test coverage:" over `npm
 * run coverage` does not tell how to run the tests).
 */
const commentedCode = (cu: ChunkUnits, i: number) =>
  cu.units.some((u) => u.comment !== undefined && u.introduces?.includes(i))

/** Prose an answer may lead with or grow by: not a heading, not code (but a code line's comment). */
const readable = (u: Unit) => u.kind !== 'heading' && (u.kind !== 'code' || u.comment !== undefined)

/** A sentence without the kind of thing asked for is a weaker lead. */
const WRONG_KIND = 0.5
const kindFactor = (score: number) => WRONG_KIND + (1 - WRONG_KIND) * score

/**
 * Within a paragraph without a heading, of two sentences that answer alike the earlier leads, by
 * this share per sentence of position (the paragraph states its facts before it elaborates them:
 * "… sometimes labeled as huihui or Muslim medicine" before "Huihui doctors staffed …"). Chunks
 * are still compared at their best sentence's score.
 */
const POSITION = 0.01

type Scored = Start & { score: number; value: number }

/** The unit that covers most of what is missing (with its dependencies), over all chunks. */
function bestStart(
  chunks: ChunkUnits[],
  cov: Coverage,
  exclude: Set<string>,
  ask: Ask,
  pairs = false,
  actionOnly = false,
): Scored | null {
  let best: Scored | null = null
  chunks.forEach((cu, c) => {
    const inChunk = bestInChunk(cu, c, cov, exclude, ask, pairs, actionOnly)
    if (inChunk && (!best || inChunk.score > best.score)) best = inChunk
  })
  return best
}

/** Instructions looked at for one whose purpose is the question's task. */
const MAX_PURPOSE_TRIES = 12

/**
 * "How do I ingest PDFs?" asks what to do: a leading sentence that only describes the thing ("PDF
 * text is extracted page by page") gives way to the best one that tells the reader what to do (an
 * instruction, a command, a request: answer-units.ts statesAction) when that one states more of
 * the question (there: "… npm run ingest … ingests a whole folder (…, PDF)"). One stating less is
 * an instruction for something else ("To host the UI on Vercel, use …" for "How do I deploy this
 * to Hugging Face Spaces?"); one stating as much leaves the usual choice ("How do I make a user an
 * administrator?" is answered by the sentence saying who is one, not by an instruction about
 * reset links that also names administrators and users).
 */
function leadWithAction(chunks: ChunkUnits[], cov: Coverage, ask: Ask, lead: Scored | null): Scored | null {
  if (!lead || !ask.procedure) return lead
  const acts = (s: Scored) => s.seeds.some((i) => chunks[s.c]?.units[i]?.action)
  // "To upload a document, open … and choose Upload" for "How do I upload a document?": an
  // instruction whose purpose is the question's task answers it when it states as much as the lead.
  // A task said with a frame word ("How do I see which documents …?") is still the purpose asked.
  const task = taskOf(ask.question, cov.terms) ?? frameTaskOf(ask.question)
  const own = cov.terms.filter((t) => t.own && !isFrameWord(t.lexeme))
  /** -1 without a purpose naming the task, else how many of the question's words it names. */
  const purposeScore = (s: Scored) => {
    if (task === null) return -1
    let best = -1
    for (const i of s.seeds) {
      // The purpose and the instruction's verb: "To give feedback on an answer, rate it …" is how
      // to rate an answer as well as how to give feedback.
      const ws = splitSentences(chunks[s.c]?.units[i]?.text ?? '').flatMap((t) => {
        const purpose = purposeOf(t)
        // "To disable sign-ups, set …" for "How do I disable a user?": the task done to another thing.
        if (purpose === null || otherObject(ask.question, t)) return []
        const verb = words(t.slice(t.indexOf(purpose) + purpose.length))[0]
        return [...words(purpose), ...(verb ? [verb] : [])]
      })
      if (!ws.some((w) => wordHasLexeme(w, task))) continue
      best = Math.max(best, own.filter((t) => ws.some((w) => wordHasLexeme(w, t.lexeme))).length)
    }
    return best
  }
  const purpose = (s: Scored) => purposeScore(s) >= 0
  // An instruction for something else ("With SIGNUP=allowlist …" for "How do I sign up?", "To
  // delete your own account, …" for "How do I delete a space?") gives way to the best one, stating
  // as much, whose purpose names more of the question.
  const purposeful = (from: Scored): Scored => {
    const mine = purposeScore(from)
    if (task === null || mine >= own.length) return from
    const skip = new Set<string>()
    for (let tries = 0; tries < MAX_PURPOSE_TRIES; tries++) {
      const next = bestStart(chunks, cov, skip, ask, false, true)
      if (!next || next.gain < from.gain) break
      const contrary = next.seeds.some((i) => chunks[next.c]?.units[i]?.contrary)
      if (!contrary && purposeScore(next) > mine) return next
      for (const i of next.seeds) skip.add(`${next.c}:${i}`)
    }
    return from
  }
  if (acts(lead)) return purposeful(lead)
  const found = bestStart(chunks, cov, new Set(), ask, false, true)
  if (!found) return lead
  const action = purposeful(found)
  // An instruction for the task also wins when it states more of the question in its own words than
  // a lead owing the task to its section's heading ("To revoke an API key, choose Revoke …" over "A
  // key never expires …" under "Revoking a key", for "How do I revoke it?" after a question on expiry).
  const asMuch = action.gain >= lead.gain || action.strictGain > lead.strictGain
  return action.gain > lead.gain || (asMuch && purpose(action)) ? action : lead
}

function bestInChunk(
  cu: ChunkUnits,
  c: number,
  cov: Coverage,
  exclude: Set<string>,
  ask: Ask,
  pairs: boolean,
  actionOnly = false,
): Scored | null {
  let best: Scored | null = null
  let lead: Scored | null = null
  let leadRanked = 0
  const positioned = !cu.chunk.heading
  cu.units.forEach((u, i) => {
    if (!readable(u) || exclude.has(`${c}:${i}`) || (actionOnly && !u.action)) return
    const single = scoreSeeds(cu, [i], cov, ask, pairs)
    if (single && (!best || single.score > best.score)) best = { c, ...single }
    if (single && positioned && (!lead || single.score / (1 + POSITION * i) > leadRanked)) {
      lead = { c, ...single }
      leadRanked = single.score / (1 + POSITION * i)
    }
    // The rest of a question split over two adjacent sentences ("A session token is 32 random
    // bytes. The server stores only its SHA-256 hash"): the pair answers together, in order.
    // Not for the leading passage: a pair reaching a question's words is weaker evidence that
    // the documents answer it than one sentence doing so.
    const prev = cu.units[i - 1]
    // Two items of a list are alternatives side by side, not one answer split in two.
    const items = u.kind === 'item' && prev?.kind === 'item' && !u.step
    if (
      !pairs ||
      !prev ||
      !readable(prev) ||
      prev.paragraph !== u.paragraph ||
      exclude.has(`${c}:${i - 1}`) ||
      items
    )
      return
    const pair = scoreSeeds(cu, [i - 1, i], cov, ask, pairs)
    const alone = Math.max(single?.value ?? 0, scoreSeeds(cu, [i - 1], cov, ask, pairs)?.value ?? 0)
    if (!pair || pair.value <= alone) return
    pair.score *= PAIR_SHARE
    if (!best || pair.score > best.score) best = { c, ...pair }
  })
  const top = best as Scored | null
  const first = lead as Scored | null
  if (!top || !first || first === top) return top
  // A pair that answers better than any one sentence keeps its place.
  if (top.seeds.length > 1 && top.score > leadRanked) return top
  return { ...first, score: top.score }
}

/**
 * Whether the words a passage of another document (stating `said`) would add to the answer are the
 * leading section's own, said there in another sentence ("… so any OpenAI client can ask …" beside
 * "Pass the model name `rag-auth` …"): that section is about them, and a passage elsewhere stating
 * them ("… from any OpenAI client; every claim …") is about something else.
 */
function saysLeadsOwn(lead: ChunkUnits, other: ChunkUnits, said: Set<string>, cov: Coverage): boolean {
  if (other.chunk.document_id === lead.chunk.document_id) return false
  const brings = cov.terms.filter((t) => !cov.covered.has(t.lexeme) && states(said, t.lexeme))
  return brings.length > 0 && brings.every((t) => lead.units.some((u) => states(u.lexemes, t.lexeme)))
}

/** Two sentences answering together weigh a little less than one that answers alone. */
const PAIR_SHARE = 0.85
/** A later passage that also speaks of what is already covered stays on the question's topic. */
const OVERLAP_SHARE = 0.3

interface Start {
  c: number
  seeds: number[]
  gain: number
  strictGain: number
}

function scoreSeeds(
  cu: ChunkUnits,
  seeds: number[],
  cov: Coverage,
  ask: Ask,
  further = false,
): (Omit<Start, 'c'> & { score: number; value: number }) | null {
  const saidUnits = saying(cu, seeds, ask)
  const lexemes = lexemesOf(cu, saidUnits)
  if (further && ask.shared.length > 0 && !ask.shared.some((l) => states(lexemes, l))) return null
  // The sentence's value counts the paragraph's subject it speaks of; what it covers (and so
  // whether the documents answer at all) does not.
  const gain = cov.gain(lexemes, topic(cu, seeds, cov))
  if (gain <= 0) return null
  const strictGain = cov.gain(lexemes, new Set(), true)
  const overlap = cov.overlap(lexemes)
  const text = seeds.map((s) => cu.units[s]?.text ?? '').join(' ')
  // What the passage depends on is part of what it says ("During this period …" after "In the early
  // 1950s, …" gives a year).
  const own = kindScore(text, ask.wanted, ask.question, ask.near)
  const withDeps = () =>
    [...saidUnits]
      .sort((a, b) => a - b)
      .map((i) => cu.units[i]?.text ?? '')
      .join(' ')
  const kind = kindFactor(
    saidUnits.size === seeds.length
      ? own
      : Math.max(own, kindScore(withDeps(), ask.wanted, ask.question, ask.near)),
  )
  // Ties go to the better-ranked chunk and the shorter unit.
  const value = gain + OVERLAP_SHARE * overlap
  // A command the question names picks the leading passage; what follows it may go on without it.
  const ids = further ? ask.identifiers.filter((id) => !id.includes(' ')) : ask.identifiers
  const named = ids.length === 0 ? 1 : UNNAMED + (1 - UNNAMED) * namedShare(text, ids)
  const contrary = seeds.some((s) => cu.units[s]?.contrary) || reversed(ask.toward, text) ? CONTRARY : 1
  const says = ask.which === null || states(lexemes, ask.which) ? 1 : UNSAID
  const about =
    ask.subject === null || states(lexemes, ask.subject) || cu.headingTerms.has(ask.subject) ? 1 : SUBJECTLESS
  // "Child logger creation is fast:" before a benchmark's code says what the code shows; when the
  // code's words do not count (saying), the sentence is only its caption.
  const caption = !ask.code && seeds.some((i) => introducesCode(cu, i)) ? CAPTION : 1
  // "See Reopening log files" names the topic and sends the reader elsewhere.
  const pointer = seeds.every((i) => POINTER.test(cu.units[i]?.text ?? '')) ? CROSS_REFERENCE : 1
  const definition =
    ask.defined && defines(cu.units[seeds[0] as number]?.text ?? '', ask.defined) ? DEFINES : 1
  const enumerates =
    seeds.length === 1 &&
    ((ask.enumerated && announces(cu, seeds[0] as number, ask.enumerated)) ||
      (ask.listed > 0 && listedIn(text) === ask.listed))
      ? ENUMERATES
      : 1
  const meets =
    ask.condition &&
    seeds.length === 1 &&
    statesCondition(cu.units[seeds[0] as number]?.text ?? '', ask.condition)
      ? CONDITION
      : 1
  // "To revoke an API key, choose Revoke …" tells how to bring the case about, not what follows it.
  // "To create an API key, open …, choose when it expires …" for "Do API keys expire?": steps for
  // a doing the yes-or-no question does not ask about are not the reply. Unless the question's own
  // doing is a frame ("Can I see my key again?"): then steps may be how it is seen.
  const purposes = seeds.map((i) => purposeOf(cu.units[i]?.text ?? ''))
  const asksDoing = (purpose: string | null) => {
    const verb = words(purpose ?? '')[0] ?? ''
    return [...ask.words].some((w) => sameWord(w, verb))
  }
  const instructs =
    purposes.every((p) => p !== null) &&
    (ask.condition || (ask.yesNo && !ask.framedAction && !purposes.some(asksDoing)))
      ? INSTRUCTS
      : 1
  const near = 1 + PROXIMITY * closeness(text, cov.terms, cu.headingTerms)
  const composes = ask.composition && COMPOSED.test(text) ? COMPOSES : 1
  const labelled =
    seeds.length === 1 && labels(cu.units[seeds[0] as number], cov, ask.question) ? LABELLED : 1
  const measure = ask.wanted?.measure
  const measured = measure && words(text).some((w) => wordHasLexeme(w, measure)) ? MEASURED : 1
  const needs = ask.needWords.length > 0 && NEED.test(text) ? NEEDS : 1
  const possible =
    (ask.possible !== null && saysCanBe(text, ask.possible)) ||
    (ask.allowedTo !== null && saysCanDo(text, ask.allowedTo))
      ? POSSIBLE
      : 1
  const yours = ask.mine.length > 0 && saysYour(text, ask.mine) ? YOURS : 1
  // "What does kill() do?", "When is the drain function called?": the section of that very name
  // ("queue.kill()", not "queue.killAndDrain()", which also speaks of kill).
  const member =
    ask.words.has(cu.member ?? '') || seeds.some((i) => ask.words.has(cu.units[i]?.describesHeading ?? ''))
      ? NAMED_SECTION
      : 1
  const score =
    (composes *
      possible *
      needs *
      yours *
      labelled *
      measured *
      member *
      near *
      named *
      contrary *
      says *
      about *
      caption *
      pointer *
      definition *
      enumerates *
      meets *
      instructs *
      kind *
      value) /
    cu.behind /
    (1 + text.length / 4000)
  return { seeds, gain, strictGain, score, value }
}

/**
 * A paragraph without a heading names its subject once, in its opening sentence; the sentences
 * after it speak of it without repeating it ("The Rankine cycle is …. The heat is supplied … and
 * the waste heat removed in a condenser."): question words the opening sentence states count for
 * them as a heading's do. A section's heading already names its subject (measured: the demo
 * corpus loses two answers when its sections' first sentences count too).
 */
function topic(cu: ChunkUnits, seeds: number[], cov: Coverage): Set<string> {
  const open = openingOf(cu, seeds[0] as number)
  const opens = open < 0 || seeds.includes(open)
  if (!opens && cu.chunk.heading) return paragraphSubject(cu, seeds, cov)
  const out = union(cu.headingTerms, askedAbove(cu, seeds[0] as number, cov.terms))
  if (opens) return out
  const stated = cu.units[open]?.lexemes ?? new Set<string>()
  for (const t of cov.terms) if (states(stated, t.lexeme)) out.add(t.lexeme)
  return out
}

const union = (a: Set<string>, b: Set<string>) => new Set([...a, ...b])

/**
 * The question terms a FAQ's question above unit i states ("Why don't I see SMP (per-CPU) stats in
 * top?" over "You didn't enable it. Press '?' …"): its answer speaks of them as of a heading's.
 */
function askedAbove(cu: ChunkUnits, i: number, terms: QuestionTerm[]): Set<string> {
  for (let j = i - 1; j >= 0; j--) {
    const u = cu.units[j] as Unit
    if (u.kind !== 'heading') continue
    if (!isQuestion(u.text)) break
    return new Set(terms.filter((t) => states(u.lexemes, t.lexeme)).map((t) => t.lexeme))
  }
  return new Set()
}

/** The first readable unit of unit i's paragraph, or -1. */
function openingOf(cu: ChunkUnits, i: number): number {
  const para = cu.units[i]?.paragraph
  return cu.units.findIndex((u) => u.paragraph === para && readable(u))
}

/** The opening words of a sentence that name its subject. */
const SUBJECT_WORDS = 3

/**
 * The headings' terms and those the paragraph's opening sentence names as its subject
 * ("`retryStrategy` is a function …"): the sentences after it speak of that subject without
 * naming it again ("… the return value represents how long to wait to reconnect").
 */
function paragraphSubject(cu: ChunkUnits, seeds: Iterable<number>, cov: Coverage): Set<string> {
  const out = union(cu.headingTerms, askedAbove(cu, Math.min(...seeds), cov.terms))
  // Without a heading the paragraph's opening sentence is only one more sentence that may stand
  // beside a question's words it does not answer (squad2-dev: "What action was taken to address
  // price controls?" answered from "Scarcity was addressed by rationing" after "Price controls …").
  if (!cu.chunk.heading) return out
  const first = Math.min(...seeds)
  const open = openingOf(cu, first)
  if (open < 0 || open === first) return out
  const subject = wordForms(cu.units[open]?.text ?? '').prose.slice(0, SUBJECT_WORDS)
  for (const t of cov.terms) if (subject.some((w) => wordHasLexeme(w, t.lexeme))) out.add(t.lexeme)
  return out
}

/**
 * A passage naming the measure a "how big", "how old" … question asks for ("The maximum upload size
 * is 20 MiB per file" for "How big can a file be?") says what the question's adjective asks, which
 * a passage merely holding a number near the question's words ("… one file field, up to 20 MiB")
 * does in passing.
 */
const MEASURED = 1.2
/**
 * "Docker is not needed to run it locally" for "Do I need Docker?": a passage saying whether the
 * thing is needed answers the yes-or-no question, where one that only speaks of the thing ("To run
 * rag-auth with Docker, build the image …") does not.
 */
const NEEDS = 1.5
/**
 * "Your name is optional and cannot be changed" for "How do I change my name?": the reader's own
 * thing, as documentation addresses the reader, ahead of another thing of that name ("the same
 * file name"). Only "my" in lower case: "My documents" is the name of a page.
 */
const YOURS = 1.6
/**
 * "Markdown, plain text, HTML and PDF files can be uploaded" for "What file types can I upload?":
 * the passage saying what can be done answers what can be done, ahead of one that only speaks of
 * the doing ("An uploaded file whose type … is not usable … is refused").
 */
const POSSIBLE = 1.5
const CAN_DO =
  /^(?:and\s+)?(?:what|which)\b.*\b(?:can|may)\s+(?:i|we|you|users?|one|people)\s+(?:also\s+)?([\p{L}-]+)\s*\??$/iu
const WHO_CAN = /^(?:and\s+)?who\s+(?:can|may|is allowed to|are allowed to)\s+([\p{L}-]+)/iu
/** "Who can delete a document?" → delete, done to [document]; null for any other question. */
function allowedToOf(question: string): Ask['allowedTo'] {
  const verb = WHO_CAN.exec(question.trim())?.[1]?.toLowerCase()
  if (!verb) return null
  const asked = words(question)
  return { verb, objects: thingsAfter(asked, asked.indexOf(verb)) }
}
/**
 * Whether a text says someone can do the verb to the question's thing: "An editor can also upload
 * and delete documents" for "Who can delete a document?", not "Only an owner can delete a space".
 */
function saysCanDo(text: string, { verb, objects }: NonNullable<Ask['allowedTo']>): boolean {
  const ws = words(text)
  for (const m of text.matchAll(/\b(?:can|may)\s+((?:[\p{L}-]+[\s,]+){0,3}[\p{L}-]+)/giu)) {
    const after = words(m[1] as string)
    if (after[0] === 'be' || after[0] === 'not') continue
    const at = after.findIndex((w) => sameWord(w, verb))
    if (at < 0) continue
    // What it is done to: the words after the verb in the whole text ("delete the space"). The
    // verb's place: the words before "can", "can" itself, then `at` words on.
    const things = thingsAfter(ws, words(text.slice(0, m.index)).length + 1 + at)
    if (objects.length === 0 || things.length === 0 || namesOneOf(things[0] as string, objects)) return true
  }
  return false
}
/** Whether a text says the verb can be done: "… can be uploaded", "may also be used". */
function saysCanBe(text: string, verb: string): boolean {
  for (const m of text.matchAll(/\b(?:can|may)\s+(?:also\s+)?be\s+([\p{L}-]+)/giu))
    if (sameWord(m[1] as string, verb) || sharedRoot((m[1] as string).toLowerCase(), verb)) return true
  return false
}
/** The things a question calls "my": each the last word of up to three after it ("my API keys" → keys). */
function mineOf(question: string): string[] {
  return [...question.matchAll(/\bmy((?:\s+[\p{L}-]+){1,3})/gu)].flatMap((m) => {
    const after = words(m[1] as string)
    const end = after.findIndex((w) => isStopword(w))
    const phrase = end < 0 ? after : after.slice(0, end)
    return phrase.length > 0 ? [phrase[phrase.length - 1] as string] : []
  })
}

/** Whether a text speaks of the reader's own one of these things: "your name" for "my name". */
function saysYour(text: string, mine: readonly string[]): boolean {
  const ws = words(text)
  // "your active sessions" for "my sessions": one describing word may stand between.
  return ws.some(
    (w, i) => w === 'your' && mine.some((m) => sameWord(ws[i + 1] ?? '', m) || sameWord(ws[i + 2] ?? '', m)),
  )
}
const NEED = /\b(?:needs?|needed|require[sd]?|required|necessary|mandatory|optional|compulsory)\b/i
/**
 * A list item labelled by a setting whose name holds a key term of the question ("- `SMTP_URL`: …"
 * for "How do I configure SMTP?") is about it, ahead of items of the same list that name it in
 * passing ("`EMAIL_VERIFICATION` …: `required` (needs `SMTP_URL`)"). Not when the question names
 * the setting itself: then it asks something of it that another passage may say better.
 */
const LABELLED = 1.2
/**
 * The label of a list item: its words before a colon that comes first, within a few words, less
 * what it says in brackets ("`LLM_MAX_TOKENS` (default 1024)" is labelled by the variable).
 */
const ITEM_LABEL = /^(?:[-*]\s+)?([^.:;!?]{1,100}?):\s/u

function labels(unit: Unit | undefined, cov: Coverage, question: string): boolean {
  if (unit?.kind !== 'item') return false
  const label = ITEM_LABEL.exec(unit.text)?.[1]?.replace(/\([^)]*\)/g, ' ')
  if (!label) return false
  const asked = new Set(question.match(/[\p{L}\p{N}_]+/gu) ?? [])
  const settings = (label.match(/[\p{L}\p{N}_]+/gu) ?? []).filter((t) => isCodeToken(t) && !asked.has(t))
  const ws = settings.flatMap((t) => words(t.replace(/_/g, ' ')))
  return cov.keyLexemes().some((k) => ws.some((w) => wordHasLexeme(w, k)))
}
/**
 * "Who is on the panel?", "What is the board made of?" ask what a thing consists of: the sentence
 * saying so ("The IPCC Panel is composed of representatives appointed by governments …") answers
 * before one that only names the thing and some members ("… determined by the IPCC Panel, …").
 */
const COMPOSES = 1.5
/** A sentence describing the API member the question names (answer-units `describesHeading`). */
const NAMED_SECTION = 1.5
const ASKS_COMPOSITION =
  /^(?:and\s+)?(?:who (?:is|are|sits|sit|serves|serve) (?:on|in)\b|who (?:makes|make) up\b|what (?:is|are|was|were) .{1,60}? (?:made (?:up )?of|composed of)\s*\??$|what (?:does|do|did) .{1,60}? (?:consist of|comprise|include)\s*\??$)/iu
const COMPOSED =
  /\b(?:(?:is|are|was|were) (?:made up|composed|formed|comprised) of|consists? of|consisted of|comprises?|comprised|members? (?:are|include|includes)|is made of|are made of)\b/i

/** A sentence introducing a code block, for a question about anything but code, is a weaker lead. */
const CAPTION = 0.75
const introducesCode = (cu: ChunkUnits, i: number) =>
  (cu.units[i]?.introduces ?? []).some((j) => cu.units[j]?.kind === 'code')

/** A cross-reference ("See …", "Refer to …", "For details, see …") is the weakest lead. */
const CROSS_REFERENCE = 0.5
const POINTER =
  /^(?:see(?:\s+also)?|refer\s+to|for\s+(?:more|details|further|an?\s+\w+)[^,.]{0,40},\s*(?:see|refer\s+to))\b/i

/** A sentence that does not say the thing a "which" question asks for seldom names one. */
const UNSAID = 0.75

/**
 * A sentence that does not name what a yes-or-no question asks about answers another question ("plain
 * text (`.txt`)" among the upload formats for "Is my password stored in plain text?"): it leads only
 * when nothing better is said of the subject.
 */
const SUBJECTLESS = 0.25
/** A yes-or-no question's opening auxiliary, and the rest of it. */
const YES_NO =
  /^(?:and\s+)?(?:can|could|does|do|did|is|are|was|were|should|may|must|will|would|has|have)\b\s*([\s\S]*)$/i
const SUBJECT_PRONOUN = /^(i|you|we|they|it|he|she|one)$/
const DETERMINER =
  /^(my|your|our|their|its|his|her|the|a|an|this|that|these|those|any|some|all|every|each|also|still|ever|really|just|with|to|for|on|in|into|from|by|of|at|about|again)$/

/**
 * What a yes-or-no question asks about: the first word after the auxiliary ("Is my password stored
 * …?" → password, "Can an editor delete documents?" → editor), or, after a pronoun and its verb,
 * the first word after them ("Can I see my API key …?" → API, "Does it work with MySQL?" → MySQL).
 */
function subjectOf(question: string, terms: QuestionTerm[]): string | null {
  const rest = YES_NO.exec(question.trim())?.[1]
  if (!rest) return null
  const ws = (rest.match(/[\p{L}\p{N}][\p{L}\p{N}_.-]*/gu) ?? []).map((w) => w.toLowerCase())
  let i = 0
  const skipDeterminers = () => {
    while (i < ws.length && DETERMINER.test(ws[i] as string)) i++
  }
  if (ws[0] === 'there') i = 1
  else if (SUBJECT_PRONOUN.test(ws[0] ?? '')) {
    i = 1
    skipDeterminers()
    i++ // the pronoun's verb
  }
  skipDeterminers()
  const word = ws[i]
  if (!word) return null
  return terms.find((t) => t.own && !isFrameWord(t.lexeme) && wordHasLexeme(word, t.lexeme))?.lexeme ?? null
}

function whichLexeme(question: string, terms: QuestionTerm[]): string | null {
  const noun = whichAskedFor(question)
  if (!noun) return null
  return terms.find((t) => t.own && !isFrameWord(t.lexeme) && wordHasLexeme(noun, t.lexeme))?.lexeme ?? null
}

/** A sentence about the case the question negates ("With X set" for "when X is not set"). */
const CONTRARY = 0.5
/**
 * A sentence that does not name any identifier the question names is a weaker lead: stemming
 * splits REDIS_URL into redis + url, which TEST_REDIS_URL and "the Redis URL" hold too.
 */
const UNNAMED = 0.5
const IDENTIFIER = /(?<![\p{L}\p{N}_./<>-])[\p{L}\p{N}_./-]+(?![\p{L}\p{N}_/-])/gu
const tokensOf = (text: string) =>
  (text.match(IDENTIFIER) ?? []).map((t) => t.replace(/[.]+$/, '').toLowerCase())

/** Tokens that name one thing exactly: snake_case, dotted (Node.js) or path-like (/api/search). */
function identifiersOf(question: string): string[] {
  return [
    ...new Set(
      tokensOf(question).filter(
        (t) => /[\p{L}\p{N}]{2}/u.test(t) && /[\p{L}\p{N}][_.][\p{L}\p{N}]|^\/\p{L}/u.test(t),
      ),
    ),
  ]
}

/** The share of the question's identifiers that the text names. */
function namedShare(text: string, identifiers: string[]): number {
  const tokens = new Set(tokensOf(text))
  const low = ` ${words(text).join(' ')} `
  const named = identifiers.filter((id) => (id.includes(' ') ? low.includes(` ${id} `) : tokens.has(id)))
  return named.length / identifiers.length
}

/**
 * Commands and other code of several words that the sources write as inline code and the question
 * names in the same words ("Can I run npm run ingest while …?" names `npm run ingest`): an
 * identifier too — "npm run reembed" has two of its three words, and it is another command.
 */
function codePhrasesOf(question: string, chunks: readonly RetrievedChunk[]): string[] {
  const asked = ` ${words(question).join(' ')} `
  // A label the documents also use as plain words in a title or heading ("API keys and the OpenAI
  // API" beside the page's `API keys`) names a thing, not one command.
  const headings = chunks.map((c) => ` ${words(`${c.title} ${c.heading ?? ''}`).join(' ')} `)
  // So does a label (capitalised, as a button's) the prose says in lower case ("the server emails
  // a reset link" beside the `Reset link` button): "How long is a reset link valid?" asks about
  // such a link. Not a command (`npm run ingest`), which prose writes as it is.
  // Read only for such a label (most questions name none).
  let prose: string[] | null = null
  const lowerWords = (text: string) =>
    (text.match(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]+/gu) ?? []).map((t) => (/\p{Lu}/u.test(t) ? '|' : t))
  const plain = (phrase: string) => {
    prose ??= chunks.map((c) => ` ${lowerWords(c.content.replace(/`[^`\n]*`/g, ' ')).join(' ')} `)
    return prose.some((p) => p.includes(` ${phrase} `))
  }
  const out = new Set<string>()
  for (const c of chunks)
    for (const m of c.content.matchAll(/`([^`\n]+)`/g)) {
      const code = (m[1] ?? '').trim()
      const phrase = words(code).join(' ')
      if (
        /\s/.test(code) &&
        asked.includes(` ${phrase} `) &&
        !headings.some((h) => h.includes(` ${phrase} `)) &&
        !(/^\p{Lu}/u.test(code) && plain(phrase))
      )
        out.add(phrase)
    }
  return [...out]
}

/**
 * A sentence holding the question's words close together is more likely the one that answers it
 * than one holding them far apart (measured on squad2-dev: 0.5 gave +0.017 gold paragraph cited,
 * +0.015 unanswerable refused, no demo question lost; 1 and 2 did less well).
 */
const PROXIMITY = 0.5

/**
 * How closely the question's words stand together in a sentence: the share of the question's
 * weight it holds, times how densely — distinct question words over the length of the tightest
 * run of words holding those it states. Words its section's heading names stand next to every
 * sentence of the section. 0 when fewer than two question words are there.
 */
function closeness(text: string, terms: QuestionTerm[], heading: Set<string>): number {
  const subject = terms.filter((t) => !t.frame)
  const hits: { at: number; t: number }[] = []
  words(text).forEach((w, at) => {
    const t = subject.findIndex((q) => !heading.has(q.lexeme) && wordHasLexeme(w, q.lexeme))
    if (t >= 0) hits.push({ at, t })
  })
  const stated = new Set(hits.map((h) => h.t))
  const named = subject.filter((t, i) => stated.has(i) || heading.has(t.lexeme))
  if (named.length < 2) return 0
  const total = subject.reduce((w, t) => w + t.weight, 0)
  const weight = named.reduce((w, t) => w + t.weight, 0)
  return total > 0 ? (weight / total) * Math.min(1, named.length / tightestWindow(hits, stated.size)) : 0
}

/** Length in words of the shortest run holding every distinct term of `hits` (two pointers). */
function tightestWindow(hits: { at: number; t: number }[], distinct: number): number {
  if (distinct <= 1) return 1
  let window = Number.POSITIVE_INFINITY
  const count = new Map<number, number>()
  let have = 0
  let lo = 0
  for (const h of hits) {
    count.set(h.t, (count.get(h.t) ?? 0) + 1)
    if (count.get(h.t) === 1) have++
    while (have === distinct) {
      const first = hits[lo] as { at: number; t: number }
      window = Math.min(window, h.at - first.at + 1)
      count.set(first.t, (count.get(first.t) ?? 1) - 1)
      if (count.get(first.t) === 0) have--
      lo++
    }
  }
  return window
}

/** The passages, and the share of the question the first (leading) one covers on its own. */
function choose(
  chunks: ChunkUnits[],
  cov: Coverage,
  ask: Ask,
): { picks: Pick[]; lead: number; leadMissing: QuestionTerm[]; opened: boolean } {
  const picks: Pick[] = []
  let opened = false
  let lead = 0
  let leadMissing: QuestionTerm[] = []
  const used = new Set<string>()
  let sentences = 0
  // A question joining two subjects ("passwords and sessions") is not answered while a key term
  // only a heading names: a passage that states it may follow.
  const joined = /\s(and|or)\s/i.test(ask.question)
  const open = () => cov.share() < STOP_COVERAGE || (joined && cov.unstatedKeys().size > 0)
  while (sentences < MAX_SENTENCES && open()) {
    const opening =
      picks.length === 0
        ? ask.procedure
          ? stepsStart(chunks, cov)
          : (severalStart(chunks, cov, ask) ?? definitionStart(chunks, ask))
        : null
    const start =
      opening ??
      (picks.length === 0
        ? leadWithAction(chunks, cov, ask, bestStart(chunks, cov, used, ask))
        : bestStart(chunks, cov, used, ask, true))
    if (!start) break
    const missing = cov.total * (1 - cov.share())
    const cu = chunks[start.c] as ChunkUnits
    const idx = new Set<number>()
    // "What is a team space?" led by the list item that defines it ("- Team spaces: the spaces you
    // share …"): the item under its introduction, not the list.
    for (const seed of start.seeds) {
      const u = cu.units[seed] as Unit
      closure(cu, seed, idx, true, ask.defined !== null && u.kind === 'item' && defines(u.text, ask.defined))
    }
    const said = lexemesOf(cu, saying(cu, start.seeds, ask))
    // A further passage must bring words not covered at all; from the leading passage's section
    // only for a joined question, when it states a key term nothing chosen states.
    const unstated = cov.unstatedKeys()
    const statesKey = [...unstated].some((k) => states(said, k))
    if (picks.length > 0) {
      if (picks.some((p) => p.c === start.c) && !(joined && statesKey)) break
      if (!statesKey && (cov.share() >= STOP_COVERAGE || start.strictGain < MIN_GAIN * missing)) break
      // A passage elsewhere that states none of what is already answered is about something else
      // that happens to use the question's other words (padding, not an answer).
      const onTopic = cov.overlap(said) > ON_TOPIC_SHARE * cov.total
      if (!joined && start.c !== picks[0]?.c && !onTopic) break
      const leadSection = chunks[picks[0]?.c ?? -1]
      if (!joined && leadSection && saysLeadsOwn(leadSection, cu, said, cov)) break
      // The answer under a FAQ's question that asks what the question asks ("22. Can I use zlib in
      // my commercial application?") is whole: a passage elsewhere stating its words again answers
      // another of the FAQ's questions.
      const lead = chunks[picks[0]?.c ?? -1]
      if (
        lead &&
        /\?$/.test(lastHeading(lead.chunk)) &&
        cov.keyLexemes().every((k) => cov.covered.has(k) || lead.sectionTerms.has(k))
      )
        break
    }
    cov.add(said, picks.length === 0 ? listContext(cu, idx, cov) : cu.headingTerms)
    // The heading naming the things asked for is what makes the passage their list.
    if (opening && !ask.procedure)
      for (const t of cov.terms)
        if (ask.several && wordHasLexeme(ask.several, t.lexeme)) cov.covered.add(t.lexeme)
    sentences++
    // Grow forward through the same paragraph while each next sentence covers more.
    let next = Math.max(...idx) + 1
    const kindOf = (text: string) => kindScore(text, ask.wanted, ask.question)
    // "Can I use Neon's pooled connection string?": whether is told by what the passage goes on to
    // say of the question's main subject (its heaviest word), the caveat after the first fact.
    const subject = ask.yesNo && picks.length === 0 ? (heaviestOwn(cov.terms)?.lexeme ?? null) : null
    let caveat = subject !== null
    while (
      sentences < MAX_SENTENCES &&
      (cov.share() < STOP_COVERAGE || kindOf(textOf(cu, idx)) < 1 || caveat)
    ) {
      const u = cu.units[next]
      const last = cu.units[next - 1] as Unit
      if (!u || !readable(u) || u.paragraph !== last.paragraph || idx.has(next)) break
      const more = new Set<number>()
      closure(cu, next, more)
      const saysMore = lexemesOf(cu, saying(cu, [next], ask))
      // The next sentence stays when it covers more, or brings what was asked for ("how many").
      const bringsKind = kindOf(textOf(cu, more)) > kindOf(textOf(cu, idx))
      const restates = caveat && subject !== null && states(saysMore, subject)
      caveat = false
      // "How was … shown?", "Why …?": the sentence that goes on of the same subject ("She gives a
      // stirring speech …") is the explanation's rest.
      const continues =
        (ask.explain || ask.defined !== null) &&
        picks.length === 0 &&
        u.dep === next - 1 &&
        u.kind === 'sentence'
      if (cov.gain(saysMore, new Set()) <= 0 && !bringsKind && !restates && !continues) break
      for (const m of more) idx.add(m)
      cov.add(saysMore, cu.headingTerms)
      sentences++
      next = Math.max(...idx) + 1
    }
    // "What is encapsulation?" answered by "… is the "encapsulation context."": the sentence that
    // goes on of it ("It governs which decorators …") says what it is.
    const after = cu.units[next]
    if (
      ask.defined !== null &&
      picks.length === 0 &&
      sentences < MAX_SENTENCES &&
      after?.kind === 'sentence' &&
      after.dep === next - 1 &&
      !idx.has(next) &&
      readable(after)
    ) {
      idx.add(next)
      cov.add(lexemesOf(cu, [next]), cu.headingTerms)
    }
    // "What are the answer modes?" led by one item of a list that no sentence introduces: the
    // list is the answer, not its first item.
    const first = cu.units[Math.min(...idx)] as Unit
    if (
      picks.length === 0 &&
      ask.several &&
      first.kind === 'item' &&
      first.dep === undefined &&
      listOf(cu.chunk, ask.several)
    ) {
      const siblings = (from: number, step: number) => {
        for (let j = from + step; cu.units[j]?.kind === 'item'; j += step) {
          if ((cu.units[j] as Unit).paragraph !== first.paragraph || idx.size >= MAX_ITEMS) break
          idx.add(j)
        }
      }
      siblings(Math.min(...idx), -1)
      siblings(Math.max(...idx), 1)
      cov.add(lexemesOf(cu, idx), cu.headingTerms)
    }
    if (picks.length === 0) {
      opened = opening !== null
      lead = cov.share()
      leadMissing = cov.missingKeys()
    }
    for (const i of idx) used.add(`${start.c}:${i}`)
    addPick(picks, { c: start.c, units: [...idx].sort((a, b) => a - b) })
  }
  return { picks, lead, leadMissing, opened }
}

/**
 * The numbered steps of one list describe one process together (how answers are made): a question
 * word that another step of the leading step's list states is named for it as a heading names it
 * ("What kind of search does retrieval use?" led by the step "matched … with BM25 lexical search",
 * the retrieval named two steps on). Not the items of a bulleted list: they are things side by side
 * (one variable each), and one item's word says nothing of another.
 */
function listContext(cu: ChunkUnits, idx: Set<number>, cov: Coverage): Set<string> {
  const lead = [...idx].map((i) => cu.units[i] as Unit)
  if (!lead.some((u) => u.step)) return paragraphSubject(cu, idx, cov)
  const paragraphs = new Set(lead.filter((u) => u.step).map((u) => u.paragraph))
  const siblings = new Set<number>()
  cu.units.forEach((u, i) => {
    if (u.step && paragraphs.has(u.paragraph) && !idx.has(i)) siblings.add(i)
  })
  const stated = lexemesOf(cu, siblings)
  const out = new Set(cu.headingTerms)
  for (const t of cov.terms) if (states(stated, t.lexeme)) out.add(t.lexeme)
  return out
}

/** The question's own heaviest term (the first of equals), or null. */
function heaviestOwn(terms: QuestionTerm[]): QuestionTerm | null {
  let best: QuestionTerm | null = null
  for (const t of terms) if (t.own && (!best || t.weight > best.weight)) best = t
  return best
}

/** A passage of another document as good as the leading one: the reader sees both. */
const ALTERNATIVE_SHARE = 0.75

function alternative(
  chunks: ChunkUnits[],
  terms: QuestionTerm[],
  picks: Pick[],
  lead: number,
  code: boolean,
): Pick | null {
  const fresh = new Coverage(terms)
  const taken = new Set<string>()
  // Not the chosen chunks, nor what they say again in a chunk overlapping them.
  const said = new Set(picks.flatMap((p) => p.units.map((i) => sameText(chunks[p.c]?.units[i]))))
  chunks.forEach((cu, c) => {
    const chosen = picks.some((p) => p.c === c)
    cu.units.forEach((u, i) => {
      if (chosen || said.has(sameText(u))) taken.add(`${c}:${i}`)
    })
  })
  const neutral: Ask = {
    question: '',
    wanted: null,
    near: [],
    several: null,
    words: new Set(),
    listed: 0,
    toward: { to: [], from: [] },
    enumerated: null,
    condition: null,
    which: null,
    yesNo: false,
    composition: false,
    subject: null,
    procedure: false,
    explain: false,
    identifiers: [],
    code,
    defined: null,
    shared: [],
    costWords: [],
    framedAction: false,
    needWords: [],
    mine: [],
    possible: null,
    allowedTo: null,
  }
  const start = bestStart(chunks, fresh, taken, neutral)
  if (!start) return null
  const cu = chunks[start.c] as ChunkUnits
  const idx = new Set<number>()
  for (const seed of start.seeds) closure(cu, seed, idx)
  fresh.add(lexemesOf(cu, saying(cu, start.seeds, neutral)), cu.headingTerms)
  if (fresh.share() < Math.max(MIN_ANSWER_COVERAGE, ALTERNATIVE_SHARE * lead)) return null
  return { c: start.c, units: [...idx].sort((a, b) => a - b) }
}

/**
 * "Which environment variables can I configure?" answered by a sentence that speaks of them in
 * general ("All configuration is environment variables") names none: a list that a sentence
 * stating those things introduces ("Set these … under 'Variables and secrets':") follows.
 */
const COUNT_WORDS: Record<string, number> = { two: 2, three: 3, four: 4, five: 5, six: 6 }
/** "one of three roles", "two kinds of space": a number, then (a word or two later) the things. */
const ANNOUNCED = /\b(two|three|four|five|six|[2-6])\s+((?:[\p{L}-]+\s+){0,2}?)([\p{L}-]+)/giu

/** A reply opening an answer: "Yes.", "No, not by default.", "Not by itself, no." */
const REPLY = /^(?:(?:yes|no)\b[^.!?]{0,60}|not\b[^.!?]{0,40},\s*no)[.!]$/i

/** A sentence that opens on the case a "what happens when …" question asks about leads before others. */
const CONDITION = 1.3
/** ... and an instruction bringing the case about comes after what happens then. */
const INSTRUCTS = 0.5
const ASKED_CONDITION = /^(?:and\s+)?what happens (?:to [^?]*?\s)?(?:when|if|after|once|while)\s+([^?]+)/i
const STATED_CONDITION = /^(?:when|if|after|once|while|as soon as)\s+([^,;:]{3,120})[,;:]/i

/**
 * "What happens when I remove a member from a space?" → the question's own lexemes in "I remove a
 * member from a space" (remov, member, space), or null.
 */
function conditionAsked(question: string, terms: QuestionTerm[]): string[] | null {
  const asked = ASKED_CONDITION.exec(question.trim())?.[1]
  if (!asked) return null
  const ws = words(asked)
  const lexemes = terms
    .filter((t) => t.own && !isFrameWord(t.lexeme) && ws.some((w) => wordHasLexeme(w, t.lexeme)))
    .map((t) => t.lexeme)
  return lexemes.length > 0 ? lexemes : null
}

/**
 * Whether a sentence opens on the question's case ("When a member is removed, …" for "What
 * happens when I remove a member from a space?"): its condition states the case's lexemes, at
 * least two, or all of them if fewer.
 */
function statesCondition(text: string, condition: readonly string[]): boolean {
  // The case may open any of a list item's sentences.
  return splitSentences(text).some((sentence) => {
    const stated = STATED_CONDITION.exec(sentence)?.[1]
    if (!stated) return false
    const said = words(stated)
    const hits = condition.filter((l) => said.some((w) => wordHasLexeme(w, l))).length
    return hits >= Math.min(2, condition.length)
  })
}

/**
 * A sentence introducing the enumeration a question asks for leads before one naming one of them,
 * and one listing as many things as the question asks for ("What three things …?") before one
 * sharing more of its words.
 */
const ENUMERATES = 1.3

/** "What roles …?", "What kinds of space are there?": the things an enumeration would answer. */
function enumeratedOf(
  question: string,
  several: string | null,
  which: string | null,
  terms: QuestionTerm[],
): string | null {
  const things = several ?? (/\b(kinds?|types?|sorts?)\s+of\b/i.test(question) ? which : null)
  if (!things) return null
  return terms.find((t) => t.own && (t.lexeme === things || wordHasLexeme(things, t.lexeme)))?.lexeme ?? null
}

interface Toward {
  to: string[]
  from: string[]
}

/** Content words of a phrase, lightly stemmed (buffers → buffer). */
const phraseWords = (phrase: string | undefined) =>
  words(phrase ?? '')
    .filter((w) => !isStopword(w))
    .map(lightStem)

/** "How do I convert a string to an encoded buffer?" → to: encod, buffer. */
function towardOf(question: string): Toward {
  return {
    to: phraseWords(/\bto\s+([^?,.;]+)/i.exec(question)?.[1]),
    from: phraseWords(/\bfrom\s+([^?,.;]+?)(?:\s+to\b|[?,.;]|$)/i.exec(question)?.[1]),
  }
}

/**
 * A passage going the other way: "Convert from an encoded buffer to a js string" for "How do I
 * convert a string to an encoded buffer?" has the question's destination where it starts from
 * (or its start where it goes to), and not where it goes. It speaks of the other case.
 */
function reversed(toward: Toward, text: string): boolean {
  if (toward.to.length === 0 && toward.from.length === 0) return false
  const m = /\bfrom\s+([^,.;:]+?)\s+to\s+([^,.;:]+)/i.exec(text)
  if (!m) return false
  const from = new Set(phraseWords(m[1]))
  const to = new Set(phraseWords(m[2]))
  const swapped = (asked: string[], there: Set<string>, here: Set<string>) =>
    asked.some((w) => there.has(w)) && !asked.some((w) => here.has(w))
  return swapped(toward.to, from, to) || swapped(toward.from, to, from)
}

/** "What three things …?", "Which four …": the count a question asks a list of, from three up. */
const LISTED_ASKED = /^(?:and\s+)?(?:what|which|name)\s+(?:the\s+)?(three|four|five|six|[3-6])\s/i

function listedAsked(question: string): number {
  const m = LISTED_ASKED.exec(question.trim())?.[1]?.toLowerCase()
  return m ? (COUNT_WORDS[m] ?? Number(m)) : 0
}

/** One to four words of a list's item. */
const ITEM = "[\\p{L}\\p{N}'’-]+(?:\\s+[\\p{L}\\p{N}'’-]+){0,3}"
/** "planning, design, and financing", "red, green or blue": items joined by commas and a last and/or. */
const SERIES = new RegExp(`(?:${ITEM},\\s+)+((?!(?:and|or)\\s)${ITEM}\\s+)?(?:and|or)\\s+${ITEM}`, 'gu')

/** The most items one series in the text lists ("planning, design, and financing": 3), or 0. */
function listedIn(text: string): number {
  let most = 0
  for (const m of text.replace(/\[[^\]]*\]/g, '').matchAll(SERIES)) {
    const commas = (m[0].match(/,/g) ?? []).length
    most = Math.max(most, commas + (m[1] ? 2 : 1))
  }
  return most
}

/** How many of the things a sentence announces ("one of three roles": 3), or 0. */
function announcedCount(text: string, lexeme: string): number {
  let count = 0
  for (const m of text.matchAll(ANNOUNCED)) {
    if (wordHasLexeme(m[3] as string, lexeme))
      count = COUNT_WORDS[(m[1] as string).toLowerCase()] ?? Number(m[1])
  }
  return count
}

/** Whether unit i introduces the things (a list after its colon, or a count of them). */
function announces(cu: ChunkUnits, i: number, lexeme: string): boolean {
  const u = cu.units[i]
  if (!u || !states(u.lexemes, lexeme)) return false
  return (u.introduces?.length ?? 0) > 0 || announcedCount(u.text, lexeme) > 0
}

/**
 * "What roles can a member have?" led by "A member has one of three roles." announces the roles
 * and names none: the sentences after it in its paragraph, as many as it announces, are the
 * answer, and follow it.
 */
function announcedAfter(cu: ChunkUnits, pick: Pick, ask: Ask): number[] {
  const lexeme = ask.enumerated
  if (!lexeme) return []
  const last = pick.units[pick.units.length - 1] as number
  const lead = cu.units[last]
  if (lead?.kind !== 'sentence') return []
  const count = announcedCount(lead.text, lexeme)
  if (count === 0) return []
  const after: number[] = []
  for (let i = last + 1; i < cu.units.length && after.length < count; i++) {
    const u = cu.units[i] as Unit
    if (u.paragraph !== lead.paragraph || u.kind !== 'sentence') break
    after.push(i)
  }
  return after.length === count ? after : []
}

/** The question's own term for the several things it asks for ("values" → valu), or null. */
function severalTerm(ask: Ask, terms: QuestionTerm[]): string | null {
  const things = ask.several
  if (!things) return null
  return terms.find((t) => t.own && wordHasLexeme(things, t.lexeme))?.lexeme ?? null
}

/** Items of a list brought after a leading sentence that names the things asked for. */
const LIST_AFTER_ITEMS = 8

/**
 * "What values can sameSite take?" led by "Specifies the value for the `SameSite` attribute.",
 * the last sentence of its paragraph, with the list of values as the next paragraph: the list is
 * the answer, though the sentence does not end in a colon (nor names any of the things).
 */
function listAfter(cu: ChunkUnits, pick: Pick, ask: Ask, terms: QuestionTerm[]): number[] {
  const lexeme = severalTerm(ask, terms)
  const last = pick.units[pick.units.length - 1] as number
  const lead = cu.units[last]
  const next = cu.units[last + 1]
  if (!lexeme || lead?.kind !== 'sentence' || !states(lead.lexemes, lexeme) || lead.introduces?.length)
    return []
  // A sentence that names the things itself ("… supports two databases: PGlite … and PostgreSQL")
  // is the answer; the list after it is about something else.
  if (/[:;]/.test(lead.text) || announcedCount(lead.text, lexeme) > 0) return []
  if (next?.kind !== 'item' || next.paragraph === lead.paragraph) return []
  const items: number[] = []
  for (let i = last + 1; items.length < LIST_AFTER_ITEMS; i++) {
    const u = cu.units[i]
    if (u?.kind !== 'item' || u.paragraph !== next.paragraph) break
    items.push(i)
  }
  return items
}

/** "What is it called when …?", "What is this process called?", "What name is given to …?" */
const ASKS_NAME =
  /^(and\s+)?(what|which)\b.*\b(called|known as|termed|referred to as)\s*\??$|^(and\s+)?what is it called\b|^(and\s+)?what (name|term) (is|was) (given|used)\b|^(and\s+)?what (do|does|did) .+ (call|name|dub)\b/i
/**
 * A sentence that names what the one before it describes: "This is a form of jail solidarity.",
 * "He called it packet switching, …".
 */
const NAMES_PREVIOUS =
  /^(?:(this|that|it|these|those|such\s+[\p{L}-]+)\s+(is|are|was|were|has been|have been|became)\s+(also\s+|now\s+|sometimes\s+|often\s+)?(called|known as|termed|referred to as|named|dubbed|a form of|a kind of|a type of|an example of)|(he|she|they|we|people|it)\s+(called|named|dubbed|termed)\s+(it|this|them|these|that))\s/iu

/**
 * When the question asks what something is called and the leading passage describes it, the
 * sentence right after that names it ("This is a form of jail solidarity.") is the answer itself.
 */
function namedAfter(cu: ChunkUnits, pick: Pick, question: string): number[] {
  if (!ASKS_NAME.test(question.trim())) return []
  const last = pick.units[pick.units.length - 1] as number
  const lead = cu.units[last]
  const next = cu.units[last + 1]
  if (lead?.kind !== 'sentence' || next?.kind !== 'sentence' || next.paragraph !== lead.paragraph) return []
  return NAMES_PREVIOUS.test(next.text) ? [last + 1] : []
}

/** "What should I do if no coffee comes out?", "What can I do about it?", "How do I fix this?" */
const ASKS_REMEDY =
  /^(?:and\s+)?(?:what (?:should|can|do|must|shall) (?:i|we|you) do|what to do|how (?:do|can|should) (?:i|we|you) (?:fix|solve|resolve|repair))\b|\bwhat (?:should|can) (?:i|we) do\s*\??$/i
/** How far past the leading passage the remedy may follow in its paragraph. */
const REMEDY_REACH = 2

/**
 * "No coffee comes out. The tank may be empty or the grind too fine." states the problem the
 * question names, and its cause; the instruction after it ("Refill the tank or grind coarser.") is
 * what the reader asked for. A leading passage that gives no instruction brings the first one that
 * follows it in its paragraph (what lies between comes too).
 */
function remedyAfter(cu: ChunkUnits, pick: Pick, question: string): number[] {
  if (!ASKS_REMEDY.test(question.trim()) || pick.units.some((i) => cu.units[i]?.action)) return []
  const last = pick.units[pick.units.length - 1] as number
  const paragraph = cu.units[last]?.paragraph
  for (let i = last + 1; i <= last + REMEDY_REACH; i++) {
    const u = cu.units[i]
    if (!u || u.paragraph !== paragraph || !readable(u)) return []
    if (u.action) return Array.from({ length: i - last }, (_, k) => last + 1 + k)
  }
  return []
}

function listOfAsked(chunks: ChunkUnits[], picks: Pick[], ask: Ask, terms: QuestionTerm[]): Pick | null {
  if (!ask.several) return null
  const listed = (k: UnitKind | undefined) => k === 'item' || k === 'row' || k === 'header'
  if (picks.some((p) => p.units.some((i) => listed(chunks[p.c]?.units[i]?.kind)))) return null
  const lexeme = severalTerm(ask, terms)
  if (!lexeme) return null
  for (const [c, cu] of chunks.entries()) {
    const taken = new Set(picks.filter((p) => p.c === c).flatMap((p) => p.units))
    const i = cu.units.findIndex(
      (u, j) => !taken.has(j) && (u.introduces?.length ?? 0) > 0 && states(u.lexemes, lexeme),
    )
    if (i < 0) continue
    const idx = new Set<number>()
    closure(cu, i, idx)
    return { c, units: [...idx].sort((a, b) => a - b) }
  }
  return null
}

function shorten(text: string): string {
  if (text.length <= MAX_UNIT_CHARS) return text
  const cut = text.slice(0, MAX_UNIT_CHARS)
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), MAX_UNIT_CHARS / 2)).replace(/[\s,;:]+$/, '')}…`
}

/**
 * "It runs on port 7860." + 1 → "It runs on port 7860 [1]."; after a closing quote it goes last.
 * A sentence two sources say word for word carries both markers: "… [1][2]."
 */
function withMarker(text: string, index: number | readonly number[]): string {
  const marker = (typeof index === 'number' ? [index] : index).map((n) => `[${n}]`).join('')
  const m = /^(.*?[^.!?:\s])([.!?:]+)$/s.exec(text)
  return m ? `${m[1]} ${marker}${m[2]}` : `${text} ${marker}`
}

function lastHeading(chunk: RetrievedChunk): string {
  const path = (chunk.heading ?? '').split(' > ')
  return (path[path.length - 1] ?? '').trim()
}

function rowWithHeader(cu: ChunkUnits, row: Unit): string {
  const header = row.dep === undefined ? undefined : cu.units[row.dep]
  if (header?.kind !== 'header') return row.text
  const names = header.text.split(' | ')
  const cells = row.text.split(' | ')
  if (names.length !== cells.length) return row.text
  return cells.map((cell, k) => `${names[k]}: ${cell}`).join(', ')
}

/** One passage as text: sentences run on, list items and table rows on lines of their own. */
function render(cu: ChunkUnits, units: number[], n: number | readonly number[]): string {
  const lines: string[] = []
  let prose: string[] = []
  let step = 0
  const steps = units.filter((i) => cu.units[i]?.step).length
  const flush = () => {
    if (prose.length > 0) lines.push(prose.join(' '))
    prose = []
  }
  for (const i of units) {
    const u = cu.units[i] as Unit
    // A table row reads as "Plan: Family, Fee per year: 45 €"; its header is then not repeated.
    if (u.kind === 'header' && units.some((j) => cu.units[j]?.dep === i && cu.units[j]?.kind === 'row'))
      continue
    // Code spans shown as code, unless the unit is too long to show whole (a cut could split one).
    const text =
      u.kind === 'row' ? rowWithHeader(cu, u) : u.shown && u.shown.length <= MAX_UNIT_CHARS ? u.shown : u.text
    const marked = withMarker(shorten(text), n)
    if (u.comment !== undefined) {
      // A code comment reads as the sentence introducing the lines after it.
      flush()
      const said = u.comment.replace(/[.:;,]+$/, '')
      const alone = cu.units[units[units.indexOf(i) + 1] ?? -1]?.kind !== 'code'
      lines.push(alone ? withMarker(`${said}.`, n) : `${said}:`)
    } else if (u.kind === 'code') {
      // A command is shown as written, its marker after its last line.
      flush()
      const last = cu.units[units[units.indexOf(i) + 1] ?? -1]?.kind !== 'code'
      lines.push(last ? withMarker(`\`${u.text}\``, n) : `\`${u.text}\``)
    } else if (u.kind === 'heading') {
      flush()
      // A FAQ's question keeps its question mark.
      prose.push(isQuestion(u.text) ? u.text : `${u.text}:`)
    } else if (u.kind === 'item' || u.kind === 'row' || u.kind === 'header') {
      flush()
      // Steps keep their order in numbers: the passage may start mid-list, so they count from 1.
      lines.push(u.step && steps > 1 ? `${++step}. ${marked}` : `- ${marked}`)
    } else {
      const lead = u.needsHeading && lastHeading(cu.chunk) ? `${lastHeading(cu.chunk)}: ` : ''
      prose.push(lead + marked)
    }
  }
  flush()
  return lines.join('\n')
}

/** Two words that negate what follows them as "without" does: "instead of the session cookie". */
const REPLACING: readonly (readonly [string, string])[] = [
  ['instead', 'of'],
  ['rather', 'than'],
]
const NEGATION = new RegExp(
  `\\b(not|never|no|none|nobody|nothing|neither|nor|without|cannot|${REPLACING.map((p) => p.join(' ')).join('|')})\\b|n't\\b`,
  'i',
)
/** A passage saying what is allowed: "Assistance dogs are welcome", "Smoking is not permitted". */
const PERMISSION = /\b(?:welcome|allowed|permitted|forbidden|prohibited|banned)\b/i
/** A passage may also negate with a word: "Unset, the server uses …", "when the key is missing". */
const NEGATING_WORD =
  /\b(unset|undefined|unknown|unavailable|unverified|missing|absent|lacks?|lacking|unless)\b/i

/** Numbers and names: 1757, 91.3, "Lupe Mayorga" (capitalised words after the first). */
function specifics(question: string): string[] {
  const numbers =
    question.match(/\b\d{1,2}(?:st|nd|rd|th)[\s-]+century\b|\d+\^\d+|\d+(?:[.,]\d+)*(?:'?s\b)?/gi) ?? []
  const tokens = question.trim().split(/\s+/).slice(1)
  const names = tokens
    .map((t) => t.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '').replace(/'s$/, ''))
    .filter((t) => /^\p{Lu}[\p{Ll}]/u.test(t) && t.length > 1)
  return [...numbers, ...names]
}

/** "2^32": a power, which text that lost its superscript writes "232". */
const POWER = /^(\d+)\^(\d+)$/

/**
 * Whether a text states a number as the question writes it: "1990" is not "the 1990s" nor part of
 * "21990" (but is "1990's"); a question asking of "the 1960s" accepts 1960 in any form and any of
 * its years ("in 1965"), one asking of a century any of its spellings (statesCentury).
 */
function statesNumber(text: string, number: string): boolean {
  const century = centuryOf(number)
  if (century !== null) return statesCentury(text, century)
  const power = POWER.exec(number)
  if (power) return new RegExp(`(?<![\\d.,])${power[1]}\\^?${power[2]}(?![\\d]|[.,]\\d)`).test(text)
  const decade = /'?s$/.test(number)
  // "the 1960s" is stated by any of its years ("in 1965").
  const years = /^(\d{3})0'?s$/.exec(number)?.[1]
  if (years && new RegExp(`(?<![\\d.,])${years}\\d(?![\\d]|[.,]\\d)`).test(text)) return true
  const n = number.replace(/'?s$/, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return new RegExp(`(?<![\\d.,])${n}(?![\\d]|[.,]\\d${decade ? '' : '|s\\b'})`).test(text)
}

const ORDINALS = [
  'first',
  'second',
  'third',
  'fourth',
  'fifth',
  'sixth',
  'seventh',
  'eighth',
  'ninth',
  'tenth',
  'eleventh',
  'twelfth',
  'thirteenth',
  'fourteenth',
  'fifteenth',
  'sixteenth',
  'seventeenth',
  'eighteenth',
  'nineteenth',
  'twentieth',
  'twenty-first',
]

/** The century a question names: 19 for "19th century" and for "the 1800s"; else null. */
function centuryOf(number: string): number | null {
  const ordinal = /^(\d{1,2})(?:st|nd|rd|th)[\s-]+century$/i.exec(number)
  if (ordinal) return Number(ordinal[1])
  const hundreds = /^(\d{1,2})00'?s$/.exec(number)
  return hundreds ? Number(hundreds[1]) + 1 : null
}

/**
 * Whether a text speaks of a century in any of its spellings: "the 19th century", "the nineteenth
 * century", "the 1800s", or one of its years ("in 1830").
 */
function statesCentury(text: string, century: number): boolean {
  const spelled = ORDINALS[century - 1]
  const hundreds = century - 1
  return (
    // "the [21st] century": an editor's brackets.
    new RegExp(`\\b${century}(?:st|nd|rd|th)\\]?[\\s-]+centur`, 'i').test(text) ||
    (spelled !== undefined && new RegExp(`\\b${spelled}\\]?[\\s-]+centur`, 'i').test(text)) ||
    (hundreds > 0 && new RegExp(`(?<![\\d.,])${hundreds}\\d\\d(?:'?s)?(?![\\d]|[.,]\\d)`).test(text))
  )
}

/** The question's times a passage may write otherwise: "the 1800s", "the 19th century", "the 1960s". */
function otherlySpelled(question: string): string[] {
  return specifics(question).filter((n) => centuryOf(n) !== null || /^\d{3}0'?s$/.test(n) || POWER.test(n))
}

/**
 * A passage writing one of those times otherwise ("In the 19th century" for "in the 1800s", "In
 * 1965" for "in the 1960s") states the question's word for it.
 */
function numbersSaid(u: Unit, spelled: string[], terms: QuestionTerm[]): void {
  for (const n of spelled) {
    if (!statesNumber(u.text.toLowerCase(), n.toLowerCase())) continue
    // The question's lexemes of it: 1800s (or 1800), 19th; 2 and 32 of 2^32.
    const power = POWER.exec(n)
    const digits = power ? [power[1], power[2]] : [/^\d+/.exec(n)?.[0]]
    for (const t of terms)
      if (/^\d/.test(t.lexeme) && digits.includes(/^\d+/.exec(t.lexeme)?.[0])) u.lexemes.add(t.lexeme)
  }
}

/**
 * A passage answers a question only if it states what the question takes as given: its numbers
 * and names (somewhere in the passage's section), and — for a negated question — a negation in
 * the passage itself. An on-topic passage that lacks them is about something near the question.
 */
function statesSpecifics(question: string, negated: string[], passage: string, context: string): boolean {
  if (!namesStated(question, context)) return false
  if (NEGATION.test(question) && !NEGATION.test(passage) && !NEGATING_WORD.test(passage)) {
    // "tuition-free" for "charge no tuition", "passwordless" for "with no password".
    const ws = lowerTokens(passage)
    return ws.some((w, i) =>
      negated.some((n) => (withoutIt(ws, i) && w.startsWith(n)) || prefixNegates(w, n)),
    )
  }
  return true
}

/**
 * Whether a text states every number and name the question names (statesSpecifics); with
 * `parse` false, `question` is one such name or number.
 */
function namesStated(question: string, context: string, parse = true): boolean {
  const text = context.toLowerCase()
  const tokens = context.match(/[\p{L}\p{N}]+/gu) ?? []
  const wordsIn = new Set(tokens.map((w) => w.toLowerCase()))
  const capitalised = new Set(tokens.filter((w) => /^\p{Lu}/u.test(w)).map((w) => w.toLowerCase()))
  // A plural written as a name is not stated by the common noun: "Windows" is not the "window" of
  // "until the window passes", though stemming makes them one lexeme.
  // Not in another of its FORMS: "Chinese" does not state "China", the place asked about.
  const statedBy = (p: string, w: string) =>
    wordHasLexeme(p, w) && (p === w || capitalised.has(p) || (w !== `${p}s` && w !== `${p}es`))
  for (const s of parse ? specifics(question) : [question]) {
    const low = s.toLowerCase()
    if (
      /\d/.test(low)
        ? !statesNumber(text, low)
        : !words(low).every((w) => [...wordsIn].some((p) => statedBy(p, w)))
    )
      return false
  }
  return true
}

/**
 * Words that stand for one choice among a few (each choice in its forms): a passage saying another
 * of them and not the question's ("the second German Empire" for "the third German empire",
 * "different viewpoints" for "similar viewpoints", "the easterly flow" for "the westward flow")
 * speaks of another case than the question's.
 */
const CONTRASTS: string[][][] = [
  // Not "last": it is as often the verb ("How long does a session last?").
  ORDINALS.slice(0, 6).map((o) => [o]),
  ...[
    ['north', 'south'],
    ['east', 'west'],
  ].map((pair) =>
    [...pair, 'middle'].map((d) =>
      d === 'middle' ? ['middle', 'central'] : [d, `${d}ern`, `${d}ward`, `${d}wards`, `${d}erly`],
    ),
  ),
  [['least'], ['most']],
  [['similar', 'same'], ['different']],
  [['highest'], ['lowest']],
  [['largest', 'biggest'], ['smallest']],
  [['earliest'], ['latest']],
  [['early'], ['late']],
  [
    ['succeed', 'succeeds', 'succeeded', 'success', 'successful'],
    ['fail', 'fails', 'failed', 'failure', 'failures'],
  ],
  [['minimum'], ['maximum']],
  [
    ['inner', 'internal', 'interior', 'inward', 'inwards', 'inside'],
    ['outer', 'external', 'exterior', 'outward', 'outwards', 'outside'],
  ],
  [
    [
      'increase',
      'increases',
      'increased',
      'increasing',
      'rise',
      'rises',
      'rose',
      'raise',
      'raises',
      'raised',
    ],
    [
      'decrease',
      'decreases',
      'decreased',
      'decreasing',
      'lowers',
      'lowered',
      'reduce',
      'reduces',
      'reduced',
      'fall',
      'falls',
      'fell',
    ],
  ],
  [
    ['begin', 'begins', 'began', 'begun', 'start', 'starts', 'started'],
    ['end', 'ends', 'ended', 'finish', 'finishes', 'finished'],
  ],
  [['poorly', 'badly'], ['well']],
  [['upper'], ['lower']],
  [
    ['low', 'lower'],
    ['high', 'higher'],
  ],
  [['positive'], ['negative']],
  [['little'], ['great', 'greatly', 'significant', 'significantly']],
  [
    ['male', 'males'],
    ['female', 'females'],
  ],
  [
    ['import', 'imports', 'imported'],
    ['export', 'exports', 'exported'],
  ],
  [['majority'], ['minority']],
]

/** "at least 8", "at most 3", "first of all", "one second": the words as idiom or unit, not a choice. */
const IDIOM =
  /\b(at (?:least|most|first|last)|first of all|last but not least|(?:\d+|a|one|per|each|every|split) seconds?|as well|at the (?:start|end|beginning))\b/gi

/** Runs of capitalised words name one thing: "Middle East", "North America", "Second World War". */
const NAME_RUN = /\b\p{Lu}[\p{L}'-]*(?:\s+\p{Lu}[\p{L}'-]*)+/gu

/** The small words a name of several words may hold ("Imperial Academy of Medicine"). */
const NAME_JOINERS = new Set([
  'of',
  'the',
  'de',
  'du',
  'des',
  'la',
  'le',
  'von',
  'van',
  'der',
  'y',
  'and',
  'for',
])
const LONG_NAME = new RegExp(
  `(?<![\\p{L}\\p{N}])\\p{Lu}[\\p{L}'-]*(?:\\s+(?:(?:${[...NAME_JOINERS].join('|')})\\s+)*\\p{Lu}[\\p{L}'-]*)+`,
  'gu',
)
const nameWords = (name: string) => words(name).filter((w) => !NAME_JOINERS.has(w))

/** "the number of Scottish MSPs": the words naming what is counted (a few, stopwords aside). */
const NUMBER_OF = /\bnumbers? of ((?:[\p{L}\p{N}-]+\s*){1,3})/giu

function countedWords(text: string): string[][] {
  return [...text.matchAll(NUMBER_OF)].map((m) => words(m[1] ?? '').filter((w) => !isStopword(w)))
}

/**
 * Whether a passage speaks of the number of other things than the question's ("the number of
 * proxies" for "the number of spaces"): it counts something, and nothing the question counts.
 */
function otherCounted(question: string, passage: string): boolean {
  const asked = countedWords(question).flat()
  if (asked.length === 0) return false
  const said = countedWords(passage)
  return (
    said.length > 0 &&
    !said.some((ws) => ws.some((w) => asked.some((a) => sameWord(w, a) || sharedRoot(w, a))))
  )
}

/**
 * "Who created the Imperial Academy of Shamanism?" answered by "Kublai created the Imperial Academy
 * of Medicine": the passage names another thing of the same start, and never the question's.
 */
function namesAnother(question: string, passage: string): boolean {
  const asked = (question.charAt(0).toLowerCase() + question.slice(1)).match(LONG_NAME) ?? []
  const said = (passage.match(LONG_NAME) ?? []).map(nameWords)
  const lower = passage.toLowerCase().replace(/\s+/g, ' ')
  return asked.some((name) => {
    const q = nameWords(name)
    if (q.length < 2 || lower.includes(name.toLowerCase().replace(/\s+/g, ' '))) return false
    return said.some((p) => p[0] === q[0] && q.some((w) => !p.includes(w)) && p.some((w) => !q.includes(w)))
  })
}

function contrasted(question: string, passage: string): boolean {
  if (namesAnother(question, passage)) return true
  const plain = (text: string) => new Set(words(text.replace(IDIOM, ' ').replace(NAME_RUN, ' ')))
  const qs = plain(question)
  const ps = plain(passage)
  const says = (set: Set<string>, choice: string[]) => choice.some((w) => set.has(w))
  for (const choices of CONTRASTS) {
    const asked = choices.filter((c) => says(qs, c))
    if (asked.length !== 1 || says(ps, asked[0] as string[])) continue
    if (choices.some((c) => c !== asked[0] && says(ps, c) && !says(qs, c))) return true
  }
  // "unencrypted" asked, "encrypted" said (or the other way round); "jawless" asked, "jawed" said.
  // Not "unsuitable" asked, "were not suitable" said.
  const tokens = lowerTokens(passage)
  const denied = (word: string) =>
    tokens.some((x, i) => x === word && negatedBefore(tokens, i, NEGATOR, NEGATION_FILLER))
  for (const w of qs) {
    if (w.length < 6 || ps.has(w)) continue
    const base = UN_PREFIXED.exec(w)?.[1]
    if (base ? ps.has(base) && !denied(base) : (ps.has(`un${w}`) || ps.has(`non${w}`)) && !qs.has('not'))
      return true
    const lacking = /^(\p{L}{3,})less$/u.exec(w)?.[1]
    if (lacking && (ps.has(`${lacking}ed`) || ps.has(`${lacking}ful`))) return true
    const having = /^(\p{L}{3,})(?:ed|ful)$/u.exec(w)?.[1]
    if (having && ps.has(`${having}less`)) return true
  }
  return (
    notTheMost(question, passage) ||
    comparedTheOtherWay(question, passage) ||
    otherSubject(question, passage) ||
    modifiedOtherwise(question, passage) ||
    otherPrefix(qs, ps) ||
    otherPartner(question, passage) ||
    otherYear(question, passage)
  )
}

const SUPERLATIVE =
  '(?:largest|biggest|smallest|highest|lowest|longest|shortest|oldest|youngest|busiest|richest|poorest|most\\s+\\p{L}+)'
/** A rank below the top before a superlative: "third largest", "32nd most liveable", "one of the most liveable". */
const ORDINAL_BEFORE = `\\b(?:${ORDINALS.slice(1, 10).join('|')}|\\d+(?:st|nd|rd|th)|one\\s+of\\s+the)[\\s-]+(${SUPERLATIVE})`
const RANKED = new RegExp(ORDINAL_BEFORE, 'iu')
/** Every ranked superlative of a text (read with matchAll, which leaves its lastIndex alone). */
const RANKED_ALL = new RegExp(ORDINAL_BEFORE, 'giu')
const SUPERLATIVE_WORD = new RegExp(`\\b${SUPERLATIVE}\\b`, 'iu')

/**
 * "What is the largest seaport in Florida?" answered by "… Florida's third largest seaport": the
 * passage ranks the thing below the top the question asks for, and never says it of another.
 */
function notTheMost(question: string, passage: string): boolean {
  // A question ranking its own superlative ("the third largest") is not asking for the top.
  const asked = SUPERLATIVE_WORD.exec(question)
  if (!asked || RANKED.test(question)) return false
  const word = asked[0].toLowerCase()
  const ranked = [...passage.matchAll(RANKED_ALL)].filter((m) => (m[1] ?? '').toLowerCase() === word)
  if (ranked.length === 0) return false
  // Said without a rank elsewhere in the passage: the top one is named too.
  const all = passage.toLowerCase().split(word).length - 1
  return all === ranked.length
}

const COMPARATIVE =
  /\b(lower|higher|greater|smaller|larger|bigger|more|less|better|worse|faster|slower|older|younger|earlier|later)\b\s+(?:[\p{L}-]+\s+){0,3}?than\s+(?:(?:that|those)\s+of\s+|for\s+|in\s+)?(?:(?:the|a|an)\s+)?([\p{L}-]+)/iu

/**
 * "What makes the ratio of combustion engines lower than that of steam plants?" answered by "…
 * makes the ratio of a steam plant lower than for combustion engines": the two compared the other
 * way round.
 */
function comparedTheOtherWay(question: string, passage: string): boolean {
  const q = COMPARATIVE.exec(question)
  const p = COMPARATIVE.exec(passage)
  if (!q || !p || q[1]?.toLowerCase() !== p[1]?.toLowerCase()) return false
  const mine = (q[2] as string).toLowerCase()
  const theirs = (p[2] as string).toLowerCase()
  if (sameWord(mine, theirs)) return false
  const before = (text: string, m: RegExpExecArray) => words(text.slice(0, m.index))
  return (
    before(passage, p).some((w) => sameWord(w, mine)) && before(question, q).some((w) => sameWord(w, theirs))
  )
}

/**
 * The start a name's forms share ("Albanians" / Albanian): all but its last `dropped` letters, and
 * at least four.
 */
const nameStem = (name: string, dropped = 2) =>
  name.toLowerCase().slice(0, Math.max(4, name.length - dropped))
/** Whether a text's words (lower-cased) say a name in one of its forms. */
const namesIn = (ws: readonly string[], name: string, dropped = 2) => {
  const stem = nameStem(name, dropped)
  return ws.some((w) => w.startsWith(stem))
}

/**
 * "What did Gandhi write …?" answered by "Thoreau also wrote …": another name does the question's
 * verb, and the question's name is not in the passage.
 */
function otherSubject(question: string, passage: string): boolean {
  const m = /\b(?:did|does|do)\s+(\p{Lu}\p{Ll}{2,})\s+(\p{Ll}{3,})\b/u.exec(question)
  if (!m) return false
  const verb = m[2] as string
  if (namesIn(words(passage), m[1] as string)) return false
  const doing = (w: string) => sameWord(w, verb) || verbOfIrregular(w) === verb
  return [
    ...passage.matchAll(/\b(\p{Lu}\p{Ll}{2,})\s+(?:also\s+|then\s+|later\s+|once\s+)?(\p{Ll}{3,})\b/gu),
  ].some(([, who, did]) => !isStopword(who as string) && doing(did as string))
}

/** Prefixes that make a word's opposite of the same stem: prokaryotes / eukaryotes, upstream / downstream. */
const OPPOSITE_PREFIXES: readonly [string, string][] = [
  ['pro', 'eu'],
  ['pre', 'post'],
  ['up', 'down'],
  ['inter', 'intra'],
  ['micro', 'macro'],
  ['hyper', 'hypo'],
  ['endo', 'exo'],
  ['over', 'under'],
  ['sub', 'super'],
  ['mono', 'poly'],
  ['homo', 'hetero'],
  ['inbound', 'outbound'],
  ['in', 'out'],
  ['im', 'ex'],
]

/** "Which pathway is conserved across all prokaryotes?" answered of "all eukaryotes". */
function otherPrefix(qs: Set<string>, ps: Set<string>): boolean {
  for (const w of qs) {
    if (ps.has(w)) continue
    for (const pair of OPPOSITE_PREFIXES)
      for (const [k, mine] of pair.entries()) {
        const rest = w.startsWith(mine) ? w.slice(mine.length) : ''
        if (rest.length >= 5 && ps.has(`${pair[1 - k]}${rest}`)) return true
      }
  }
  return false
}

/**
 * "In which city did Bohemond sign a peace treaty with the Albanians?" answered by "… a peace
 * treaty with the Byzantines": the passage has another name where the question has its own, after
 * the same word, and never names the question's.
 */
function otherPartner(question: string, passage: string): boolean {
  const partner = /\b(with|against|by|from|between)\s+(?:the\s+)?(\p{Lu}\p{Ll}{2,})/gu
  const said = words(passage)
  const asked = words(question)
  for (const [, prep, name] of question.slice(1).matchAll(partner)) {
    const mine = nameStem(name as string)
    const named = namesIn(said, name as string)
    for (const m of passage.matchAll(partner)) {
      const [, p, other] = m
      if (p !== prep || isStopword(other as string)) continue
      const theirs = nameStem(other as string)
      if (theirs.startsWith(mine)) continue
      // "with Mechlin patterns and Lille ground" for "with Lille ground and Mechlin patterns": the
      // question's name among the partners joined after the same word.
      const joined = /^[^,;:.]*?\b(?:and|or)\b[^,;:.]*/.exec(passage.slice(m.index + m[0].length))?.[0] ?? ''
      if (words(joined).some((w) => w.startsWith(mine))) continue
      // Another name there, and the question's nowhere; or the question's other name there: the
      // two swapped ("Kusala died four days after a banquet with Tugh Temür" for "How many days
      // after a banquet with Kusala did Tugh Temür die?").
      if (!named || asked.some((w) => w.startsWith(theirs))) return true
    }
  }
  return false
}

/**
 * "Who founded the outpost of Charlesfort in 1564?" answered by "In 1562, … founded the outpost of
 * Charlesfort": the passage dates its fact to other years than the question's, never to it.
 */
function otherYear(question: string, passage: string): boolean {
  const asked = specifics(question).filter(
    (n) => /^(?:1\d{3}|20\d{2})(?:'?s)?$/.test(n) || centuryOf(n) !== null,
  )
  if (asked.length === 0) return false
  const text = passage.toLowerCase()
  if (asked.some((y) => statesNumber(text, y.toLowerCase()))) return false
  return /(?<![\d.,])(?:1\d{3}|20\d{2})(?![\d]|[.,]\d)|\b\d{1,2}(?:st|nd|rd|th)[\s-]+centur/i.test(passage)
}

const PREPOSITION =
  /^(?:about|above|across|after|against|along|among|around|before|behind|below|beneath|beside|between|beyond|during|except|inside|near|since|through|throughout|toward|towards|under|until|upon|within|without)$/

/**
 * "What name do British historians use?" answered by "American historians use …": the passage
 * says the question's noun after another name, and never the question's ("British").
 */
function modifiedOtherwise(question: string, passage: string): boolean {
  const qs = question.trim().split(/\s+/).slice(1)
  const lower = words(passage)
  const ps = passage.split(/\s+/)
  const clean = (t: string) => t.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '')
  return qs.some((t, i) => {
    const name = clean(t)
    const noun = clean(qs[i + 1] ?? '').toLowerCase()
    if (!/^\p{Lu}\p{Ll}{2,}$/u.test(name) || !/^\p{Ll}{3,}$/u.test(noun) || isStopword(noun)) return false
    if (PREPOSITION.test(noun)) return false
    // "Brazilian" says "Brazil" (all but one letter: "Britain" does not say "British").
    if (namesIn(lower, name, 1)) return false
    return ps.some((p, j) => {
      const other = clean(p)
      return (
        /^\p{Lu}\p{Ll}{2,}$/u.test(other) &&
        !isStopword(other) &&
        j + 1 < ps.length &&
        clean(ps[j + 1] as string).toLowerCase() === noun
      )
    })
  })
}

/** "How do I …" and "how to …": the verb that names the task. */
// "How do I get started?" asks how to start.
const TASK =
  /^(?:and\s+)?(?:how (?:do|can|should|would|could) (?:i|we|you)|how to)\s+(?:get\s+(?=[\p{L}-]+ed\b))?([\p{L}-]+)/iu

/**
 * Whether an instruction's purpose ("To delete a document, …") does the question's verb to other
 * things than the question's ("… delete the space?"): the purpose says the verb and none of the
 * words the question says after it.
 */
function otherObject(question: string, lead: string): boolean {
  const purpose = purposeOf(lead)
  const q = question.trim()
  const verb = TASK.exec(q)?.[1] ?? SUBJECT_VERB.exec(q)?.[2]
  if (!purpose || !verb) return false
  // What each does it to: the words after the verb ("To update, …" does it to nothing named).
  const asked = words(q)
  const objects = thingsAfter(asked, asked.indexOf(verb.toLowerCase()))
  const said = words(purpose)
  const things = thingsAfter(
    said,
    said.findIndex((w) => sameWord(w, verb)),
  )
  if (objects.length === 0 || things.length === 0) return false
  if (ANY_THING.test(things[0] as string)) return false
  return !things.some((w) => namesOneOf(w, objects))
}

/** The words a verb at `at` does its doing to: those after it, without determiners and stopwords. */
const thingsAfter = (ws: readonly string[], at: number) =>
  at < 0 ? [] : ws.slice(at + 1).filter((w) => !DETERMINER.test(w) && !isStopword(w))
/** Whether a word names one of these things (another form of it, or a word sharing its root). */
const namesOneOf = (w: string, things: readonly string[]) =>
  things.some((o) => sameWord(w, o) || sharedRoot(w, o))
/**
 * "To reset everything, …" does it to the question's thing too, and "To make someone an admin …"
 * to whoever the question names.
 */
const ANY_THING = /^(?:everything|all|someone|somebody|anyone|anybody)$/

/**
 * Whether a statement does the question's task to another thing ("An owner can also rename the
 * space" for "How do I rename a document?"): it has the task's verb followed by a thing the
 * question does not name, and neither it nor its section's heading names any of the question's things.
 */
function doneToOther(question: string, lead: string, heading: string): boolean {
  const verb = TASK.exec(question.trim())?.[1]?.toLowerCase()
  if (!verb || isStopword(verb) || isFrameWord(verb)) return false
  const asked = words(question)
  const objects = thingsAfter(asked, asked.indexOf(verb))
  const said = words(lead)
  const names = (w: string) => namesOneOf(w, objects)
  if (objects.length === 0 || said.some(names) || words(heading).some(names)) return false
  const thing = thingsAfter(
    said,
    said.findIndex((w) => sameWord(w, verb)),
  )[0]
  return thing !== undefined && !ANY_THING.test(thing)
}

/** The verb of a "how do I" question when it is a frame word ("see", "use", "find"), or null. */
function frameTaskOf(question: string): string | null {
  const verb = TASK.exec(question.trim())?.[1]?.toLowerCase()
  return verb && !isStopword(verb) && isFrameWord(verb) ? verb : null
}

/** The lexeme of the task a "how do I" question asks about ("create" in "How do I create …?"), or null. */
function taskOf(question: string, terms: QuestionTerm[]): string | null {
  const verb = TASK.exec(question.trim())?.[1]
  if (!verb || isStopword(verb) || isFrameWord(verb)) return null
  return terms.find((t) => t.own && wordHasLexeme(verb, t.lexeme))?.lexeme ?? null
}

/** The question's own subject terms outside a pair joined by and/or ("passwords and sessions"). */
function sharedTerms(question: string, terms: QuestionTerm[]): string[] {
  const pair = /([\p{L}\p{N}_-]+)\s+(?:and|or)\s+([\p{L}\p{N}_-]+)/iu.exec(question)
  if (!pair) return []
  const joined = words(`${pair[1]} ${pair[2]}`)
  return terms
    .filter((t) => t.own && !isFrameWord(t.lexeme) && !joined.some((w) => wordHasLexeme(w, t.lexeme)))
    .map((t) => t.lexeme)
}

/** A token naming a constant rather than saying a word: DELETE, EMBEDDING_MODEL, ADMIN_EMAILS. */
const isCodeToken = (t: string) => /^[\p{Lu}\p{N}_]+$/u.test(t) && /\p{Lu}{2}/u.test(t)
const TOKEN = /[\p{L}\p{N}_]+/gu

/** The words of a text, split into those written as prose and those inside code-like tokens. */
function wordForms(text: string): { prose: string[]; code: string[] } {
  const prose: string[] = []
  const code: string[] = []
  for (const t of text.match(TOKEN) ?? []) (isCodeToken(t) ? code : prose).push(...words(t))
  return { prose, code }
}

/**
 * A question word written as prose ("delete my account") is not stated by a sentence that has it
 * only inside a name of code ("DELETE under /api/", "EMBEDDING_MODEL", "ADMIN_EMAILS"): stemming
 * makes them one lexeme, but they name different things. Such lexemes leave the unit's set.
 */
function proseOnly(u: Unit, question: string, terms: QuestionTerm[]): void {
  // The question's own capitalised forms (PDFs, NASA) may be matched by constants and acronyms,
  // unless the question also writes the word as prose ("Which database … DATABASE_URL …?": the
  // database asked for is not stated by naming DATABASE_URL).
  const tokens = question.match(TOKEN) ?? []
  const capitals = tokens.filter((t) => /\p{Lu}{2}/u.test(t)).flatMap(words)
  const prose = tokens.filter((t) => !/\p{Lu}{2}/u.test(t)).flatMap(words)
  let forms: { prose: string[]; code: string[] } | null = null
  for (const t of terms) {
    if (!u.lexemes.has(t.lexeme)) continue
    const has = (ws: string[]) => ws.some((w) => wordHasLexeme(w, t.lexeme))
    if (has(capitals) && !has(prose)) continue
    forms ??= wordForms(u.text)
    const inProse = forms.prose.some((w) => wordHasLexeme(w, t.lexeme))
    if (!inProse && forms.code.some((w) => wordHasLexeme(w, t.lexeme))) u.lexemes.delete(t.lexeme)
  }
}

const NEGATOR = /^(not|never|no|cannot|without|nor)$|n't$/
/** Words a negation may stand before without being what it negates ("is not yet set", "not to depend"). */
const NEGATION_FILLER = /^(be|been|being|yet|ever|always|even|at|all|any|the|a|an|really|fully|properly|to)$/
/** The fillers, and degree words a denial negates through ("not more difficult"). */
const DEGREE_FILLER =
  /^(be|been|being|yet|ever|always|even|at|all|any|the|a|an|really|fully|properly|more|less|so|as|too|very)$/

/** ... and what a denial negates through to the words after it ("do not have clearly defined boundaries"). */
const DENIAL_FILLER = new RegExp(`${DEGREE_FILLER.source}|^(?:have|has|had)$|^\\p{L}{3,}ly$`, 'u')

/** A text's words, lower-cased, with `_` and `'` kept inside them (DATABASE_URL, n't). */
const lowerTokens = (text: string): string[] =>
  (text.toLowerCase().match(/[\p{L}\p{N}_']+/gu) ?? []).map((w) => w.replace(/^'+|'+$/g, '')).filter(Boolean)

/** Whether, past the words `skip` matches, the word before position i is one `negator` matches. */
function negatedBefore(
  ws: readonly string[],
  i: number,
  negator: RegExp,
  skip: { test(word: string): boolean },
): boolean {
  let j = i - 1
  while (j >= 0 && skip.test(ws[j] as string)) j--
  return j >= 0 && negator.test(ws[j] as string)
}

/**
 * Whether a passage states one of the question's own subject words only negated ("not found",
 * "not even having", "not more difficult"): a question that does not negate asks for the case
 * the passage denies.
 */
/** Not "no" or "without": they negate a noun phrase's head ("no session cache"), not its words. */
const DENIER = /^(not|never|cannot)$|n't$/

function deniesOwn(passage: string, terms: QuestionTerm[]): boolean {
  const ws = lowerTokens(passage)
  // "… did not appear until the end of the 18th century" says when it first appeared.
  const until = (i: number) => ws.slice(i + 1, i + 4).some((w) => w === 'until' || w === 'till')
  const negatedAt = (i: number) => negatedBefore(ws, i, DENIER, DENIAL_FILLER) && !until(i)
  // "None of the original treaties … mention …" for "Which of the original treaties mentions …?".
  if (/^\s*(?:none|neither)\s+of\b/i.test(passage)) return true
  // "… was not covered in any newspapers" for "Which newspaper was the first to report it?".
  const anyDenied = (i: number) =>
    ws[i - 1] === 'any' && ws.slice(Math.max(0, i - 6), i - 1).some((w) => DENIER.test(w))
  return terms.some((t) => {
    if (!t.own || isFrameWord(t.lexeme)) return false
    const uses = ws.flatMap((w, i) => (wordHasLexeme(w, t.lexeme) ? [i] : []))
    return uses.length > 0 && uses.every((i) => negatedAt(i) || anyDenied(i))
  })
}

/** The words a question negates: "when DATABASE_URL is not set" → set. */
function negatedWords(question: string): string[] {
  const ws = lowerTokens(question)
  const out: string[] = []
  ws.forEach((w, i) => {
    if (!NEGATOR.test(w)) return
    let j = i + 1
    while (j < ws.length && NEGATION_FILLER.test(ws[j] as string)) j++
    const next = ws[j]
    if (next && !isStopword(next)) out.push(next)
  })
  return out
}

/** "tuition-free", "passwordless", "non-Mongol": the words themselves say the thing is absent. */
const withoutIt = (ws: readonly string[], i: number) =>
  ws[i + 1] === 'free' || /^[\p{L}]{3,}less$/u.test(ws[i] as string) || /^non$/.test(ws[i - 1] ?? '')

/**
 * A negating prefix: "unset" for "not set", "nonprofit" for "not profit"; in-, im-, il- and ir-
 * only on an adjective ("independent of" for "not depend on", "impossible"), as most words that
 * begin so are not negations (information, import).
 */
const NEGATING_PREFIX =
  /^(?:un|non-?|dis)(\p{L}{3,})$|^(?:in|im|il|ir)(\p{L}{3,}(?:ent|ant|ible|able|ive|al|ate|ete|ect|ular|ous|ite))$/u

/** Whether a word is a word starting with `negated` behind a negating prefix ("independent", depend). */
function prefixNegates(word: string, negated: string): boolean {
  const m = NEGATING_PREFIX.exec(word)
  const rest = m?.[1] ?? m?.[2]
  if (!rest) return false
  const stem = negated.slice(0, Math.max(4, negated.length - 2))
  return rest.startsWith(stem)
}

/**
 * A question asking what holds when something is not the case ("when DATABASE_URL is not set") is
 * not answered by a sentence stating only that it is ("With DATABASE_URL set, …"): a sentence
 * whose every use of the negated word lacks a negation right before it does not state that word,
 * and leads at a lower weight. A negating prefix counts ("Unset, …": states() matches un- forms).
 */
function negatedOnly(u: Unit, negated: string[], terms: QuestionTerm[]): void {
  if (negated.length === 0) return
  // "instead of the session cookie", "rather than a password": negated as "without" negates.
  const ws = lowerTokens(u.text).map((w, i, all) =>
    REPLACING.some(([first, second]) => w === second && all[i - 1] === first) ? 'without' : w,
  )
  // "without the session cookie": the negation reaches each word of the negated phrase.
  const skip = (w: string) => NEGATION_FILLER.test(w) || negated.some((n) => w.startsWith(n))
  for (const t of terms) {
    const asked = negated.filter((n) => wordHasLexeme(n, t.lexeme))
    if (asked.length === 0) continue
    // "independent of" states "not depend on" in one word.
    if (ws.some((w) => asked.some((n) => prefixNegates(w, n)))) {
      u.lexemes.add(t.lexeme)
      continue
    }
    if (!u.lexemes.has(t.lexeme)) continue
    const uses = ws.flatMap((w, i) => (w.startsWith(t.lexeme) ? [i] : []))
    if (uses.some((i) => negatedBefore(ws, i, NEGATOR, { test: skip }) || withoutIt(ws, i))) continue
    u.lexemes.delete(t.lexeme)
    if (uses.length > 0) u.contrary = true
  }
}

/** The rest of a word after a negating un- or non- ("unsuitable" → suitable). */
const UN_PREFIXED = /^(?:un|non)(\p{L}{4,})$/u

/** The question's words a passage may say otherwise (found once per question, read per unit). */
interface SaidOtherwise {
  /** "unsuitable": its rest, which a passage may say with a negation ("not suitable"). */
  unprefixed: { lexeme: string; base: string }[]
  /** "uplift": its verb and particle, which a passage may say apart ("lift the world up"). */
  particled: { lexeme: string; particle: string; verb: string }[]
}

function saidOtherwise(terms: QuestionTerm[]): SaidOtherwise {
  return {
    unprefixed: terms.flatMap((t) => {
      const base = UN_PREFIXED.exec(t.lexeme)?.[1]
      return base ? [{ lexeme: t.lexeme, base }] : []
    }),
    particled: terms.flatMap((t) => {
      const m = /^(up|out|down)(\p{L}{3,})$/u.exec(t.lexeme)
      return m ? [{ lexeme: t.lexeme, particle: m[1] as string, verb: m[2] as string }] : []
    }),
  }
}

/**
 * A word the question negates by prefix, said with a negation ("not suitable" for "unsuitable"),
 * and a word joining a particle to a verb, said as the verb and the particle ("lift the world up"
 * for "uplift"), state the question's word.
 */
function otherwiseSaid(u: Unit, { unprefixed, particled }: SaidOtherwise): void {
  if (unprefixed.length === 0 && particled.length === 0) return
  const ws = lowerTokens(u.text)
  for (const { lexeme, base } of unprefixed)
    if (ws.some((w, i) => w.startsWith(base) && negatedBefore(ws, i, NEGATOR, NEGATION_FILLER)))
      u.lexemes.add(lexeme)
  for (const { lexeme, particle, verb } of particled)
    if (
      !u.lexemes.has(lexeme) &&
      ws.some((w, i) => wordHasLexeme(w, verb) && ws.slice(i + 1, i + 4).includes(particle))
    )
      u.lexemes.add(lexeme)
}

/** Particles that make a verb another verb: "sign up" is not "sign out", "turn off" not "turn on". */
const OPPOSITE_PARTICLES: Record<string, string[]> = {
  up: ['in', 'out', 'down'],
  down: ['up'],
  in: ['out', 'up'],
  out: ['in', 'up'],
  on: ['off'],
  off: ['on'],
}
/** A pronoun may stand between a verb and its particle ("signs you in", "turn it off"). */
const PARTICLE_OBJECT = /^(you|it|them|me|us|him|her|this|that)$/

/** The question's phrasal verb ("sign up" in "How do I sign up?"): its lexeme and particle. */
function phrasalOf(question: string, terms: QuestionTerm[]): { lexeme: string; particle: string } | null {
  const ws = lowerTokens(question)
  for (let i = 0; i + 1 < ws.length; i++) {
    const particle = ws[i + 1] as string
    if (!(particle in OPPOSITE_PARTICLES)) continue
    const verb = ws[i] as string
    const t = terms.find((x) => x.own && !isFrameWord(x.lexeme) && wordHasLexeme(verb, x.lexeme))
    if (t) return { lexeme: t.lexeme, particle }
  }
  return null
}

/**
 * A sentence that uses the question's phrasal verb only with another particle ("Sign out
 * everywhere" for "How do I sign up?", "To turn on two-factor" for "How do I turn off
 * two-factor?") speaks of the other action: it leads at a lower weight, as a contrary case does.
 * Written joined or hyphenated ("sign-up", "signup"), the asked particle counts.
 */
function otherParticleOnly(u: Unit, phrasal: { lexeme: string; particle: string } | null): void {
  if (!phrasal || !u.lexemes.has(phrasal.lexeme)) return
  const ws = lowerTokens(u.text)
  const others = OPPOSITE_PARTICLES[phrasal.particle] ?? []
  let asked = false
  let other = false
  ws.forEach((w, i) => {
    if (w.startsWith(`${phrasal.lexeme}${phrasal.particle}`)) asked = true
    if (!wordHasLexeme(w, phrasal.lexeme)) return
    const next = PARTICLE_OBJECT.test(ws[i + 1] ?? '') ? ws[i + 2] : ws[i + 1]
    if (next === phrasal.particle) asked = true
    else if (next && others.includes(next)) other = true
  })
  if (asked) u.particle = 'asked'
  else if (other) {
    u.particle = 'other'
    u.contrary = true
  }
}

/** Whether term t is a part of the hyphenated term w (sign of sign-in, auth of rag-auth). */
const partOf = (t: QuestionTerm, w: QuestionTerm) =>
  w.lexeme.includes('-') && w.lexeme.split('-').some((p) => wordHasLexeme(p, t.lexeme))

export interface ExtractiveAnswer {
  content: string
  citations: Citation[]
}

/**
 * One try at an answer from the given chunks: the answer with its leading passage's coverage, or
 * the chunk whose leading passage leaves the question's names or numbers unstated, or null.
 */
type Attempt = { answer: ExtractiveAnswer; lead: number } | { unstated: number; lead: number } | null

/** Sentences of a document's opening that say what it is (the rest of the paragraph waits). */
const OPENING_SENTENCES = 2
/** Items of a list that the opening's last sentence introduces, shown with it. */
const OPENING_ITEMS = 8

/**
 * A sentence that says something: three words or more, ending as a sentence ends. A line of
 * badges ("![ci][ci-url]", "NPM Stats Build Status npm downloads") is not one.
 */
function saysSomething(u: Unit): boolean {
  const text = u.text.trim()
  return (
    u.kind === 'sentence' &&
    (text.match(/\p{L}{2,}/gu) ?? []).length >= 3 &&
    ENDS_SENTENCE.test(text) &&
    !text.startsWith('![')
  )
}

/**
 * "What is fastq?" of a document called "fastq", whose opening retrieve() put first: the opening's
 * first sentences ("Fast, in memory work queue."), with the list their last one introduces. A
 * title with a subtitle ("iconv-lite: Pure JS character encoding conversion") says it when the
 * opening has no sentence of its own. Null when the sources hold no such opening.
 */
function openingAnswer(question: string, chunks: readonly RetrievedChunk[]): ExtractiveAnswer | null {
  const subject = definitionSubject(question)
  const opening = chunks.filter((c) => c.lead)
  const first = opening[0]
  if (!subject || !first || !namesDocument(subject, first.title)) return null
  // A section of its own under a heading naming the thing ("What is Redis?" below a README's
  // first lines, "This README is just a quick start document") says what it is: definitionStart.
  const defined = definedBy(question)
  if (
    defined &&
    chunks.some(
      (c) =>
        headedBy(c, defined) &&
        !namesDocument(lastHeading(c), c.title) &&
        sectionDefining(c, unitsOf(c).units, defined) !== null,
    )
  )
    return null
  for (const chunk of opening) {
    const units = unitsOf(chunk).units
    const start = units.findIndex(saysSomething)
    if (start < 0) continue
    const paragraph = units[start]?.paragraph
    const picked: number[] = []
    for (let i = start; picked.length < OPENING_SENTENCES; i++) {
      const u = units[i]
      if (u?.kind !== 'sentence' || u.paragraph !== paragraph) break
      picked.push(i)
    }
    const last = units[picked[picked.length - 1] as number]
    const items = (last?.introduces ?? []).slice(0, OPENING_ITEMS)
    const cu: ChunkUnits = {
      chunk,
      behind: 1,
      units,
      headingTerms: new Set(),
      sectionTerms: new Set(),
      member: null,
    }
    const text = render(cu, [...picked, ...items], 1)
    return {
      content: text,
      citations: [toCitation(1, chunk, inlinePlain(text.replace(/\s*\[\d+\]/g, '')).slice(0, 300))],
    }
  }
  const subtitle = titleName(first.title).subtitle
  if (!subtitle) return null
  const text = withMarker(`${first.title.replace(/[.:;,]+$/, '')}.`, 1)
  return { content: text, citations: [toCitation(1, first, first.title)] }
}

/** A chunk's sentences weigh less by this share per place retrieval ranked it down, without BM25 scores. */
const RANK_SHARE = 0.15

/**
 * How far behind the best chunk retrieval put each chunk, as the factor its sentences' scores are
 * divided by: the best BM25 score over the chunk's, so that two chunks the search scored nearly
 * alike ("Managing users" and "What a key may do" for "Can an API key manage users?") compete on
 * what their sentences say rather than on which came first; by rank where a chunk has no BM25 score
 * (only dense retrieval found it, or the chunks came without analysis).
 */
function behindOf(chunks: readonly RetrievedChunk[]): number[] {
  const scores = chunks.map((c) => c.analysis?.lexicalScore ?? 0)
  const best = Math.max(0, ...scores)
  return scores.map((s, rank) => (best > 0 && s > 0 ? best / s : 1 + RANK_SHARE * rank))
}

/**
 * The answer to `question` from `chunks` (best first). `query` is what retrieval searched for: in
 * a follow-up it carries words borrowed from earlier turns, which help find the passage but are
 * not what must be covered.
 */
export function extractiveAnswer(
  question: string,
  chunks: readonly RetrievedChunk[],
  query: string = question,
): ExtractiveAnswer | null {
  // Searched in plain words ("sign out" for "log out", turn-sources.ts): read in them too.
  const plain = plainPhrasing(question)
  if (plain !== question && plainPhrasing(query) === query) question = plain
  const opening = openingAnswer(question, chunks)
  if (opening) return opening
  const parsed = chunks.map((chunk) => unitsOf(chunk))
  const stored = parsed.length > 0 && parsed.every((p) => p.stored) && chunks.every((c) => c.analysis)
  const all = stored ? parsed : chunks.map((chunk) => unitsOf({ ...chunk, analysis: undefined }))
  const terms = questionTerms(
    question,
    query,
    chunks,
    stored,
    all.flatMap((p) => p.units.map((u) => u.lexemes)),
  )
  if (terms.length === 0) return null
  const action = actionOf(question)
  const negated = negatedWords(question)
  const spelled = otherlySpelled(question)
  const otherwise = saidOtherwise(terms)
  const phrasal = phrasalOf(question, terms)
  for (const [c, p] of all.entries())
    for (const u of p.units) {
      // A section's first sentence under an API name states the name ("queue.kill()": kill).
      if (u.describesHeading !== undefined && u.needsHeading)
        for (const l of namedIn(lastHeading(chunks[c] as RetrievedChunk), terms)) u.lexemes.add(l)
      proseOnly(u, question, terms)
      negatedOnly(u, negated, terms)
      numbersSaid(u, spelled, terms)
      otherwiseSaid(u, otherwise)
      otherParticleOnly(u, phrasal)
    }
  const wanted = wantedOf(question)
  for (const p of all) for (const u of p.units) followDefinite(u, p.units, terms, question, wanted)
  const behind = behindOf(chunks)
  const units: ChunkUnits[] = chunks.map((chunk, rank) => ({
    chunk,
    behind: behind[rank] ?? 1,
    units: all[rank]?.units ?? [],
    headingTerms: namedIn(`${chunk.title} ${chunk.heading ?? ''}`, terms),
    sectionTerms: namedIn(chunk.heading ?? '', terms),
    member: apiMemberOf(lastHeading(chunk)),
  }))
  // Sentences from scattered places can add up to the question's words without answering it: one
  // passage must cover the question's key terms.
  const procedure = /^(and\s+)?(how (do|can|should|would|could) (i|we|you)|how to)\b/i.test(question.trim())
  const identifiers = [...identifiersOf(question), ...codePhrasesOf(question, chunks)]
  const several = severalAskedFor(question)
  const which = whichLexeme(question, terms)
  const ask: Ask = {
    question,
    wanted,
    near: terms.filter((t) => t.own && !isFrameWord(t.lexeme)).map((t) => t.lexeme),
    several,
    words: new Set(words(question)),
    listed: listedAsked(question),
    toward: towardOf(question),
    enumerated: enumeratedOf(question, several, which, terms),
    condition: conditionAsked(question, terms),
    which,
    yesNo: YES_NO.test(question.trim()),
    composition: ASKS_COMPOSITION.test(question.trim()),
    subject: subjectOf(question, terms),
    procedure,
    explain: /^(and\s+)?(how|why)\b/i.test(question.trim()) && wanted === null,
    identifiers,
    code: procedure || identifiers.length > 0,
    defined: definedBy(question),
    shared: sharedTerms(question, terms),
    costWords: words(question).filter(isCostWord),
    framedAction: action !== null && isFrameWord(action, question),
    needWords: YES_NO.test(question.trim()) ? words(question).filter((w) => NEED.test(w)) : [],
    possible: CAN_DO.exec(question.trim())?.[1]?.toLowerCase() ?? null,
    allowedTo: allowedToOf(question),
    mine: mineOf(question),
  }
  // A code comment reads as prose for a question about doing something or naming code; for any
  // other, a code block's words say nothing (saying), its comments included.
  if (!ask.code)
    for (const p of all)
      for (const u of p.units)
        if (u.comment !== undefined) {
          delete u.comment
          delete u.introduces
          delete u.action
        }
  const keys = new Coverage(terms).missingKeys().length
  const attempt = (units: ChunkUnits[]): Attempt => {
    const cov = new Coverage(terms)
    const { picks, lead: coverage, leadMissing: unsaid, opened } = choose(units, cov, ask)

    const first = picks[0]
    if (!first) return null
    const leadUnits = units[first.c] as ChunkUnits
    // "Can I bring my dog?" is answered by "Assistance dogs are welcome; other animals are not
    // allowed": a passage that permits or forbids the thing answers whatever the doing is called;
    // "What does a towel cost?" by "Towels can be rented for 2 euros", a price in other words.
    const leadText = textOf(leadUnits, first.units)
    const permits = ask.yesNo && PERMISSION.test(leadText)
    const priced = statesPrice(leadText)
    const needs = ask.needWords.length > 0 && NEED.test(leadText)
    const isAction = (t: QuestionTerm) => action !== null && wordHasLexeme(action, t.lexeme)
    const saysOtherwise = (t: QuestionTerm) =>
      (permits && isAction(t)) ||
      (priced && ask.costWords.some((w) => wordHasLexeme(w, t.lexeme))) ||
      (needs && ask.needWords.some((w) => wordHasLexeme(w, t.lexeme)))
    const leadMissing = unsaid.filter((t) => !saysOtherwise(t))
    // Nor is the doing looked for elsewhere ("To join, bring a photo ID …" is about something else).
    const excused = leadMissing.length < unsaid.length
    if (excused) picks.splice(1)
    // What the passage says in other words counts as said.
    const lead = coverage + unsaid.filter(saysOtherwise).reduce((sum, t) => sum + t.weight, 0) / cov.total
    if (lead < MIN_ANSWER_COVERAGE || (keys <= FEW_KEYS && leadMissing.length > 0)) return null
    // The question's heaviest word, missing from the leading passage and its headings, outweighing
    // all the passage does cover: the passage is about the question's lesser words ("Register with
    // an email and a password" for "How do I reset my password by email?").
    const heaviest = Math.max(...terms.filter((t) => t.own).map((t) => t.weight))
    // A hyphenated word counts once here: Postgres reads "rag-auth" as rag-auth, rag and auth, and
    // a passage naming the product would outweigh "GPU" in "Does rag-auth need a GPU?" three times.
    const missing = new Set(leadMissing.map((t) => t.lexeme))
    const repeated = terms
      .filter(
        (t) => !missing.has(t.lexeme) && terms.some((w) => w !== t && !missing.has(w.lexeme) && partOf(t, w)),
      )
      .reduce((sum, t) => sum + t.weight, 0)
    if (leadMissing.some((t) => t.weight >= heaviest && t.weight > lead * cov.total - repeated)) return null
    // "Does rag-auth support LDAP?": a yes-or-no question about a thing no searched document names
    // at all is not answered yes or no by passages about its other words.
    // Not the question's own action ("Can I fly business class?" over "Business class requires a
    // director's approval" for flights): a passage may say what is done in other words, as it may
    // say a word the documents never use ("no charge" for "cost", a price).
    const stateable = (t: QuestionTerm) => isAction(t) || cov.covered.has(t.lexeme) || saysOtherwise(t)
    if (ask.yesNo && terms.some((t) => t.own && t.unseen && t.weight >= heaviest && !stateable(t)))
      return null
    // A leading passage that states none of the question's words and owes them all to the
    // document's title or top heading ("FitLine Gym — FAQ" for "How do I get into the gym?") could
    // be any of the document's sentences ("Yes."): it answers nothing. Its own section's heading
    // naming one still makes it about the question.
    const subjectTerms = terms.filter((t) => t.own && !t.frame)
    const leadLexemes = lexemesOf(leadUnits, first.units)
    const section = union(
      namedIn(lastHeading(leadUnits.chunk), terms),
      askedAbove(leadUnits, first.units[0] as number, terms),
    )
    if (
      subjectTerms.length > 0 &&
      !subjectTerms.some((t) => states(leadLexemes, t.lexeme) || section.has(t.lexeme))
    )
      return null
    // A short question's key terms must stand together in the leading passage, not in sentences
    // about different things that happen to follow each other (a heading naming one excuses it).
    if (keys <= FEW_KEYS) {
      const stated = cov.keyLexemes().filter((k) => !leadUnits.headingTerms.has(k))
      const ws = wordForms(leadText).prose
      const hits = ws.flatMap((w, at) => {
        const t = stated.findIndex((k) => wordHasLexeme(w, k))
        return t >= 0 ? [{ at, t }] : []
      })
      const found = new Set(hits.map((h) => h.t)).size
      const span = ask.yesNo && namesCompound(question, stated) ? COMPOUND_SPAN : KEY_SPAN
      // One sentence stating them all speaks of them together, however long it is ("To reset
      // everything and start fresh, stop the server … and loads the demo documents again").
      const together =
        span === KEY_SPAN &&
        splitSentences(leadText).some((sentence) => {
          const sws = wordForms(sentence).prose
          return stated.every((k) => sws.some((w) => wordHasLexeme(w, k)))
        })
      if (found > 1 && found === stated.length && !together && tightestWindow(hits, found) > span) return null
    }
    const context = `${leadUnits.chunk.title} ${leadUnits.chunk.heading ?? ''} ${leadUnits.chunk.content}`
    if (!statesSpecifics(question, negated, leadText, context)) return { unstated: first.c, lead }
    // "To delete a document, choose Delete …" for "Can an editor delete the space?": an instruction
    // for doing the asked thing to something else. A passage elsewhere may be about the space, and
    // answers however little more it covers (this one answered nothing).
    const opening = leadUnits.units[first.units[0] as number]?.text ?? ''
    if (otherObject(question, opening) || doneToOther(question, opening, lastHeading(leadUnits.chunk)))
      return { unstated: first.c, lead: 0 }
    // "When was the third German empire founded?" answered by "the second German Empire …".
    if (contrasted(question, leadText)) return null
    // "Is there a limit on the number of spaces?" answered by "… must match the number of proxies".
    if (otherCounted(question, leadText)) return null
    // "How do I turn off logging?" answered by "… turn on synchronous logging …": the other action.
    const particles = first.units.map((i) => leadUnits.units[i]?.particle)
    if (particles.includes('other') && !particles.includes('asked')) return null
    // "What do tumors express that are also found on normal cells?" answered by "antigens that are
    // not found on normal cells": the passage denies what the question takes as true.
    // A yes-or-no question is answered by a denial too: "Alcohol is never reimbursed." for "Is
    // alcohol reimbursed?".
    // Nor is "A document cannot be renamed" for "How do I rename a document?": it says the task is
    // not possible, which answers how it is done.
    const task = taskOf(question, terms)
    const deniable = terms.filter((t) => t.lexeme !== task)
    if (!ask.yesNo && !NEGATION.test(question) && deniesOwn(leadText, deniable)) return null
    // "How do I create an API key?" asks how to do something: a leading passage that gives an
    // instruction but never names the doing, not even in its headings ("To delete your own account,
    // choose … your sessions, API keys … are deleted with it"), tells how to do something else. A
    // description may still say it in other words ("EMBEDDING_BASE_URL …: an embeddings API for
    // dense retrieval" for "How do I enable dense retrieval?").
    if (
      task &&
      first.units.some((i) => leadUnits.units[i]?.action) &&
      !states(
        lexemesOf(
          leadUnits,
          first.units.filter((i) => !commentedCode(leadUnits, i)),
        ),
        task,
      ) &&
      !leadUnits.headingTerms.has(task) &&
      !listContext(leadUnits, new Set(first.units), cov).has(task)
    )
      return null
    // "How many …?" answered by a passage without any number is about the topic, not the answer.
    if (kindScore(leadText, ask.wanted, question) === 0) return null
    if (!countsAsked(leadText, ask.wanted, question)) return null
    // "What is the nominal cost of attendance?" is not answered by "The nominal cost … is high" and
    // a count in the next sentence ("79 individual libraries"): a price question wants a price.
    if (ask.wanted?.money && !priced) return null
    // When the leading passage leaves part of the question open, an equally good passage elsewhere
    // may be the one that answers: the reader sees both. Not after the steps or the list a section's
    // heading names: the heading says they are the answer.
    const announced = [
      ...announcedAfter(leadUnits, first, ask),
      ...listAfter(leadUnits, first, ask, terms),
      ...namedAfter(leadUnits, first, question),
      ...remedyAfter(leadUnits, first, question),
    ]
    if (announced.length > 0) first.units = [...new Set([...first.units, ...announced])].sort((a, b) => a - b)
    // "Yes." opening the paragraph of a yes-or-no question's answer is the reply that the
    // sentences after it explain ("Yes. However any routines it uses must be thread-safe too").
    const opens = first.units[0] as number
    const reply = leadUnits.units[opens - 1]
    const before = leadUnits.units[opens - 2]
    if (
      ask.yesNo &&
      reply &&
      REPLY.test(reply.text.trim()) &&
      reply.paragraph === leadUnits.units[opens]?.paragraph &&
      before?.paragraph !== reply.paragraph
    )
      first.units = [opens - 1, ...first.units]
    // The section of the API name asked about is the answer, not another name's ("fastqueue.promise"
    // for "What arguments does fastqueue take?").
    const named = leadUnits.member !== null && ask.words.has(leadUnits.member)
    const found =
      lead < STOP_COVERAGE && !opened && !excused ? alternative(units, terms, picks, lead, ask.code) : null
    const elsewhere = found ? (units[found.c] as ChunkUnits) : null
    // "The link works once, for 30 minutes" gives the time asked for: a passage elsewhere without one
    // ("`Reset link` makes a one-time password-reset link …") is not as good an answer.
    const asGood = (cu: ChunkUnits, idx: number[]) =>
      ask.wanted === null ||
      kindScore(textOf(cu, idx), ask.wanted, question) >= kindScore(leadText, ask.wanted, question)
    const alt =
      found &&
      elsewhere &&
      asGood(elsewhere, found.units) &&
      !(named && elsewhere.member !== leadUnits.member) &&
      !saysLeadsOwn(leadUnits, elsewhere, lexemesOf(elsewhere, found.units), cov)
        ? found
        : null
    if (alt) addPick(picks, alt)
    const list = alt ? null : listOfAsked(units, picks, ask, terms)
    if (list) addPick(picks, list)
    // A passage of another document that lacks a name or number of the question which the leading
    // passage's section states speaks of something else ("The competence for the Union to do this
    // was contested …" after "The Premier … sets the legislative and political agenda" for "Who
    // sets the legislative agenda in Victoria?"): padding, not part of the answer.
    const given = specifics(question).filter((n) => namesStated(n, context, false))
    const shown = picks.filter((p, k) => {
      const cu = units[p.c] as ChunkUnits
      if (k === 0 || cu.chunk.document_id === leadUnits.chunk.document_id) return true
      const text = `${cu.chunk.title} ${cu.chunk.heading ?? ''} ${textOf(cu, p.units)}`
      return given.length === 0 || given.some((n) => namesStated(n, text, false))
    })
    const citations: Citation[] = []
    const parts: string[] = []
    // A sentence that overlapping chunks both hold (or that a document says twice) is shown once.
    const said = new Set<string>()
    const cited = new Set<string>()
    for (const p of shown) {
      const cu = units[p.c] as ChunkUnits
      const fresh = p.units.filter((i) => !said.has(sameText(cu.units[i])))
      if (fresh.length === 0) continue
      const texts = fresh.map((i) => sameText(cu.units[i]))
      for (const t of texts) said.add(t)
      // Another document saying the same passage word for word (a second copy, an excerpt) is a
      // source of it too: both are cited, not whichever the search happened to rank first.
      const sources = [cu]
      if (texts.join(' ').length >= MIN_TWIN_CHARS)
        for (const other of units) {
          const doc = other.chunk.document_id
          if (cited.has(doc) || sources.some((s) => s.chunk.document_id === doc)) continue
          if (texts.every((t) => other.units.some((u) => sameText(u) === t))) sources.push(other)
        }
      const ns = sources.map((_, k) => citations.length + 1 + k)
      const text = render(cu, fresh, ns)
      const snippet = inlinePlain(text.replace(/\s*(?:\[\d+\])+/g, '')).slice(0, 300)
      for (const [k, source] of sources.entries()) {
        citations.push(toCitation(ns[k] as number, source.chunk, snippet))
        cited.add(source.chunk.document_id)
      }
      parts.push(text)
    }
    return { answer: { content: parts.join('\n\n'), citations }, lead }
  }
  // A leading passage that does not state the question's names and numbers is about something
  // near the question; a passage of another chunk covering more of the question may still state
  // them ("… range from nothing at so called 'tuition-free' schools …" for "What are private
  // schools that charge no tuition called?", after "Private schools have proven to be efficient
  // …", which ranks higher and is shorter but covers less, and says nothing of charging nothing).
  const skipped = new Set<number>()
  let floor = 0
  for (;;) {
    const r = attempt(units.map((cu, c) => (skipped.has(c) ? { ...cu, units: [] } : cu)))
    if (r === null) return null
    if ('answer' in r) return skipped.size === 0 || r.lead > floor ? r.answer : null
    if (skipped.size === 0) floor = r.lead
    skipped.add(r.unstated)
  }
}
