// The spaces behind the /v1 models (docs/api.md §11): one `rag-auth/<space_id>` per readable space.
import type { Executor } from '../client.js'
import { toDate } from '../client.js'

/** Creation times of these spaces, oldest first. */
export async function spaceCreationTimes(
  ex: Executor,
  spaceIds: readonly string[],
): Promise<{ id: string; created_at: Date }[]> {
  if (spaceIds.length === 0) return []
  const rows = await ex.query<{ id: string; created_at: Date | string }>(
    `select id, created_at from spaces
     where id in (select (jsonb_array_elements_text($1::text::jsonb))::uuid)
     order by created_at, id`,
    [JSON.stringify(spaceIds)],
  )
  return rows.map((r) => ({ id: String(r.id), created_at: toDate(r.created_at) }))
}
