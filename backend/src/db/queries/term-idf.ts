// The query's english lexemes with their BM25 idf (the formula bm25Search uses, with N and df
// summed over the searched spaces only): what the extractive answerer weighs a question's words
// by. A lexeme no chunk holds gets the idf of an unseen term, the highest there is: a question
// about something the searched spaces never name is mostly uncovered.
import type { Executor } from '../client.js'

export interface QueryTerm {
  lexeme: string
  idf: number
  /** Chunks of the searched spaces holding the lexeme (0: they never use it). */
  df: number
}

export async function queryTermIdf(
  ex: Executor,
  query: string,
  spaceIds: readonly string[],
): Promise<QueryTerm[]> {
  const rows = await ex.query<Record<string, unknown>>(
    `with searched as (select value::uuid as space_id from jsonb_array_elements_text($2::text::jsonb)),
     n as (select coalesce(sum(ss.chunk_count), 0)::float8 as chunks
           from space_stats ss join searched s on s.space_id = ss.space_id),
     q as (select distinct lexeme from unnest(to_tsvector('english', $1))),
     d as (select q.lexeme, coalesce(sum(st.df), 0)::float8 as df
           from q left join space_terms st
             on st.lexeme = q.lexeme and st.space_id in (select space_id from searched)
           group by q.lexeme)
     select d.lexeme, d.df,
       ln(1 + (greatest(n.chunks, d.df) - d.df + 0.5) / (d.df + 0.5)) as idf
     from d cross join n
     order by d.lexeme`,
    [query, JSON.stringify(spaceIds)],
  )
  return rows.map((r) => ({ lexeme: String(r.lexeme), idf: Number(r.idf), df: Number(r.df) }))
}
