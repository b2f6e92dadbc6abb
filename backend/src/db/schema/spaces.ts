import { sql } from 'drizzle-orm'
import { check, index, pgTable, primaryKey, timestamp, uniqueIndex, uuid, varchar } from 'drizzle-orm/pg-core'
import { users } from './auth.js'

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

/** The shared library's id, fixed by migration 0007 (one per database, never deleted). */
export const SHARED_LIBRARY_ID = '00000000-0000-7000-8000-000000000001'

export type SpaceKind = 'shared' | 'personal' | 'team'
export type SpaceVisibility = 'members' | 'everyone'
export type SpaceRole = 'viewer' | 'editor' | 'owner'

/** A named set of documents; who may read a document is decided by its space (contract §10). */
export const spaces = pgTable(
  'spaces',
  {
    id: uuid('id').primaryKey(),
    name: varchar('name', { length: 100 }).notNull(),
    description: varchar('description', { length: 500 }).notNull().default(''),
    kind: varchar('kind', { length: 16 }).$type<SpaceKind>().notNull(),
    visibility: varchar('visibility', { length: 16 }).$type<SpaceVisibility>().notNull().default('members'),
    // personal: the user whose "My documents" it is (goes with the account). Team spaces leave it
    // null: a cascade from their creator's account would take a space other owners still hold.
    ownerId: uuid('owner_id').references(() => users.id, { onDelete: 'cascade' }),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: tstz('created_at').notNull().defaultNow(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    check('spaces_kind_check', sql`${t.kind} in ('shared', 'personal', 'team')`),
    check('spaces_visibility_check', sql`${t.visibility} in ('members', 'everyone')`),
    uniqueIndex('spaces_one_shared_idx').on(t.kind).where(sql`${t.kind} = 'shared'`),
    uniqueIndex('spaces_personal_owner_idx').on(t.ownerId).where(sql`${t.kind} = 'personal'`),
  ],
)

export const spaceMembers = pgTable(
  'space_members',
  {
    spaceId: uuid('space_id')
      .notNull()
      .references(() => spaces.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: varchar('role', { length: 16 }).$type<SpaceRole>().notNull(),
    addedAt: tstz('added_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.spaceId, t.userId] }),
    check('space_members_role_check', sql`${t.role} in ('viewer', 'editor', 'owner')`),
    // A request resolves the caller's spaces from here: one index range per user.
    index('space_members_user_idx').on(t.userId, t.spaceId),
  ],
)

// A pending invitation (§10): a space reaches a person's answers only after they accept it. Keyed by
// the normalised email, so one can wait for someone who has no account yet.
export const spaceInvitations = pgTable(
  'space_invitations',
  {
    spaceId: uuid('space_id')
      .notNull()
      .references(() => spaces.id, { onDelete: 'cascade' }),
    email: varchar('email', { length: 254 }).notNull(),
    role: varchar('role', { length: 16 }).$type<SpaceRole>().notNull(),
    invitedBy: uuid('invited_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: tstz('created_at').notNull().defaultNow(),
    expiresAt: tstz('expires_at').notNull().default(sql`(now() + interval '14 days')`),
  },
  (t) => [
    primaryKey({ columns: [t.spaceId, t.email] }),
    check('space_invitations_role_check', sql`${t.role} in ('viewer', 'editor', 'owner')`),
    index('space_invitations_email_idx').on(t.email, t.expiresAt),
  ],
)

export type SpaceRow = typeof spaces.$inferSelect
export type SpaceMemberRow = typeof spaceMembers.$inferSelect
export type SpaceInvitationRow = typeof spaceInvitations.$inferSelect
