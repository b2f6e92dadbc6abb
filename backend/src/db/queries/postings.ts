// Whole posting lists for rag/posting-cache.ts, with the generations they were read at (one
// statement, so a list and its generations come from one snapshot; the generations a search
// compares them with come with its term statistics, term-idf.ts).
import type { Executor } from '../client.js'

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
