// `node --import tsx bench/dump-hits.ts --db-url=<kept db> [--questions=100]`: the BM25 top 50 of
// the bench's questions (chunk ids, scores to 9 places, matched terms and the query lexemes each
// hit holds) as lines, to diff two versions' rankings.
import { parseArgs } from 'node:util'
import { openDatabase } from '../backend/src/db/client.js'
import { SHARED_LIBRARY_ID } from '../backend/src/db/queries/spaces.js'
import { bm25Search } from '../backend/src/rag/bm25.js'
import { knownItemQuestions } from './corpus.js'

const { values } = parseArgs({
  options: { 'db-url': { type: 'string' }, questions: { type: 'string', default: '100' } },
})
const db = await openDatabase({ databaseUrl: String(values['db-url']), pgliteDir: null, max: 1 })
const [row] = await db.query<{ d: string }>('select count(*) as d from documents')
for (const q of knownItemQuestions(Number(values.questions), Number(row?.d))) {
  const r = await bm25Search(db, q.question, [SHARED_LIBRARY_ID], 50)
  process.stdout.write(
    `${q.question}\t${r.hits.map((h) => `${h.chunk_id}:${h.score.toFixed(9)}:${h.matched_terms}:${[...h.lexemes].sort().join('+')}`).join(' ')}\n`,
  )
}
await db.close()
