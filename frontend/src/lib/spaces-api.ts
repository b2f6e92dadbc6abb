import { apiFetch, request } from './api'
import type { ConversationSummary, DocumentSummary } from './types'

/** Response shapes of contract §10 (spaces, members, invitations). */

export type SpaceKind = 'shared' | 'personal' | 'team'
export type SpaceVisibility = 'members' | 'everyone'
export type SpaceRole = 'viewer' | 'editor' | 'owner'

export interface Space {
  id: string
  name: string
  description: string
  kind: SpaceKind
  visibility: SpaceVisibility
  /** The caller's effective role. */
  role: SpaceRole
  /** How many documents the space holds. */
  documents: number
  created_at: string
}

export interface SpaceMember {
  /** Null for an invitation to an address without an account. */
  user_id: string | null
  email: string
  name: string | null
  role: SpaceRole
  added_at: string
  status: 'member' | 'invited'
}

export interface Invitation {
  space_id: string
  space_name: string
  role: SpaceRole
  invited_by: string | null
  created_at: string
}

/** PUT members: a current member's role changes (200); anyone else is invited (202). */
export type MemberOutcome = { kind: 'changed'; member: SpaceMember } | { kind: 'invited' }

export interface NewSpaceInput {
  name: string
  description?: string
  visibility?: SpaceVisibility
}

const enc = encodeURIComponent

export const spacesApi = {
  list: async () => (await request<{ spaces: Space[] }>('/api/spaces')).spaces,
  get: (id: string) => request<Space>(`/api/spaces/${enc(id)}`),
  create: (input: NewSpaceInput) => request<Space>('/api/spaces', { method: 'POST', json: input }),
  update: (input: { id: string } & Partial<NewSpaceInput>) => {
    const { id, ...body } = input
    return request<Space>(`/api/spaces/${enc(id)}`, { method: 'PATCH', json: body })
  },
  remove: (id: string) => request<void>(`/api/spaces/${enc(id)}`, { method: 'DELETE' }),

  members: async (id: string) =>
    (await request<{ members: SpaceMember[] }>(`/api/spaces/${enc(id)}/members`)).members,
  putMember: async (input: { spaceId: string; email: string; role: SpaceRole }): Promise<MemberOutcome> => {
    const response = await apiFetch(`/api/spaces/${enc(input.spaceId)}/members`, {
      method: 'PUT',
      json: { email: input.email, role: input.role },
    })
    if (response.status === 202) return { kind: 'invited' }
    return { kind: 'changed', member: (await response.json()) as SpaceMember }
  },
  removeMember: (input: { spaceId: string; userId: string }) =>
    request<void>(`/api/spaces/${enc(input.spaceId)}/members/${enc(input.userId)}`, { method: 'DELETE' }),
  withdrawInvitation: (input: { spaceId: string; email: string }) =>
    request<void>(
      `/api/spaces/${enc(input.spaceId)}/invitations?${new URLSearchParams({ email: input.email })}`,
      {
        method: 'DELETE',
      },
    ),

  invitations: async () =>
    (await request<{ invitations: Invitation[] }>('/api/spaces/invitations')).invitations,
  accept: (spaceId: string) => request<Space>(`/api/spaces/${enc(spaceId)}/accept`, { method: 'POST' }),
  decline: (spaceId: string) => request<void>(`/api/spaces/${enc(spaceId)}/decline`, { method: 'POST' }),

  documents: async (spaceId: string) =>
    (
      await request<{ documents: DocumentSummary[] }>(
        `/api/documents?${new URLSearchParams({ space_id: spaceId })}`,
      )
    ).documents,

  /** `null` puts the conversation back on the caller's default scope (§8). */
  setConversationSpaces: (input: { id: string; spaceIds: string[] | null }) =>
    request<ConversationSummary>(`/api/chat/conversations/${enc(input.id)}`, {
      method: 'PATCH',
      json: { space_ids: input.spaceIds },
    }),
}
