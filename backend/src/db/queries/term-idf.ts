// Term statistics of a query over a set of spaces: the chunks they hold (N) and, per english
// lexeme of the query, how many of those chunks hold it (df, summed over the spaces). The chat's
// relevance floor and the extractive answerer judge a question's words by them (rag/retrieve.ts
// says over which spaces, and how a small collection is read).
import type { Executor } from '../client.js'
import { anyOfJson } from './id-list.js'
import { withNameParts } from './index-text.js'

export interface TermStats {
  /** Chunks in the spaces. */
  chunks: number
  /** Every distinct lexeme of the query, in lexeme order; df 0: no chunk of the spaces holds it. */
  terms: { lexeme: string; df: number }[]
}

export async function queryTermStats(
  ex: Executor,
  query: string,
  spaceIds: readonly string[],
): Promise<TermStats> {
  // df is probed per (lexeme, space) on space_terms' primary key: as a join, the planner read the
  // whole table (every lexeme of every space) and hashed it, ~5× the rest of a chat turn's
  // retrieval at 2k chunks (bench/RESULTS.md, "Postgres statements per chat question").
  const rows = await ex.query<Record<string, unknown>>(
    `with searched as (select distinct value::uuid as space_id from jsonb_array_elements_text($2::text::jsonb)),
     n as (select coalesce(sum(ss.chunk_count), 0)::float8 as chunks
           from space_stats ss where ss.space_id in (select space_id from searched)),
     q as (select distinct lexeme from unnest(to_tsvector('english', $1))),
     d as (select q.lexeme,
             coalesce(sum((select st.df from space_terms st
                           where st.space_id = s.space_id and st.lexeme = q.lexeme)), 0)::float8 as df
           from q left join searched s on true
           group by q.lexeme)
     select n.chunks, d.lexeme, d.df
     from n left join d on true
     order by d.lexeme`,
    [withNameParts(query), JSON.stringify(spaceIds)],
  )
  return {
    chunks: Number(rows[0]?.chunks ?? 0),
    terms: rows.filter((r) => r.lexeme !== null).map((r) => ({ lexeme: String(r.lexeme), df: Number(r.df) })),
  }
}

/** Which of `lexemes` each chunk holds (its postings, title and heading words included). */
export async function chunkLexemes(
  ex: Executor,
  chunkIds: readonly string[],
  lexemes: readonly string[],
): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>()
  if (chunkIds.length === 0 || lexemes.length === 0) return out
  const rows = await ex.query<{ chunk_id: string; lexeme: string }>(
    `select ct.chunk_id, ct.lexeme from chunk_terms ct
     where ct.chunk_id = ${anyOfJson(1)} and ct.lexeme = ${anyOfJson(2, 'text')}`,
    [JSON.stringify(chunkIds), JSON.stringify(lexemes)],
  )
  for (const r of rows) {
    const id = String(r.chunk_id)
    const held = out.get(id) ?? new Set<string>()
    held.add(String(r.lexeme))
    out.set(id, held)
  }
  return out
}
