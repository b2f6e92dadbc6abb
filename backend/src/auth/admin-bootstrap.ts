// The first admin on a host without a shell (docs/api.md §1, ADMIN_PASSWORD): at start, each
// ADMIN_EMAILS address with no account, or an unverified one, becomes a verified account with
// that password. An unverified account there is whoever signed up with the address first, so its
// sessions go. Verified accounts are never touched. Without ADMIN_PASSWORD, the server says which
// listed addresses are not admins yet and how to fix that.
import type { FastifyBaseLogger } from 'fastify'
import type { Config } from '../config.js'
import type { Database } from '../db/client.js'
import { claimAdminAddress, findUsersByEmails } from '../db/queries/users.js'
import { uuidv7 } from '../lib/ids.js'
import { hashPassword, PASSWORD_PROBLEM_MESSAGES, passwordProblem } from './passwords.js'

/** ADMIN_PASSWORD fails the password policy for one of the addresses: the server refuses to start. */
export class AdminPasswordError extends Error {}

/** Listed addresses without a verified account, and why. */
async function pendingAdmins(
  db: Database,
  config: Config,
): Promise<{ email: string; why: 'no account' | 'unverified' }[]> {
  const rows = await findUsersByEmails(db, config.adminEmails)
  const byEmail = new Map(rows.map((r) => [r.email, r]))
  return config.adminEmails.flatMap((email): { email: string; why: 'no account' | 'unverified' }[] => {
    const row = byEmail.get(email)
    if (!row) return [{ email, why: 'no account' }]
    if (row.emailVerified) return []
    return [{ email, why: 'unverified' }]
  })
}

export async function bootstrapAdmins(db: Database, config: Config, log: FastifyBaseLogger): Promise<void> {
  if (config.adminEmails.length === 0) return
  const pending = await pendingAdmins(db, config)
  if (pending.length === 0) return
  const password = config.adminPassword
  if (!password) {
    log.warn(
      { event: 'admin.pending', pending },
      `ADMIN_EMAILS addresses without a verified account (not admins): ${pending.map((p) => `${p.email} (${p.why})`).join(', ')}. ` +
        'Create the account with `npm run user -- create <email>`, verify one that is yours with ' +
        '`npm run user -- verify <email>`, or, without a shell, set ADMIN_PASSWORD and restart',
    )
    return
  }
  for (const { email } of pending) {
    const problem = await passwordProblem(password, email)
    if (problem)
      throw new AdminPasswordError(`ADMIN_PASSWORD: ${PASSWORD_PROBLEM_MESSAGES[problem]} (${email})`)
  }
  for (const { email } of pending) {
    const now = new Date()
    const passwordHash = await hashPassword(password)
    const result = await claimAdminAddress(db, {
      id: uuidv7(now.getTime()),
      email,
      passwordHash,
      now,
      personalSpaceId: uuidv7(now.getTime()),
    })
    if (result.outcome === 'created') {
      log.info(
        { event: 'admin.bootstrap', email, outcome: 'created' },
        'admin account created from ADMIN_PASSWORD',
      )
    } else if (result.outcome === 'claimed') {
      log.warn(
        { event: 'admin.bootstrap', email, outcome: 'claimed', sessions_revoked: result.sessionsRevoked },
        'unverified account at an ADMIN_EMAILS address taken over by ADMIN_PASSWORD; its sessions, API keys and second factor were removed, its emailed links voided',
      )
    }
  }
}
