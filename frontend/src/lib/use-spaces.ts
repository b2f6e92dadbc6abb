import { useQuery } from '@tanstack/react-query'
import { useMemo } from 'react'
import { spacesApi } from './spaces-api'

/** Every spaces query lives under this key, so one invalidation refreshes lists, spaces and members. */
export const SPACES_KEY = ['spaces'] as const
export const spaceKey = (id: string) => ['spaces', 'one', id] as const
export const membersKey = (id: string) => ['spaces', 'members', id] as const
export const INVITATIONS_KEY = ['spaces', 'invitations'] as const
export const spaceDocumentsKey = (id: string) => ['documents', 'space', id] as const

/** The caller's readable spaces (GET /api/spaces), shared by the header, picker, pages and citations. */
export function useSpaces() {
  return useQuery({ queryKey: [...SPACES_KEY, 'list'], queryFn: spacesApi.list })
}

/** Space id → name, for labelling citations and scopes. */
export function useSpaceNames(): ReadonlyMap<string, string> {
  const { data } = useSpaces()
  return useMemo(() => new Map((data ?? []).map((s) => [s.id, s.name])), [data])
}
