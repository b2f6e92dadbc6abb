// Scratch: EXPLAIN ANALYZE of the search statement for a few bench questions (diagnosis only).

import { readFileSync } from 'node:fs'
import { openDatabase } from '../backend/src/db/client.js'
import { SHARED_LIBRARY_ID } from '../backend/src/db/queries/spaces.js'
import { knownItemQuestions } from './corpus.js'

const url = process.argv[2] as string
const n = Number(process.argv[3] ?? 3)
const whole = Number(process.argv[4] ?? 20000)
const per = Number(process.argv[5] ?? 500)
const src = readFileSync(new URL('../backend/src/db/queries/bm25-search.ts', import.meta.url), 'utf8')
const sql = (src.split('const SEARCH_SQL = `')[1] as string).split('`')[0] as string
const db = await openDatabase({ databaseUrl: url, pgliteDir: null, max: 1 })
const docs = Number((await db.query<{ n: string }>('select count(*) as n from documents'))[0]?.n)
for (const q of knownItemQuestions(n, docs)) {
  const rows = await db.query<Record<string, string>>(`explain (analyze, buffers) ${sql}`, [
    q.question,
    JSON.stringify([SHARED_LIBRARY_ID]),
    50,
    64,
    whole,
    per,
  ])
  process.stdout.write(`${q.question}\n${rows.map((r) => Object.values(r)[0]).join('\n')}\n\n`)
}
await db.close()
