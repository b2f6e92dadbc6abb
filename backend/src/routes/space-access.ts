// Who may act on a space, decided on the route's matched id and the caller's role as it is now
// (docs/api.md §7, §10): unreadable → 404, exactly like a space that does not exist; readable with
// too low a role → 403. Spaces, members and documents routes all decide here; a write checks again
// inside the transaction that writes, so a member demoted meanwhile cannot write.
import type { FastifyRequest } from 'fastify'
import { requestUser } from '../auth/plugin.js'
import type { Conn } from '../db/client.js'
import { roleAtLeast, type SpaceAccess, type SpaceView, spaceAccess } from '../db/queries/spaces.js'
import type { SpaceRole } from '../db/schema/spaces.js'
import { AppError } from '../errors.js'

/** The signed-in caller as access rules and the audit log see them. */
export interface Caller {
  id: string
  email: string
  isAdmin: boolean
}

export function callerOf(request: FastifyRequest): Caller {
  const user = requestUser(request)
  return { id: user.id, email: user.email, isAdmin: user.role === 'admin' }
}

export const spaceNotFound = () => new AppError('not_found', { detail: 'Space not found' })

const NEEDS: Record<SpaceRole, string> = {
  viewer: 'You cannot read this space',
  editor: 'You need the editor or owner role in this space',
  owner: 'You need the owner role in this space',
}

/**
 * The caller's access to a space they must hold `needed` in: 404 when unreadable (`notFound`: what
 * the route calls missing, the space or the document in it), 403 when too low.
 */
export async function requireRole(
  ex: Conn,
  spaceId: string,
  caller: Caller,
  needed: SpaceRole,
  notFound: () => AppError = spaceNotFound,
): Promise<SpaceAccess> {
  const access = await spaceAccess(ex, spaceId, caller)
  if (!access) throw notFound()
  if (!roleAtLeast(access.role, needed)) throw new AppError('forbidden', { detail: NEEDS[needed] })
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
