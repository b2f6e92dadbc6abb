// Which spaces a request may read, resolved from memberships as they are at this request
// (contract §7, §8, §10): named spaces must all be readable (else 404, exactly like a space that
// does not exist), and an unnamed scope is every readable space (search, listings) or the default
// scope (chat: a space an admin reaches only through admin rights is searched only when named).
import type { Conn } from '../db/client.js'
import { defaultSpaceIds, readableSpaceIds, spaceNames } from '../db/queries/spaces.js'
import type { Citation } from '../rag/citations.js'
import type { RetrievedChunk } from '../rag/types.js'
import { type Caller, spaceNotFound } from './space-access.js'

/** Every space the caller may read now. */
export function readableSpaces(ex: Conn, caller: Caller): Promise<string[]> {
  return readableSpaceIds(ex, caller.id, caller.isAdmin)
}

/** The caller's default chat scope now. */
export function defaultSpaces(ex: Conn, caller: Caller): Promise<string[]> {
  return defaultSpaceIds(ex, caller.id)
}

/**
 * The named spaces, deduplicated and in canonical spelling, when the caller may read every one of
 * them now; otherwise 404 (an unreadable space and a missing one answer alike).
 */
export async function requireReadable(ex: Conn, caller: Caller, named: readonly string[]): Promise<string[]> {
  const wanted = [...new Set(named.map((id) => id.toLowerCase()))]
  const readable = new Set(await readableSpaces(ex, caller))
  if (!wanted.every((id) => readable.has(id))) throw spaceNotFound()
  return wanted
}

/** Remembered spaces still readable now: the others are skipped, not an error (§8). */
export async function stillReadable(
  ex: Conn,
  caller: Caller,
  remembered: readonly string[],
): Promise<string[]> {
  const readable = new Set(await readableSpaces(ex, caller))
  return remembered.filter((id) => readable.has(id.toLowerCase())).map((id) => id.toLowerCase())
}

/** A citation with the space its chunk was retrieved from (contract §8). */
export type SpaceCitation = Citation & { space_id: string; space_name?: string }

/**
 * The answer's citations with their spaces: each names a chunk retrieved for this turn, whose
 * space the caller could read when it was retrieved.
 */
export async function citationsWithSpaces(
  db: Conn,
  citations: readonly Citation[],
  sources: readonly RetrievedChunk[],
): Promise<SpaceCitation[]> {
  if (citations.length === 0) return []
  const spaceOf = new Map(sources.map((s) => [s.chunk_id, s.space_id]))
  const names = await spaceNames(
    db,
    citations.flatMap((c) => spaceOf.get(c.chunk_id) ?? []),
  )
  return citations.map((c) => {
    const spaceId = spaceOf.get(c.chunk_id) ?? ''
    const name = names.get(spaceId)
    return { ...c, space_id: spaceId, ...(name === undefined ? {} : { space_name: name }) }
  })
}
