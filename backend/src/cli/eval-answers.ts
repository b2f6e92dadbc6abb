// Answer evaluation (`npm run eval`): questions answered through the chat's own path
// (findSources → generateAnswer, no LLM: the extractive mode everyone meets first), scored on
//  - SQuAD 2.0 (squad2-dev): answer contains a gold span, gold paragraph cited (answerable
//    questions), answered with a plain refusal (unanswerable ones);
//  - the demo corpus (backend/eval/demo-questions.json): every question right — the expected
//    phrases present and the expected document cited, or refused when the corpus does not say.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { sharedLibraryId } from '../db/queries/spaces.js'
import { collectAnswer, generateAnswer } from '../rag/answer.js'
import type { Citation } from '../rag/citations.js'
import { containsGold, share } from '../rag/eval-metrics.js'
import { prepareDocument } from '../rag/ingest.js'
import { ingestBulk } from '../rag/ingest-bulk.js'
import type { HistoryTurn } from '../rag/prompts.js'
import { findSources } from '../rag/turn-sources.js'
import type { RagContext } from '../rag/types.js'

export const DEMO_QUESTIONS = fileURLToPath(new URL('../../eval/demo-questions.json', import.meta.url))
/** The committed copy of squad2-dev (the suite's regression test reads it). */
export const SQUAD_COMMITTED = fileURLToPath(new URL('../../eval/squad2-dev/', import.meta.url))

export interface Answered {
  question: string
  query: string
  content: string
  citations: Citation[]
}

/**
 * One question in its conversation, answered as POST /api/chat/message answers it offline, from
 * `spaceIds` (by default the shared library).
 */
export async function answerQuestion(
  ctx: RagContext,
  question: string,
  history: readonly HistoryTurn[] = [],
  spaceIds?: readonly string[],
): Promise<Answered> {
  const spaces = spaceIds ?? [await sharedLibraryId(ctx.db)]
  const { query, sources } = await findSources(ctx, spaces, history, question, null)
  const signal = new AbortController().signal
  const out = await collectAnswer(generateAnswer({ question, query, sources, history, model: null, signal }))
  return { question, query, ...out }
}

// ---- SQuAD 2.0 ------------------------------------------------------------------------------

interface SquadQuestion {
  id: string
  question: string
  paragraph: string
  answers: string[]
  is_impossible: boolean
}

export interface SquadReport {
  answerable: number
  unanswerable: number
  containsGold: number
  citesGold: number
  refusedUnanswerable: number
  /** Answerable questions refused (the price of refusing). */
  refusedAnswerable: number
  results: (Answered & {
    id: string
    impossible: boolean
    gold: string[]
    contains: boolean
    cites: boolean
  })[]
}

function readJsonl<T>(path: string): T[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T)
}

const SQUAD_SOURCE = 'squad:'

/** Ingests the paragraphs (one document each) into an empty knowledge base. */
export async function ingestSquad(ctx: RagContext, dir: string): Promise<void> {
  const paragraphs = readJsonl<{ _id: string; text: string }>(join(dir, 'corpus.jsonl'))
  const prepared = []
  for (const p of paragraphs) {
    prepared.push(
      await prepareDocument({
        title: p._id,
        content: p.text,
        format: 'text',
        source: `${SQUAD_SOURCE}${p._id}`,
      }),
    )
  }
  await ingestBulk(ctx, prepared, { privateDatabase: true })
}

export async function evalSquad(
  ctx: RagContext,
  dir: string,
  limit = Number.POSITIVE_INFINITY,
): Promise<SquadReport> {
  const questions = readJsonl<SquadQuestion>(join(dir, 'questions.jsonl')).slice(0, limit)
  const results: SquadReport['results'] = []
  for (const q of questions) {
    const a = await answerQuestion(ctx, q.question)
    const gold = q.answers.filter((g) => g.trim())
    const cites = a.citations.some((c) => c.source === `${SQUAD_SOURCE}${q.paragraph}`)
    const contains = a.citations.length > 0 && containsGold(a.content, gold)
    results.push({ ...a, id: q.id, impossible: q.is_impossible, gold, contains, cites })
  }
  const answerable = results.filter((r) => !r.impossible)
  const impossible = results.filter((r) => r.impossible)
  return {
    answerable: answerable.length,
    unanswerable: impossible.length,
    containsGold: share(answerable.map((r) => r.contains)),
    citesGold: share(answerable.map((r) => r.cites)),
    refusedUnanswerable: share(impossible.map((r) => r.citations.length === 0)),
    refusedAnswerable: share(answerable.map((r) => r.citations.length === 0)),
    results,
  }
}

// ---- Demo corpus ----------------------------------------------------------------------------

export interface DemoQuestion {
  id: string
  question: string
  /** Earlier user questions of the same conversation (answered first, in order). */
  history?: string[]
  expect: 'answer' | 'refuse'
  /** Sources (corpus/<file>) of which at least one must be cited. */
  sources?: string[]
  /** Phrases the answer must contain (case-insensitive); "a|b" accepts either. */
  must?: string[]
}

export interface DemoResult extends Answered {
  id: string
  ok: boolean
  problems: string[]
}

export function judgeDemo(q: DemoQuestion, a: Answered): string[] {
  const problems: string[] = []
  if (q.expect === 'refuse') {
    if (a.citations.length > 0) problems.push('answered, but the corpus does not say')
    return problems
  }
  if (a.citations.length === 0) return ['refused, but the corpus answers it']
  // As a reader sees it: code spans are set as code, their ticks are not read.
  const text = a.content.replaceAll('`', '').toLowerCase()
  for (const phrase of q.must ?? []) {
    if (!phrase.split('|').some((alt) => text.includes(alt.toLowerCase())))
      problems.push(`missing "${phrase}"`)
  }
  if (q.sources && !a.citations.some((c) => q.sources?.includes(c.source ?? ''))) {
    problems.push(`does not cite ${q.sources.join(' or ')}`)
  }
  return problems
}

export function readDemoQuestions(path = DEMO_QUESTIONS): DemoQuestion[] {
  return (JSON.parse(readFileSync(path, 'utf8')) as { questions: DemoQuestion[] }).questions
}

export async function evalDemo(ctx: RagContext, questions: DemoQuestion[]): Promise<DemoResult[]> {
  const out: DemoResult[] = []
  for (const q of questions) {
    const history: HistoryTurn[] = []
    for (const earlier of q.history ?? []) {
      const a = await answerQuestion(ctx, earlier, history)
      history.push({ role: 'user', content: earlier }, { role: 'assistant', content: a.content })
    }
    const a = await answerQuestion(ctx, q.question, history)
    const problems = judgeDemo(q, a)
    out.push({ ...a, id: q.id, ok: problems.length === 0, problems })
  }
  return out
}
