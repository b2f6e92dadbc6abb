// A list of ids (or other values) passed as one JSON parameter, so that a statement's text is the
// same for any number of them and it stays prepared. Written `= any(array(…))`, never
// `in (select …)`: the generic plan of a prepared statement guesses 100 rows for the set and then
// hash-joins a sequential scan of the whole table (chunksByIds read every chunk of a 10k corpus
// for 8 ids; deleting a document read every chunk three times); an array is an index condition.
import { type SQL, sql } from 'drizzle-orm'

/** Raw SQL: `= any(…)` of the JSON list in parameter `$n`, each value cast to `type`. */
export const anyOfJson = (n: number, type: 'uuid' | 'text' = 'uuid'): string =>
  `any(array(select (jsonb_array_elements_text($${n}::text::jsonb))::${type}))`

/** The query builder's form: `column = any(the ids)`, the ids bound as one JSON parameter. */
export function inIds(column: SQL | SQL.Aliased | { getSQL(): SQL }, ids: readonly string[]): SQL {
  return sql`${column} = any(array(select (jsonb_array_elements_text(${JSON.stringify([...new Set(ids)])}::text::jsonb))::uuid))`
}
