// Term statistics of a query over a set of spaces: the chunks they hold (N) and, per english
// lexeme of the query, how many of those chunks hold it (df, summed over the spaces). The chat's
// relevance floor and the extractive answerer judge a question's words by them (rag/retrieve.ts
// says over which spaces, and how a small collection is read).
import { type Executor, jsonColumn } from '../client.js'
import { anyOfJson } from './id-list.js'
import { queryIndexText } from './index-text.js'

export interface TermStats {
  /** Chunks in the spaces. */
  chunks: number
  /** Every distinct lexeme of the query, in lexeme order; df 0: no chunk of the spaces holds it. */
  terms: { lexeme: string; df: number }[]
}

export interface SpaceWeights {
  spaceId: string
  /** space_stats.weights_generation: changes whenever the space's stored weights are recomputed. */
  weightsGeneration: number
  chunks: number
}

export interface TermInSpace {
  df: number
  /** space_terms.generation: changes whenever a chunk holding the lexeme comes or goes in the space. */
  generation: number
}

export interface TermStatsBySpace {
  /** The spaces that hold chunks (a space without a space_stats row holds none). */
  spaces: SpaceWeights[]
  /** Every distinct lexeme of the query, in the database's lexeme order, per space that holds it. */
  terms: { lexeme: string; spaces: Map<string, TermInSpace> }[]
}

/**
 * The query's term statistics space by space, with the generations of its posting lists (what
 * rag/posting-cache.ts checks remembered lists against), in one statement.
 */
export async function queryTermStatsBySpace(
  ex: Executor,
  query: string,
  spaceIds: readonly string[],
): Promise<TermStatsBySpace> {
  // df is probed per (lexeme, space) on space_terms' primary key: as a join, the planner read the
  // whole table (every lexeme of every space) and hashed it, ~5× the rest of a chat turn's
  // retrieval at 2k chunks (bench/RESULTS.md, "Postgres statements per chat question").
  const rows = await ex.query<Record<string, unknown>>(
    `with sp as (
       select distinct (jsonb_array_elements_text($2::text::jsonb))::uuid as space_id
     ), q as (
       select distinct lexeme from unnest(to_tsvector('english', $1))
     )
     select
       (select json_agg(json_build_array(ss.space_id, ss.weights_generation, ss.chunk_count))
        from sp join space_stats ss on ss.space_id = sp.space_id) as spaces,
       (select json_agg(json_build_array(q.lexeme, d.per) order by q.lexeme)
        from q left join lateral (
          select json_agg(json_build_array(sp.space_id, t.df, t.generation)) as per
          from sp cross join lateral (
            select st.df, st.generation from space_terms st
            where st.space_id = sp.space_id and st.lexeme = q.lexeme
          ) t
        ) d on true) as terms`,
    [queryIndexText(query), JSON.stringify(spaceIds)],
  )
  const spaces = jsonColumn<[string, number, number][]>(rows[0]?.spaces, [])
  const terms = jsonColumn<[string, [string, number, number][] | null][]>(rows[0]?.terms, [])
  return {
    spaces: spaces.map(([spaceId, weightsGeneration, chunks]) => ({
      spaceId: String(spaceId),
      weightsGeneration: Number(weightsGeneration),
      chunks: Number(chunks),
    })),
    terms: terms.map(([lexeme, per]) => ({
      lexeme: String(lexeme),
      spaces: new Map(
        (per ?? []).map(([s, df, generation]) => [
          String(s),
          { df: Number(df), generation: Number(generation) },
        ]),
      ),
    })),
  }
}

/** N and each lexeme's df summed over the spaces. */
export function summedStats(bySpace: TermStatsBySpace): TermStats {
  return {
    chunks: bySpace.spaces.reduce((sum, s) => sum + s.chunks, 0),
    terms: bySpace.terms.map((t) => ({
      lexeme: t.lexeme,
      df: [...t.spaces.values()].reduce((sum, x) => sum + x.df, 0),
    })),
  }
}

export async function queryTermStats(
  ex: Executor,
  query: string,
  spaceIds: readonly string[],
): Promise<TermStats> {
  return summedStats(await queryTermStatsBySpace(ex, query, spaceIds))
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
