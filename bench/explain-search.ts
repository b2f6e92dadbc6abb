// `node --import tsx bench/explain-search.ts --db-url=<kept db> [--questions=3] [--skip=0] [--k=50] [--generic]`: EXPLAIN
// (ANALYZE, BUFFERS) of the BM25 search statement's first pass for a few of the bench's questions
// over the shared library of a database seeded by known-item.ts or chat-statements.ts (--keep).
import { parseArgs } from 'node:util'
import postgres from 'postgres'
import { SEARCH_SQL } from '../backend/src/db/queries/bm25-search.js'
import { SHARED_LIBRARY_ID } from '../backend/src/db/queries/spaces.js'
import { PRUNE_BUDGETS } from '../backend/src/rag/bm25.js'
import { questionQuery } from '../backend/src/rag/retrieve.js'
import { knownItemQuestions } from './corpus.js'

const { values } = parseArgs({
  options: {
    'db-url': { type: 'string' },
    questions: { type: 'string', default: '3' },
    skip: { type: 'string', default: '0' },
    // The plan a prepared statement settles on after five executions (the app prepares it).
    generic: { type: 'boolean' },
    // k: 50 is the chat's candidate count, 8 what GET /api/search asks by default.
    k: { type: 'string', default: '50' },
  },
})
const sql = SEARCH_SQL
const db = postgres(String(values['db-url']), { max: 1, onnotice: () => {} })
const [{ d }] = (await db.unsafe('select count(*)::int as d from documents')) as unknown as [{ d: number }]
const budget = PRUNE_BUDGETS[0] as (typeof PRUNE_BUDGETS)[number]
const qs = knownItemQuestions(Number(values.skip) + Number(values.questions), d).slice(Number(values.skip))
for (const q of qs) {
  const params = [
    questionQuery(q.question),
    JSON.stringify([SHARED_LIBRARY_ID]),
    Number(values.k),
    64,
    budget.wholePostings,
    budget.perTerm,
    budget.rescoreAll,
  ]
  await db.unsafe(sql, params as never[]) // warm
  if (values.generic) await db.unsafe('set plan_cache_mode = force_generic_plan')
  const rows = await db.unsafe(`explain (analyze, buffers) ${sql}`, params as never[])
  process.stdout.write(
    `\n### ${q.question}\n${rows.map((r) => (r as unknown as Record<string, string>)['QUERY PLAN']).join('\n')}\n`,
  )
}
await db.end()
