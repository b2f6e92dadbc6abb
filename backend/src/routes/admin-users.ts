// User administration (docs/api.md §14): list and search, role, disable/enable, sign out, verify,
// delete. Every change is written with its audit event in one transaction. An admin cannot act on
// their own role or account (422 cannot_change_self) and the last enabled admin cannot go
// (422 last_admin), so nobody locks the instance out of its administration.
import { randomBytes } from 'node:crypto'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { deleteAccount } from '../auth/account-deletion.js'
import { writeAudit } from '../auth/audit.js'
import { emailProblem, normalizeEmail } from '../auth/email.js'
import { issueLink, NEW_ACCOUNT_LINK_TTL_MS, queueNotice, RESET_TTL_MS } from '../auth/email-links.js'
import { hashPassword } from '../auth/passwords.js'
import { errorResponses, NoContent, UserSchema } from '../auth/schemas.js'
import { type AuthUser, authUserOf, effectiveRole } from '../auth/sessions.js'
import { type Conn, withTransaction } from '../db/client.js'
import { countOtherEnabledAdmins, listUsersPage, updateUserAdmin } from '../db/queries/admin-users.js'
import { disableMfa } from '../db/queries/mfa.js'
import { deleteUserSessions } from '../db/queries/sessions.js'
import { insertPersonalSpace } from '../db/queries/spaces.js'
import {
  findUserByEmail,
  findUserById,
  insertUser,
  isUniqueViolation,
  setEmailVerified,
} from '../db/queries/users.js'
import type { UserRow } from '../db/schema/index.js'
import { AppError } from '../errors.js'
import { invalidCursor, keysetPage } from '../lib/cursor.js'
import { uuidv7 } from '../lib/ids.js'
import { IdParams } from '../lib/schemas.js'
import type { RouteDeps } from './deps.js'

const DateTime = Type.String({ format: 'date-time' })

/** The §3 user object plus what only an admin sees. */
const AdminUser = Type.Object({
  ...UserSchema.properties,
  disabled: Type.Boolean(),
  last_sign_in_at: Type.Union([DateTime, Type.Null()]),
})

const AdminUsersQuery = Type.Object({
  query: Type.Optional(Type.String({ maxLength: 254 })),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 400 })),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
})

const AdminUsersList = Type.Object({
  users: Type.Array(AdminUser),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
})

const AdminUserPatch = Type.Object(
  {
    role: Type.Optional(Type.Union([Type.Literal('user'), Type.Literal('admin')])),
    disabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
)

const ResetLink = Type.Object({ url: Type.String(), expires_at: DateTime })

const AdminUserCreate = Type.Object(
  {
    email: Type.String({ minLength: 1, maxLength: 320 }),
    name: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])),
    role: Type.Optional(Type.Union([Type.Literal('user'), Type.Literal('admin')])),
  },
  { additionalProperties: false },
)

const AdminUserCreated = Type.Object({ ...AdminUser.properties, reset_link: ResetLink })

/** Opaque to clients: base64url of the last email of a page (emails are unique and the sort key). */
function decodeUsersCursor(cursor: string | undefined): string | null {
  if (cursor === undefined) return null
  const email = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : ''
  if (!email || email.length > 254 || email.includes('\u0000') || !email.includes('@')) {
    throw invalidCursor()
  }
  return email
}

export default async function adminUserRoutes(instance: FastifyInstance, deps: RouteDeps) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>()
  const { config, db, clock } = deps
  const admin = async (request: FastifyRequest) => app.requireAdmin(request)
  const tags = ['admin']

  function userItem(row: UserRow) {
    const u = authUserOf(config, row)
    return {
      id: u.id,
      email: u.email,
      name: u.name,
      role: u.role,
      email_verified: u.email_verified,
      mfa_enabled: u.mfa_enabled,
      disabled: row.disabledAt !== null,
      created_at: u.created_at.toISOString(),
      last_sign_in_at: row.lastSignInAt ? row.lastSignInAt.toISOString() : null,
    }
  }

  function actorOf(request: FastifyRequest): AuthUser {
    if (!request.user) throw new AppError('auth_required')
    return request.user
  }

  /** The target of an action on someone else's account, or 404 / 422 cannot_change_self. */
  async function otherUser(tx: Conn, actor: AuthUser, id: string): Promise<UserRow> {
    const row = await findUserById(tx, id)
    if (!row) throw new AppError('not_found')
    if (row.id === actor.id) throw new AppError('cannot_change_self')
    return row
  }

  /** Refuses when `row` is an enabled admin and no other enabled admin would remain. */
  async function keepAnAdmin(tx: Conn, row: UserRow) {
    if (row.disabledAt || effectiveRole(config, row) !== 'admin') return
    if ((await countOtherEnabledAdmins(tx, row.id, config.adminEmails)) === 0) {
      throw new AppError('last_admin')
    }
  }

  app.get(
    '/api/admin/users',
    {
      onRequest: admin,
      schema: {
        tags,
        summary: 'Users by email, optionally searched by email or name (admin)',
        querystring: AdminUsersQuery,
        response: { 200: AdminUsersList, ...errorResponses(401, 403, 422) },
      },
    },
    async (request) => {
      const { query, cursor, limit } = request.query
      const rows = await listUsersPage(db, {
        query: query?.trim() || null,
        afterEmail: decodeUsersCursor(cursor),
        limit: limit + 1,
      })
      const { items, next_cursor } = keysetPage(rows, limit, userItem, (last) =>
        Buffer.from(last.email, 'utf8').toString('base64url'),
      )
      return { users: items, next_cursor }
    },
  )

  app.patch(
    '/api/admin/users/:id',
    {
      onRequest: admin,
      schema: {
        tags,
        summary: "Change a user's role or disable/enable them (admin)",
        params: IdParams,
        body: AdminUserPatch,
        response: { 200: AdminUser, ...errorResponses(401, 403, 404, 422) },
      },
    },
    async (request) => {
      const actor = actorOf(request)
      const { role, disabled } = request.body
      const row = await withTransaction(db, async (tx) => {
        let row = await otherUser(tx, actor, request.params.id.toLowerCase())
        const now = new Date(clock.now())
        const auditAs = { id: actor.id, email: actor.email }
        if (role !== undefined && config.adminEmails.includes(row.email.toLowerCase())) {
          throw new AppError('cannot_change_env_admin')
        }
        const before = effectiveRole(config, row)
        const demote = role === 'user' && before === 'admin'
        const disable = disabled === true && row.disabledAt === null
        if (demote || disable) await keepAnAdmin(tx, row)
        if (role !== undefined && role !== before) {
          row = (await updateUserAdmin(tx, row.id, { role }, now)) ?? row
          await writeAudit(tx, clock, request, {
            type: 'user_role_changed',
            actor: auditAs,
            subjectId: row.id,
            details: { from: before, to: role },
          })
        }
        if (disable) {
          row = (await updateUserAdmin(tx, row.id, { disabledAt: now }, now)) ?? row
          const revoked = await deleteUserSessions(tx, row.id)
          await writeAudit(tx, clock, request, {
            type: 'user_disabled',
            actor: auditAs,
            subjectId: row.id,
            details: { sessions_revoked: revoked },
          })
        } else if (disabled === false && row.disabledAt !== null) {
          row = (await updateUserAdmin(tx, row.id, { disabledAt: null }, now)) ?? row
          await writeAudit(tx, clock, request, { type: 'user_enabled', actor: auditAs, subjectId: row.id })
        }
        return row
      })
      return userItem(row)
    },
  )

  /**
   * A POST on a user's account, in one transaction with its audit event: 404 for an unknown id.
   * `self: false`: not on the admin's own account (422 cannot_change_self).
   */
  function userAction(
    action: 'sign-out' | 'verify' | 'mfa/disable',
    summary: string,
    opts: { self: boolean },
    act: (
      tx: Conn,
      request: FastifyRequest,
      row: UserRow,
      actor: { id: string; email: string },
    ) => Promise<void>,
  ) {
    app.post(
      `/api/admin/users/:id/${action}`,
      {
        onRequest: admin,
        schema: {
          tags,
          summary,
          params: IdParams,
          response: { 204: NoContent, ...errorResponses(401, 403, 404, ...(opts.self ? [] : [422])) },
        },
      },
      async (request, reply) => {
        const actor = actorOf(request)
        await withTransaction(db, async (tx) => {
          const id = request.params.id.toLowerCase()
          const row = opts.self ? await findUserById(tx, id) : await otherUser(tx, actor, id)
          if (!row) throw new AppError('not_found')
          await act(tx, request, row, { id: actor.id, email: actor.email })
        })
        return reply.status(204).send(null)
      },
    )
  }

  userAction(
    'sign-out',
    'End every session of a user (admin)',
    { self: true },
    async (tx, request, row, actor) => {
      const revoked = await deleteUserSessions(tx, row.id)
      await writeAudit(tx, clock, request, {
        type: 'sign_out_all',
        actor,
        subjectId: row.id,
        details: { sessions_revoked: revoked, by_admin: true },
      })
    },
  )

  userAction(
    'verify',
    "Mark a user's email verified on the admin's word (admin)",
    { self: true },
    async (tx, request, row, actor) => {
      if (row.emailVerified) return
      await setEmailVerified(tx, row.email, new Date(clock.now()))
      await writeAudit(tx, clock, request, {
        type: 'email_verified',
        actor,
        subjectId: row.id,
        details: { by_admin: true },
      })
    },
  )

  // For someone who lost both factors (docs/api.md §13): the second step goes, their sessions stay.
  // Not the admin's own: that is POST /api/auth/mfa/disable, with the password and a code.
  userAction(
    'mfa/disable',
    "Turn off a user's two-factor sign-in (admin; for a lost device)",
    { self: false },
    async (tx, request, row, actor) => {
      if (!row.mfaEnabled) return
      await disableMfa(tx, row.id, new Date(clock.now()))
      await writeAudit(tx, clock, request, {
        type: 'mfa_disabled',
        actor,
        subjectId: row.id,
        details: { by_admin: true },
      })
      await queueNotice(tx, deps, row.email, 'mfa_disabled', request)
    },
  )

  // docs/api.md §14: an account for someone, verified on the admin's word and with no usable
  // password yet (the hash of random bytes nobody holds), plus the one-time link that sets it.
  app.post(
    '/api/admin/users',
    {
      onRequest: admin,
      schema: {
        tags,
        summary: 'Create a user (verified, no password yet) and get the link that sets it (admin)',
        body: AdminUserCreate,
        response: { 201: AdminUserCreated, ...errorResponses(401, 403, 409, 422, 503) },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request)
      const email = normalizeEmail(request.body.email)
      const invalid = emailProblem(email)
      if (invalid) throw new AppError('validation_error', { errors: [{ path: 'email', message: invalid }] })
      if (await findUserByEmail(db, email)) throw new AppError('email_taken')
      const unusable = await hashPassword(randomBytes(32).toString('base64url'))
      const now = new Date(clock.now())
      const auditAs = { id: actor.id, email: actor.email }
      try {
        const { row, link } = await withTransaction(db, async (tx) => {
          const row = await insertUser(tx, {
            id: uuidv7(now.getTime()),
            email,
            name: request.body.name?.trim() || null,
            passwordHash: unusable,
            role: request.body.role ?? 'user',
            emailVerified: true,
            createdAt: now,
          })
          await insertPersonalSpace(tx, row.id, uuidv7(now.getTime()), now)
          const link = await issueLink(tx, deps, {
            purpose: 'reset',
            user: row,
            emailed: false,
            ttlMs: NEW_ACCOUNT_LINK_TTL_MS,
          })
          await writeAudit(tx, clock, request, {
            type: 'user_created',
            actor: auditAs,
            subjectId: row.id,
            details: { role: row.role },
          })
          await writeAudit(tx, clock, request, {
            type: 'reset_link_created',
            actor: auditAs,
            subjectId: row.id,
          })
          return { row, link }
        })
        return reply
          .status(201)
          .send({ ...userItem(row), reset_link: { url: link.url, expires_at: link.expiresAt.toISOString() } })
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('email_taken')
        throw err
      }
    },
  )

  // The same one-time link a reset email carries, for a server without email (docs/api.md §12,
  // §14). Audited and shown in the user's own activity, so it cannot be used quietly; it proves
  // nothing about the address, so it verifies nothing. Never for the admin's own account (422
  // cannot_change_self): a stolen session would set a new password without the current one.
  app.post(
    '/api/admin/users/:id/reset-link',
    {
      onRequest: admin,
      schema: {
        tags,
        summary: 'A one-time password-reset link for a user, to hand over (admin)',
        params: IdParams,
        response: { 200: ResetLink, ...errorResponses(401, 403, 404, 422, 503) },
      },
    },
    async (request) => {
      const actor = actorOf(request)
      const link = await withTransaction(db, async (tx) => {
        const row = await otherUser(tx, actor, request.params.id.toLowerCase())
        const link = await issueLink(tx, deps, {
          purpose: 'reset',
          user: row,
          emailed: false,
          ttlMs: RESET_TTL_MS,
        })
        await writeAudit(tx, clock, request, {
          type: 'reset_link_created',
          actor: { id: actor.id, email: actor.email },
          subjectId: row.id,
        })
        return link
      })
      return { url: link.url, expires_at: link.expiresAt.toISOString() }
    },
  )

  app.delete(
    '/api/admin/users/:id',
    {
      onRequest: admin,
      schema: {
        tags,
        summary: 'Delete a user and everything they own (admin)',
        params: IdParams,
        response: { 204: NoContent, ...errorResponses(401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request)
      await withTransaction(db, async (tx) => {
        const row = await otherUser(tx, actor, request.params.id.toLowerCase())
        const enabledAdmin = !row.disabledAt && effectiveRole(config, row) === 'admin'
        await deleteAccount(tx, config.adminEmails, { id: row.id, enabledAdmin })
        await writeAudit(tx, clock, request, {
          type: 'account_deleted',
          actor: { id: actor.id, email: actor.email },
          subjectId: row.id,
          details: { by_admin: true },
        })
      })
      return reply.status(204).send(null)
    },
  )
}
