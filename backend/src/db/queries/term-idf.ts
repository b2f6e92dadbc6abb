// The query's english lexemes with their BM25 idf (the formula bm25Search uses): what the
// extractive answerer weighs a question's words by. A lexeme no chunk holds gets the idf of an
// unseen term, the highest there is: a question about something the corpus never names is
// mostly uncovered.
import type { Executor } from '../client.js'

export interface QueryTerm {
  lexeme: string
  idf: number
  /** Chunks holding the lexeme (0: the corpus never uses it). */
  df: number
}

export async function queryTermIdf(ex: Executor, query: string): Promise<QueryTerm[]> {
  const rows = await ex.query<Record<string, unknown>>(
    `select q.lexeme, coalesce(ts.df, 0) as df,
       ln(1 + (greatest(cs.chunk_count, coalesce(ts.df, 0))::float8 - coalesce(ts.df, 0) + 0.5)
              / (coalesce(ts.df, 0) + 0.5)) as idf
     from (select distinct lexeme from unnest(to_tsvector('english', $1))) q
     cross join corpus_stats cs left join term_stats ts on ts.lexeme = q.lexeme
     where cs.id = 1
     order by q.lexeme`,
    [query],
  )
  return rows.map((r) => ({ lexeme: String(r.lexeme), idf: Number(r.idf), df: Number(r.df) }))
}
