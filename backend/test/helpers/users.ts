// Users and Bearer sessions for tests, created directly in the database (no HTTP round trip).
import { randomBytes } from 'node:crypto'
import { createSession } from '../../src/auth/sessions.js'
import type { Config } from '../../src/config.js'
import type { Database } from '../../src/db/client.js'
import { users } from '../../src/db/schema/index.js'
import { type Clock, systemClock } from '../../src/lib/clock.js'
import { uuidv7 } from '../../src/lib/ids.js'

export interface TestUser {
  user: { id: string; email: string; role: 'user' | 'admin' }
  token: string
}

/** A user that cannot sign in with a password (the hash is not an argon2 hash) and a live session. */
export async function createUserWithSession(
  db: Database,
  config: Config,
  opts: { email: string; role?: 'user' | 'admin'; clock?: Clock },
): Promise<TestUser> {
  const clock = opts.clock ?? systemClock
  const id = uuidv7(clock.now())
  const email = opts.email.toLowerCase()
  const role = opts.role ?? 'user'
  await db.orm.insert(users).values({
    id,
    email,
    passwordHash: `!test-no-password-${randomBytes(8).toString('hex')}`,
    role,
    createdAt: new Date(clock.now()),
    updatedAt: new Date(clock.now()),
  })
  const { token } = await createSession({ db, config, clock }, id, { ip: null, userAgent: 'test' })
  return { user: { id, email, role }, token }
}

export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` }
}
