// SQL for API keys (docs/api.md §11). The lookup is on the hot path of every key-authenticated
// request: one indexed join, raw SQL so the driver can keep it prepared. A disabled user's keys
// find nothing, so disabling stops every key at once (docs/api.md §11, §14).
import { and, desc, eq } from 'drizzle-orm'
import { type Conn, type Executor, toDate } from '../client.js'
import { type ApiKeyRow, apiKeys } from '../schema/index.js'

export interface ApiKeyWithUser {
  id: string
  user_id: string
  name: string
  key_hash: string
  can_write: boolean
  expires_at: Date | null
  last_used_at: Date | null
  email: string
  user_name: string | null
  role: string
  email_verified: boolean
  mfa_enabled: boolean
  user_created_at: Date
}

const LOOKUP = `select k.id, k.user_id, k.name, k.key_hash, k.can_write, k.expires_at, k.last_used_at,
  u.email, u.name as user_name, u.role, u.email_verified, u.mfa_enabled, u.created_at as user_created_at
  from api_keys k join users u on u.id = k.user_id
  where k.key_hash = $1 and u.disabled_at is null`

export async function findApiKeyByHash(db: Executor, keyHash: string): Promise<ApiKeyWithUser | null> {
  const rows = await db.query<ApiKeyWithUser>(LOOKUP, [keyHash])
  const row = rows[0]
  if (!row) return null
  // postgres-js hands raw-query timestamps back as strings; PGlite as Dates.
  return {
    ...row,
    expires_at: row.expires_at === null ? null : toDate(row.expires_at),
    last_used_at: row.last_used_at === null ? null : toDate(row.last_used_at),
    user_created_at: toDate(row.user_created_at),
  }
}

/** Timestamps go in as ISO strings (see touchSession). */
export async function touchApiKey(db: Executor, id: string, lastUsedAt: Date): Promise<void> {
  await db.query('update api_keys set last_used_at = $2::timestamptz where id = $1', [
    id,
    lastUsedAt.toISOString(),
  ])
}

export async function insertApiKey(db: Conn, row: ApiKeyRow): Promise<ApiKeyRow> {
  const [created] = await db.orm.insert(apiKeys).values(row).returning()
  return created as ApiKeyRow
}

/** A user's keys, newest first (expired ones included: their owner may still revoke them). */
export async function listUserApiKeys(db: Conn, userId: string): Promise<ApiKeyRow[]> {
  return db.orm.select().from(apiKeys).where(eq(apiKeys.userId, userId)).orderBy(desc(apiKeys.createdAt))
}

/** Deletes one key of a user; false when it is not theirs (or does not exist). */
export async function deleteUserApiKey(db: Conn, userId: string, id: string): Promise<boolean> {
  const rows = await db.orm
    .delete(apiKeys)
    .where(and(eq(apiKeys.id, id), eq(apiKeys.userId, userId)))
    .returning({ id: apiKeys.id })
  return rows.length > 0
}

/** Every key of a user (a confirmed password reset stops them all). */
export async function deleteUserApiKeys(db: Conn, userId: string): Promise<number> {
  const rows = await db.orm.delete(apiKeys).where(eq(apiKeys.userId, userId)).returning({ id: apiKeys.id })
  return rows.length
}
