// A user and a session made directly in the database, for chassis tests that must not depend on
// the accounts routes.
import { createSession } from '../../src/auth/sessions.js'
import type { Config } from '../../src/config.js'
import type { Database } from '../../src/db/client.js'
import { users } from '../../src/db/schema/index.js'
import { type Clock, systemClock } from '../../src/lib/clock.js'
import { uuidv7 } from '../../src/lib/ids.js'

export async function seedSession(
  db: Database,
  config: Config,
  email = `u${Math.random().toString(36).slice(2)}@example.com`,
  clock: Clock = systemClock,
): Promise<{ userId: string; token: string }> {
  const userId = uuidv7()
  await db.orm.insert(users).values({ id: userId, email, passwordHash: 'x', role: 'user' })
  const { token } = await createSession({ db, config, clock }, userId, { ip: '127.0.0.1', userAgent: 'test' })
  return { userId, token }
}
