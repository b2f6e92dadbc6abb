// Spaces (contract §10): list, create, read, change and delete. A space the caller may not read
// answers 404 exactly like one that does not exist; a readable one where the caller's role is too
// low answers 403. Roles are read inside the transaction that acts on them, as they are then.
// Members and invitations: space-members.ts.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { writeAudit } from '../auth/audit.js'
import { errorResponses, NoContent } from '../auth/schemas.js'
import { withTransaction } from '../db/client.js'
import { lockKnowledgeBase } from '../db/queries/bm25.js'
import {
  deleteSpaceRows,
  ensurePersonalSpace,
  insertSpace,
  listReadableSpaces,
  lockSpace,
  readableSpace,
  type SpaceAccess,
  type SpaceChanges,
  updateSpace,
  upsertSpaceMember,
} from '../db/queries/spaces.js'
import { AppError } from '../errors.js'
import { uuidv7 } from '../lib/ids.js'
import type { RouteDeps } from './deps.js'
import { type Caller, callerOf, requireRole, spaceBody, spaceNotFound } from './space-access.js'
import spaceMemberRoutes from './space-members.js'
import { CreateSpaceBody, SpaceIdParams, SpaceList, SpaceSchema, UpdateSpaceBody } from './spaces-schemas.js'

const forbidden = (detail: string) => new AppError('forbidden', { detail })

/** What an owner may not change about a space of this kind, by who they are (§10). */
function checkChanges(access: SpaceAccess, c: SpaceChanges, caller: Caller, name: string): void {
  if (access.kind === 'personal') {
    if (c.name !== undefined && c.name !== name) throw forbidden('My documents cannot be renamed')
    if (c.visibility === 'everyone') throw forbidden('My documents cannot be made visible to others')
  }
  if (access.kind === 'shared' && c.visibility === 'members') {
    throw forbidden('The shared library is readable by every signed-in user')
  }
  if (access.kind === 'team' && c.visibility === 'everyone' && access.visibility !== 'everyone') {
    if (!caller.isAdmin) throw forbidden('Only an administrator can make a space visible to everyone')
  }
}

export default async function spaceRoutes(instance: FastifyInstance, deps: RouteDeps) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>()
  const { config, db, clock } = deps
  const tags = ['spaces']

  app.get(
    '/api/spaces',
    {
      schema: {
        tags,
        summary: 'Every space you can read, with your role in it',
        response: { 200: SpaceList, ...errorResponses(401) },
      },
    },
    async (request) => {
      const caller = callerOf(request)
      // Accounts from before spaces get their My documents on first use.
      await ensurePersonalSpace(db, caller.id, () => uuidv7(clock.now()))
      return { spaces: (await listReadableSpaces(db, caller)).map(spaceBody) }
    },
  )

  app.post(
    '/api/spaces',
    {
      schema: {
        tags,
        summary: 'Create a team space (you become its owner)',
        description:
          'With SPACE_CREATION=admins only administrators may create spaces; only an administrator may ' +
          'create one with visibility `everyone`.',
        body: CreateSpaceBody,
        response: { 201: SpaceSchema, ...errorResponses(401, 403, 422) },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request)
      if (config.spaceCreation === 'admins' && !caller.isAdmin) {
        throw forbidden('Only administrators can create spaces here')
      }
      const visibility = request.body.visibility ?? 'members'
      if (visibility === 'everyone' && !caller.isAdmin) {
        throw forbidden('Only an administrator can make a space visible to everyone')
      }
      const id = uuidv7(clock.now())
      const view = await withTransaction(db, async (tx) => {
        await insertSpace(tx, {
          id,
          name: request.body.name.trim(),
          description: request.body.description?.trim() ?? '',
          kind: 'team',
          visibility,
          createdBy: caller.id,
        })
        await upsertSpaceMember(tx, id, caller.id, 'owner')
        await writeAudit(tx, clock, request, {
          type: 'space_created',
          actor: caller,
          subjectId: caller.id,
          details: { space_id: id, visibility },
        })
        return readableSpace(tx, id, caller)
      })
      if (!view) throw new Error('a created space is not readable by its owner')
      return reply.status(201).send(spaceBody(view))
    },
  )

  app.get(
    '/api/spaces/:id',
    {
      schema: {
        tags,
        summary: 'One space',
        params: SpaceIdParams,
        response: { 200: SpaceSchema, ...errorResponses(401, 404) },
      },
    },
    async (request) => {
      const view = await readableSpace(db, request.params.id.toLowerCase(), callerOf(request))
      if (!view) throw spaceNotFound()
      return spaceBody(view)
    },
  )

  app.patch(
    '/api/spaces/:id',
    {
      schema: {
        tags,
        summary: 'Rename a space, change its description or visibility (owner)',
        description:
          'My documents cannot be renamed or made visible; only an administrator may set visibility `everyone`.',
        params: SpaceIdParams,
        body: UpdateSpaceBody,
        response: { 200: SpaceSchema, ...errorResponses(401, 403, 404, 422) },
      },
    },
    async (request) => {
      const caller = callerOf(request)
      const id = request.params.id.toLowerCase()
      const changes: SpaceChanges = {
        ...(request.body.name !== undefined ? { name: request.body.name.trim() } : {}),
        ...(request.body.description !== undefined ? { description: request.body.description.trim() } : {}),
        ...(request.body.visibility !== undefined ? { visibility: request.body.visibility } : {}),
      }
      const view = await withTransaction(db, async (tx) => {
        if (!(await lockSpace(tx, id))) throw spaceNotFound()
        const access = await requireRole(tx, id, caller, 'owner')
        checkChanges(access, changes, caller, access.name)
        await updateSpace(tx, id, changes, new Date(clock.now()))
        await writeAudit(tx, clock, request, {
          type: 'space_updated',
          actor: caller,
          subjectId: null,
          // Which fields changed, not their text: a space's name is its members' business.
          details: { space_id: id, fields: Object.keys(changes).sort().join(',') },
        })
        return readableSpace(tx, id, caller)
      })
      if (!view) throw spaceNotFound()
      return spaceBody(view)
    },
  )

  app.delete(
    '/api/spaces/:id',
    {
      schema: {
        tags,
        summary: 'Delete a team space with its documents (owner)',
        description: 'The shared library and personal spaces cannot be deleted.',
        params: SpaceIdParams,
        response: { 204: NoContent, ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request)
      const id = request.params.id.toLowerCase()
      // One transaction under the knowledge-base write lock: no ingest can add postings to the
      // space between its purge and its deletion, and at commit it is gone from every search.
      await withTransaction(db, async (tx) => {
        await lockKnowledgeBase(tx)
        const access = await requireRole(tx, id, caller, 'owner')
        if (access.kind === 'shared') throw forbidden('The shared library cannot be deleted')
        if (access.kind === 'personal') throw forbidden('My documents cannot be deleted')
        if (!(await deleteSpaceRows(tx, id))) throw spaceNotFound()
        await writeAudit(tx, clock, request, {
          type: 'space_deleted',
          actor: caller,
          subjectId: null,
          details: { space_id: id },
        })
      })
      return reply.status(204).send(null)
    },
  )

  await app.register(spaceMemberRoutes, deps)
}
