// The sign-in challenge between the password step and the code step (docs/api.md §13): a random
// token handed to the client, only its hash stored, living CHALLENGE_TTL_MS and CHALLENGE_MAX_TRIES.
import type { Conn } from '../db/client.js'
import { insertChallenge } from '../db/queries/mfa.js'
import { uuidv7 } from '../lib/ids.js'
import type { RouteDeps } from '../routes/deps.js'
import { CHALLENGE_TTL_MS, generateChallengeToken, hashMfaToken } from './mfa.js'

export async function issueChallenge(
  deps: Pick<RouteDeps, 'config' | 'db' | 'clock'>,
  userId: string,
  /** The transaction that checked the password still stands (routes-sign-in). */
  conn: Conn = deps.db,
): Promise<{ challenge: string; expires_at: string }> {
  const now = deps.clock.now()
  const token = generateChallengeToken()
  const expiresAt = new Date(now + CHALLENGE_TTL_MS)
  await insertChallenge(conn, {
    id: uuidv7(now),
    userId,
    tokenHash: hashMfaToken(token, deps.config.secretKey),
    expiresAt,
    now: new Date(now),
  })
  return { challenge: token, expires_at: expiresAt.toISOString() }
}
