import { bigint, boolean, index, integer, pgTable, text, timestamp, uuid, varchar } from 'drizzle-orm/pg-core'
import { users } from './auth.js'

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

// docs/api.md §12; migration 0013 says what each column holds.
export const emailTokens = pgTable(
  'email_tokens',
  {
    id: uuid('id').primaryKey(),
    purpose: varchar('purpose', { length: 16 }).$type<'verify' | 'reset' | 'change_email'>().notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: varchar('token_hash', { length: 64 }).notNull().unique(),
    /** The user's address when the token was made: a token dies when the address changes. */
    email: varchar('email', { length: 254 }).notNull(),
    newEmail: varchar('new_email', { length: 254 }),
    /** Sent by email (proves the address), as opposed to handed out by an admin or the CLI. */
    emailed: boolean('emailed').notNull().default(false),
    expiresAt: tstz('expires_at').notNull(),
    usedAt: tstz('used_at'),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [index('email_tokens_user_purpose_idx').on(t.userId, t.purpose)],
)

export const mailOutbox = pgTable('mail_outbox', {
  id: uuid('id').primaryKey(),
  /** Queue order: mails go out in the order they were queued (uuidv7 ids tie within a millisecond). */
  seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity(),
  toAddress: varchar('to_address', { length: 254 }).notNull(),
  subject: varchar('subject', { length: 200 }).notNull(),
  text: text('text'),
  html: text('html'),
  attempts: integer('attempts').notNull().default(0),
  nextAttemptAt: tstz('next_attempt_at').notNull().defaultNow(),
  sentAt: tstz('sent_at'),
  failedAt: tstz('failed_at'),
  lastError: varchar('last_error', { length: 500 }),
  createdAt: tstz('created_at').notNull().defaultNow(),
})

export type EmailTokenRow = typeof emailTokens.$inferSelect
export type MailOutboxRow = typeof mailOutbox.$inferSelect
