import type { Space, SpaceKind, SpaceMember, SpaceRole } from './spaces-api'

/** Pure helpers for the spaces pages and the chat's `Spaces` picker (unit-tested). */

export const KIND_WORDS: Record<SpaceKind, string> = {
  shared: 'Shared library',
  personal: 'Personal',
  team: 'Team',
}

export const ROLE_WORDS: Record<SpaceRole, string> = {
  viewer: 'Viewer',
  editor: 'Editor',
  owner: 'Owner',
}

export const ROLE_HINTS: Record<SpaceRole, string> = {
  viewer: 'reads and asks about its documents',
  editor: 'also adds and deletes documents',
  owner: 'also manages members and the space',
}

const RANK: Record<SpaceRole, number> = { viewer: 1, editor: 2, owner: 3 }

export function canEdit(role: SpaceRole): boolean {
  return RANK[role] >= RANK.editor
}

export function isOwner(role: SpaceRole): boolean {
  return role === 'owner'
}

/** Only team spaces have members and can be deleted (§10). */
export function canManageMembers(space: Pick<Space, 'kind' | 'role'>): boolean {
  return space.kind === 'team' && isOwner(space.role)
}

export const canDeleteSpace = canManageMembers

/** Owners rename and describe team spaces and the shared library; My documents stays as it is (§10). */
export function canEditDetails(space: Pick<Space, 'kind' | 'role'>): boolean {
  return space.kind !== 'personal' && isOwner(space.role)
}

export function documentCount(n: number): string {
  return n === 1 ? '1 document' : `${n} documents`
}

const KIND_ORDER: Record<SpaceKind, number> = { personal: 0, shared: 1, team: 2 }

/** My documents first, then the shared library, then team spaces by name. */
export function sortSpaces<T extends Pick<Space, 'kind' | 'name'>>(spaces: readonly T[]): T[] {
  return [...spaces].sort(
    (a, b) =>
      KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
      a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }),
  )
}

export function personalSpace<T extends Pick<Space, 'kind'>>(spaces: readonly T[] | undefined): T | null {
  return spaces?.find((s) => s.kind === 'personal') ?? null
}

export function sharedLibrary<T extends Pick<Space, 'kind'>>(spaces: readonly T[] | undefined): T | null {
  return spaces?.find((s) => s.kind === 'shared') ?? null
}

/** Members first (owners, editors, viewers; then by name or email), pending invitations last. */
export function sortMembers(members: readonly SpaceMember[]): SpaceMember[] {
  const label = (m: SpaceMember) => (m.name || m.email).toLowerCase()
  return [...members].sort(
    (a, b) =>
      Number(a.status === 'invited') - Number(b.status === 'invited') ||
      RANK[b.role] - RANK[a.role] ||
      label(a).localeCompare(label(b)),
  )
}

/** "Ana", "Ana and Ben", "Ana, Ben and Cy". */
export function joinNames(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? ''
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`
}

export const ALL_MY_SPACES = 'All my spaces'

/**
 * What a conversation's answers draw on, in words. `null` (or an empty list) is the default scope;
 * a remembered space that is no longer readable is skipped by the server, so it is named as such.
 */
export function scopeSummary(
  spaceIds: readonly string[] | null | undefined,
  spaces: readonly Pick<Space, 'id' | 'name'>[],
): string {
  if (!spaceIds || spaceIds.length === 0) return ALL_MY_SPACES
  const names = new Map(spaces.map((s) => [s.id, s.name]))
  const known = spaceIds.flatMap((id) => {
    const name = names.get(id)
    return name === undefined ? [] : [name]
  })
  const unknown = spaceIds.length - known.length
  if (unknown > 0)
    known.push(unknown === 1 ? 'a space you can no longer open' : `${unknown} spaces you can no longer open`)
  return joinNames(known)
}

/**
 * The picker's next value after ticking or unticking one space. No space chosen means the
 * default scope (`null`), so unticking the last one goes back to all of them.
 */
export function toggleScope(current: readonly string[] | null | undefined, id: string): string[] | null {
  const chosen = current ?? []
  const next = chosen.includes(id) ? chosen.filter((x) => x !== id) : [...chosen, id]
  return next.length === 0 ? null : next
}

/**
 * What the chat's picker shows: a new chat's own choice (also while its first answer streams, before
 * the saved conversation is loaded), else what the saved conversation remembers.
 */
export function pickerValue(input: {
  conversationId: string | null
  firstAnswerStreaming: boolean
  newChatChoice: string[] | null
  saved: { space_ids?: string[] | null } | undefined
}): string[] | null {
  if (input.conversationId === null || input.firstAnswerStreaming) return input.newChatChoice
  return input.saved?.space_ids ?? null
}

/** The picker sends at most 20 spaces (§8). */
export const MAX_CHOSEN_SPACES = 20

/** The space a citation comes from, by name; null when the caller cannot see that space's name. */
export function citationSpaceName(
  citation: { space_id?: string | undefined },
  names: ReadonlyMap<string, string>,
): string | null {
  if (!citation.space_id) return null
  return names.get(citation.space_id) ?? null
}

/** Paths under /spaces that are not ids: `mine` is the caller's personal space ("My documents"). */
export const MY_DOCUMENTS_PATH = '/spaces/mine'

/** Where a space's page is: My documents has one stable address, the header's. */
export function spaceHref(space: Pick<Space, 'id' | 'kind'>): string {
  return space.kind === 'personal' ? MY_DOCUMENTS_PATH : `/spaces/${encodeURIComponent(space.id)}`
}
