// Driving the §10 routes through inject() with a Bearer token.
import assert from 'node:assert/strict'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'

export interface SpaceBody {
  id: string
  name: string
  description: string
  kind: 'shared' | 'personal' | 'team'
  visibility: 'members' | 'everyone'
  role: 'viewer' | 'editor' | 'owner'
  documents: number
  created_at: string
}

export interface MemberBody {
  user_id: string | null
  email: string
  name: string | null
  role: 'viewer' | 'editor' | 'owner'
  status: 'member' | 'invited'
  added_at: string
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/** One request as the holder of `token`. */
export function as(app: FastifyInstance, token: string) {
  return (method: Method, url: string, payload?: unknown): Promise<LightMyRequestResponse> =>
    app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    })
}

export function body<T>(res: LightMyRequestResponse): T {
  return JSON.parse(res.body) as T
}

/** Asserts a status (showing the body when it differs) and returns the parsed body, if any. */
export function expectStatus<T = Record<string, unknown>>(res: LightMyRequestResponse, status: number): T {
  assert.equal(res.statusCode, status, `${res.statusCode} ${res.body}`)
  return (res.body ? JSON.parse(res.body) : null) as T
}

export async function createSpace(
  app: FastifyInstance,
  token: string,
  payload: Record<string, unknown> = {},
): Promise<SpaceBody> {
  const name = `Team ${Math.random().toString(36).slice(2, 8)}`
  return expectStatus<SpaceBody>(await as(app, token)('POST', '/api/spaces', { name, ...payload }), 201)
}

/** Invites `email` with `role` as the owner, then accepts as its holder: a member from then on. */
export async function addMember(
  app: FastifyInstance,
  ownerToken: string,
  spaceId: string,
  member: { email: string; token: string },
  role: 'viewer' | 'editor' | 'owner',
): Promise<void> {
  const invited = await as(app, ownerToken)('PUT', `/api/spaces/${spaceId}/members`, {
    email: member.email,
    role,
  })
  expectStatus(invited, 202)
  expectStatus(await as(app, member.token)('POST', `/api/spaces/${spaceId}/accept`), 200)
}

export async function listSpaces(app: FastifyInstance, token: string): Promise<SpaceBody[]> {
  return expectStatus<{ spaces: SpaceBody[] }>(await as(app, token)('GET', '/api/spaces'), 200).spaces
}
