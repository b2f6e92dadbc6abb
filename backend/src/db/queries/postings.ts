// What rag/posting-cache.ts reads: a query's term statistics per searched space with the
// generations of its lists (one statement), and whole posting lists with the generations they were
// read at (one statement, so a list and its generations come from one snapshot).
import type { Executor } from '../client.js'
import { withNameParts } from './index-text.js'

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

export interface QueryTermsBySpace {
  /** The searched spaces that hold chunks (a space without a space_stats row holds none). */
  spaces: SpaceWeights[]
  /** Every distinct lexeme of the query, in the database's lexeme order, per space that holds it. */
  terms: { lexeme: string; spaces: Map<string, TermInSpace> }[]
}

/** The parsed value of a json column (postgres-js parses it, PGlite hands back text on some paths). */
const jsonOf = <T>(v: unknown, empty: T): T =>
  typeof v === 'string' ? (JSON.parse(v) as T) : ((v as T) ?? empty)

export async function queryTermsBySpace(
  ex: Executor,
  query: string,
  spaceIds: readonly string[],
): Promise<QueryTermsBySpace> {
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
          select json_agg(json_build_array(t.space_id, t.df, t.generation)) as per
          from sp join space_terms t on t.space_id = sp.space_id and t.lexeme = q.lexeme
        ) d on true) as terms`,
    [withNameParts(query), JSON.stringify(spaceIds)],
  )
  const spaces = jsonOf<[string, number, number][]>(rows[0]?.spaces, [])
  const terms = jsonOf<[string, [string, number, number][] | null][]>(rows[0]?.terms, [])
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

export interface PostingList {
  spaceId: string
  lexeme: string
  /** The lexeme's and the space's weights' generations in the snapshot the list was read in (0: none). */
  generation: number
  weightsGeneration: number
  /** The postings' chunk ids, 16 bytes each (uuid_send). */
  chunkIds: Uint8Array
  /** The stored weights (real), in the order of chunkIds. */
  weights: Float32Array
}

/** A bytea column: a Buffer from postgres-js, a Uint8Array from PGlite. */
const bytesOf = (v: unknown): Uint8Array => (v instanceof Uint8Array ? v : new Uint8Array(0))

/**
 * Whole posting lists of (space, lexeme) pairs, each read index-only from chunk_terms' search
 * index and shipped as two byte strings (a uuid's 16 bytes, a real's 4 big-endian bytes, per
 * posting): far cheaper to ship and take apart than a row or a text per posting.
 */
export async function readPostingLists(
  ex: Executor,
  wanted: readonly { spaceId: string; lexeme: string }[],
): Promise<PostingList[]> {
  if (wanted.length === 0) return []
  const rows = await ex.query<Record<string, unknown>>(
    `select w.s as space_id, w.l as lexeme,
       coalesce((select t.generation from space_terms t where t.space_id = w.s and t.lexeme = w.l), 0) as generation,
       coalesce((select ss.weights_generation from space_stats ss where ss.space_id = w.s), 0) as weights_generation,
       x.ids, x.weights
     from jsonb_to_recordset($1::text::jsonb) as w(s uuid, l text)
     cross join lateral (
       select coalesce(string_agg(uuid_send(ct.chunk_id), ''::bytea), ''::bytea) as ids,
         coalesce(string_agg(float4send(ct.weight), ''::bytea), ''::bytea) as weights
       from chunk_terms ct where ct.space_id = w.s and ct.lexeme = w.l
     ) x`,
    [JSON.stringify(wanted.map((w) => ({ s: w.spaceId, l: w.lexeme })))],
  )
  return rows.map((r) => {
    const raw = bytesOf(r.weights)
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength)
    const weights = new Float32Array(raw.byteLength >> 2)
    for (let j = 0; j < weights.length; j++) weights[j] = view.getFloat32(j * 4, false)
    return {
      spaceId: String(r.space_id),
      lexeme: String(r.lexeme),
      generation: Number(r.generation),
      weightsGeneration: Number(r.weights_generation),
      chunkIds: bytesOf(r.ids),
      weights,
    }
  })
}
