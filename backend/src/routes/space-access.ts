// Who may act on a space, decided on the route's matched id and the caller's role as it is now
// (contract §10): unreadable → 404, exactly like a space that does not exist; readable with too
// low a role → 403.
import type { FastifyRequest } from 'fastify'
import type { Executor } from '../db/client.js'
import { roleAtLeast, type SpaceAccess, type SpaceView, spaceAccess } from '../db/queries/spaces.js'
import type { SpaceRole } from '../db/schema/spaces.js'
import { AppError } from '../errors.js'

export interface Caller {
  id: string
  email: string
  isAdmin: boolean
}

export function callerOf(request: FastifyRequest): Caller {
  if (!request.user) throw new AppError('auth_required')
  return { id: request.user.id, email: request.user.email, isAdmin: request.user.role === 'admin' }
}

export const spaceNotFound = () => new AppError('not_found', { detail: 'Space not found' })

/** The caller's access to a space they must hold `needed` in: 404 when unreadable, 403 when too low. */
export async function requireRole(
  ex: Executor,
  spaceId: string,
  caller: Caller,
  needed: SpaceRole,
): Promise<SpaceAccess> {
  const access = await spaceAccess(ex, spaceId, caller)
  if (!access) throw spaceNotFound()
  if (!roleAtLeast(access.role, needed)) {
    throw new AppError('forbidden', { detail: `This needs the ${needed} role in the space` })
  }
  return access
}

export function spaceBody(v: SpaceView) {
  return {
    id: v.id,
    name: v.name,
    description: v.description,
    kind: v.kind,
    visibility: v.visibility,
    role: v.role,
    documents: v.documents,
    created_at: v.created_at.toISOString(),
  }
}
