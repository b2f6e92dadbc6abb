// Which spaces a request may read, resolved from memberships as they are at this request
// (contract §7, §8, §10): named spaces must all be readable (else 404, exactly like a space that
// does not exist), and an unnamed scope is every readable space (search, listings) or the default
// scope (chat: a space an admin reaches only through admin rights is searched only when named).
import type { FastifyRequest } from 'fastify'
import type { AuthUser } from '../auth/sessions.js'
import type { Executor } from '../db/client.js'
import { defaultSpaceIds, readableSpaceIds } from '../db/queries/spaces.js'
import { AppError } from '../errors.js'

export interface Caller {
  id: string
  isAdmin: boolean
}

export function callerOf(request: FastifyRequest): Caller {
  const user: AuthUser | null | undefined = request.user
  if (!user) throw new AppError('auth_required')
  return { id: user.id, isAdmin: user.role === 'admin' }
}

export const spaceNotFound = () => new AppError('not_found', { detail: 'Space not found' })

/** Every space the caller may read now. */
export function readableSpaces(ex: Executor, caller: Caller): Promise<string[]> {
  return readableSpaceIds(ex, caller.id, caller.isAdmin)
}

/** The caller's default chat scope now. */
export function defaultSpaces(ex: Executor, caller: Caller): Promise<string[]> {
  return defaultSpaceIds(ex, caller.id)
}

/**
 * The named spaces, deduplicated and in canonical spelling, when the caller may read every one of
 * them now; otherwise 404 (an unreadable space and a missing one answer alike).
 */
export async function requireReadable(
  ex: Executor,
  caller: Caller,
  named: readonly string[],
): Promise<string[]> {
  const wanted = [...new Set(named.map((id) => id.toLowerCase()))]
  const readable = new Set(await readableSpaces(ex, caller))
  if (!wanted.every((id) => readable.has(id))) throw spaceNotFound()
  return wanted
}

/** Remembered spaces still readable now: the others are skipped, not an error (§8). */
export async function stillReadable(
  ex: Executor,
  caller: Caller,
  remembered: readonly string[],
): Promise<string[]> {
  const readable = new Set(await readableSpaces(ex, caller))
  return remembered.filter((id) => readable.has(id.toLowerCase())).map((id) => id.toLowerCase())
}
