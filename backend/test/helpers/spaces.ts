// Driving the §10 routes through inject() with a Bearer token.
import assert from 'node:assert/strict'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { type Conn, type Database, withTransaction } from '../../src/db/client.js'

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

/**
 * Postgres only: a write that reaches its transaction after something changed. `hold` runs in a
 * transaction of the test that takes a lock the request's write needs; once the request waits for
 * it (or has finished without waiting), `during` runs, then the transaction commits and the
 * request goes on. The request's response is returned.
 */
export async function whileWriteWaits<T>(
  db: Database,
  hold: (tx: Conn) => Promise<void>,
  request: () => Promise<T>,
  during: (tx: Conn) => Promise<void> = async () => {},
): Promise<T> {
  let pending: Promise<T> | undefined
  await withTransaction(db, async (tx) => {
    await hold(tx)
    let settled = false
    pending = request().finally(() => {
      settled = true
    })
    // Waiting sessions of this database only: other test files share the server.
    for (let i = 0; !settled; i++) {
      const [row] = await db.query<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity
         where datname = current_database() and wait_event_type = 'Lock'`,
      )
      if ((row?.n ?? 0) > 0) break
      if (i > 1000) throw new Error('the request never waited for the lock')
      await new Promise((r) => setTimeout(r, 10))
    }
    await during(tx)
  })
  return pending as Promise<T>
}
