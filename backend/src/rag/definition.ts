// "What is fastq?" asked of a document called "fastq": the question asks what the document itself
// is about, and its answer is the document's opening ("Fast, in memory work queue."), which rarely
// repeats the name. Every chunk of the document carries its title, so ranking alone finds the
// document but not its opening, and the sentences it finds (an install command, a benchmark) name
// the thing without saying what it is.

/** Wordings that ask what a thing is: "What is X?", "What's X?", "What are Xs?", "What does X do?". */
const DEFINITION = [
  /^(?:and\s+)?what(?:'s|\s+is|\s+are)\s+(?:an?\s+|the\s+)?(.+?)\s*\?*\s*$/i,
  /^(?:and\s+)?what\s+(?:does|do)\s+(?:an?\s+|the\s+)?(.+?)\s+do\s*\?*\s*$/i,
]
/** A subject is a name of a few words, not a clause ("the default port of the server"). */
const MAX_SUBJECT_WORDS = 3
const CLAUSE_WORD =
  /^(of|for|in|on|at|by|with|to|from|when|if|that|which|who|whose|where|used|does|do|is|are|my|your|our|their|its)$/i
/** A title's name, before its subtitle: "iconv-lite: Pure JS …", "Spaces — who reads what". */
const SUBTITLE = /\s*[:|—–]\s+|\s+-\s+/

/** A question's first word that makes it more than a name typed alone. */
const ASKING =
  /^(?:what|how|why|when|where|who|whom|whose|which|can|could|do|does|did|is|are|was|were|should|would|will|may|must|tell|explain|show|list|and)$/i

/**
 * The thing a "what is X?" question asks to define, as written, or null for any other question. A
 * name typed alone ("quickstart") asks the same.
 */
export function definitionSubject(question: string): string | null {
  const q = question.trim()
  const bare = /^([^?]+?)\s*\?*$/.exec(q)?.[1]
  const subject =
    DEFINITION.map((d) => d.exec(q)?.[1]?.trim()).find(Boolean) ??
    (bare && !ASKING.test(bare.split(/\s+/)[0] ?? '') ? bare : null)
  if (!subject) return null
  const ws = subject.split(/\s+/)
  if (ws.length > MAX_SUBJECT_WORDS || ws.some((w) => CLAUSE_WORD.test(w))) return null
  return subject
}

/** Lower case, without edge punctuation, a possessive or a plural s: "Spaces" and "space" meet. */
function nameWords(text: string): string[] {
  return text
    .toLowerCase()
    .split(/\s+/)
    .map((w) =>
      w
        .replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '')
        .replace(/'s$/, '')
        .replace(/(?<=\p{L}{3})s$/u, ''),
    )
    .filter(Boolean)
}

/** The title's name part (before a subtitle), or null when the title has no subtitle. */
export function titleName(title: string): { name: string; subtitle: string | null } {
  const m = SUBTITLE.exec(title)
  if (!m) return { name: title.trim(), subtitle: null }
  return { name: title.slice(0, m.index).trim(), subtitle: title.slice(m.index + m[0].length).trim() || null }
}

/** Whether a document with this title is the thing `subject` names: its whole name, word for word. */
export function namesDocument(subject: string, title: string): boolean {
  const want = nameWords(subject)
  const name = nameWords(titleName(title).name)
  return want.length > 0 && want.length === name.length && want.every((w, i) => w === name[i])
}
