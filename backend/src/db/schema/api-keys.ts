import { boolean, index, pgTable, timestamp, uuid, varchar } from 'drizzle-orm/pg-core'
import { users } from './auth.js'

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

/** Personal API keys (docs/api.md §11). A key goes with its user; revoking deletes the row. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: varchar('name', { length: 100 }).notNull(),
    // Hashed exactly like session tokens (SHA-256, or HMAC with SECRET_KEY): the key is never stored.
    keyHash: varchar('key_hash', { length: 64 }).notNull().unique(),
    // The key's first 12 characters (`rak_` + 8), shown in lists so people can tell keys apart.
    prefix: varchar('prefix', { length: 12 }).notNull(),
    // Scopes are `read`, or `read` + `write`: one flag says which.
    canWrite: boolean('can_write').notNull().default(false),
    createdAt: tstz('created_at').notNull().defaultNow(),
    expiresAt: tstz('expires_at'),
    lastUsedAt: tstz('last_used_at'),
  },
  (t) => [index('api_keys_user_id_idx').on(t.userId)],
)

export type ApiKeyRow = typeof apiKeys.$inferSelect
