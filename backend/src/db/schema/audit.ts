import { sql } from 'drizzle-orm'
import { index, jsonb, pgTable, timestamp, uuid, varchar } from 'drizzle-orm/pg-core'

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

// Append-only record of security-relevant changes (docs/api.md §14). No foreign keys: events
// outlive the users they name, which is why the actor's email is copied at write time.
export const auditEvents = pgTable(
  'audit_events',
  {
    id: uuid('id').primaryKey(),
    at: tstz('at').notNull().defaultNow(),
    type: varchar('type', { length: 40 }).notNull(),
    actorId: uuid('actor_id'),
    actorEmail: varchar('actor_email', { length: 254 }),
    subjectId: uuid('subject_id'),
    ipAddress: varchar('ip_address', { length: 45 }),
    userAgent: varchar('user_agent', { length: 255 }),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
  },
  (t) => [
    index('audit_events_at_idx').on(t.at.desc(), t.id.desc()),
    index('audit_events_type_at_idx').on(t.type, t.at.desc(), t.id.desc()),
    index('audit_events_actor_at_idx').on(t.actorId, t.at.desc(), t.id.desc()),
    index('audit_events_subject_at_idx').on(t.subjectId, t.at.desc(), t.id.desc()),
  ],
)

export type AuditEventRow = typeof auditEvents.$inferSelect
