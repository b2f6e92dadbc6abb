// Deleting an account, by its owner (DELETE /api/auth/account) or by an admin
// (DELETE /api/admin/users/:id): the same rules either way (docs/api.md §13, §14).
import type { Conn } from '../db/client.js'
import { deleteUserRow, personalSpaceOf, teamSpacesOf, teamSpacesOwnedBy } from '../db/queries/account.js'
import { countOtherEnabledAdmins } from '../db/queries/admin-users.js'
import { lockKnowledgeBase } from '../db/queries/bm25.js'
import { countOwners } from '../db/queries/space-members.js'
import { deleteSpaceRows, lockSpace } from '../db/queries/spaces.js'
import { AppError } from '../errors.js'

export interface DeletedAccount {
  id: string
  /** An enabled admin (stored role or ADMIN_EMAILS): the last one cannot go (422 last_admin). */
  enabledAdmin: boolean
}

/**
 * Inside the caller's transaction: refuses with 422 last_owner while the user is a team space's
 * only owner and 422 last_admin for the last enabled admin, then deletes the personal space with
 * its search index and the user (the cascade takes sessions, conversations, memberships, feedback
 * and the MFA rows). False when the user was already gone.
 */
export async function deleteAccount(
  tx: Conn,
  adminEmails: readonly string[],
  account: DeletedAccount,
): Promise<boolean> {
  // The knowledge-base write lock first (as space deletion takes it): the personal space's
  // postings are purged and no ingest can add new ones before the rows go.
  await lockKnowledgeBase(tx)
  // Every team space the user is in, under its row lock as membership changes take it, before the
  // roles are read: a co-owner leaving at the same time cannot leave the space ownerless, nor can
  // one who promoted this user just now and then left (a role read before the lock would be stale).
  // Taken before the admins' row locks, in the order a membership change takes them (space, then
  // the member's user row), so the two cannot deadlock.
  for (const spaceId of await teamSpacesOf(tx, account.id)) await lockSpace(tx, spaceId)
  for (const spaceId of await teamSpacesOwnedBy(tx, account.id)) {
    if ((await countOwners(tx, spaceId)) <= 1) throw new AppError('last_owner')
  }
  // Row locks on every enabled admin: serialises with the admin routes' demote and disable.
  if (account.enabledAdmin && (await countOtherEnabledAdmins(tx, account.id, adminEmails)) === 0) {
    throw new AppError('last_admin')
  }
  const personal = await personalSpaceOf(tx, account.id)
  if (personal) await deleteSpaceRows(tx, personal)
  return deleteUserRow(tx, account.id)
}
