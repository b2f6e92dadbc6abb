// Auth events reach the log as structured lines, and no secret ever does.
import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { after, before, describe, it } from 'node:test'
import { hash } from '@node-rs/argon2'
import Fastify from 'fastify'
import { buildApp } from '../../src/app.js'
import { ARGON2_PARAMS, needsRehash, verifyPassword } from '../../src/auth/passwords.js'
import { testConfig } from '../../src/config.js'
import { findUserByEmail } from '../../src/db/queries/users.js'
import { loggerOptions } from '../../src/http/logging.js'
import { uuidv7 } from '../../src/lib/ids.js'
import { json } from '../helpers/app.js'
import { bearerHeader, PASSWORD, register, signIn } from '../helpers/auth.js'
import { createTestDatabase, dbKinds, type TestDatabase } from '../helpers/db.js'
import { totpAt } from '../helpers/totp.js'

for (const kind of dbKinds()) {
  describe(`auth events and rehash [${kind}]`, () => {
    let tdb: TestDatabase
    let app: Awaited<ReturnType<typeof buildApp>>
    const lines: string[] = []
    before(async () => {
      tdb = await createTestDatabase(kind)
      const config = testConfig({ LOG_LEVEL: 'info', RATE_LIMIT_AUTH: '1000/minute' })
      const stream = new Writable({
        write(chunk, _enc, cb) {
          lines.push(String(chunk))
          cb()
        },
      })
      // The server's own logger options (redaction included), writing to memory.
      const logger = Fastify({ logger: { ...(loggerOptions(config, false) as object), stream } }).log
      app = await buildApp({ config, db: tdb.db, logger })
      await app.ready()
    })
    after(async () => {
      await app.close()
      await tdb.cleanup()
    })

    const events = () =>
      lines
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((l) => typeof l.event === 'string' && String(l.event).startsWith('auth.'))

    it('logs each auth event with ids and IP, never a secret', async () => {
      const email = 'audit.me@example.com'
      const reg = json<{ user: { id: string }; session: { token: string } }>(
        await register(app, { email, password: PASSWORD }),
      )
      const userId = reg.user.id
      await signIn(app, 'nobody.here@example.com', PASSWORD)
      for (let i = 0; i < 5; i++) await signIn(app, email, `wrong-password-${i}`)
      await signIn(app, email, PASSWORD)
      const token = reg.session.token
      const me = json<{ session: { id: string } }>(
        await app.inject({ url: '/api/auth/me', headers: bearerHeader(token) }),
      )
      await app.inject({
        method: 'DELETE',
        url: `/api/auth/sessions/${me.session.id}`,
        headers: bearerHeader(token),
      })

      const second = json<{ user: { id: string }; session: { token: string } }>(
        await register(app, { email: 'second.user@example.com', password: PASSWORD }),
      )
      assert.equal((await signIn(app, 'second.user@example.com', PASSWORD)).statusCode, 200)
      await app.inject({
        method: 'POST',
        url: '/api/auth/change-password',
        headers: bearerHeader(second.session.token),
        payload: { current_password: PASSWORD, new_password: 'another-secret-phrase' },
      })
      await app.inject({
        method: 'POST',
        url: '/api/auth/sign-out',
        headers: bearerHeader(second.session.token),
      })

      const seen = events()
      const find = (event: string, extra: Record<string, unknown> = {}) =>
        seen.find((e) => e.event === event && Object.entries(extra).every(([k, v]) => e[k] === v))
      assert.ok(find('auth.register', { user_id: userId, ip: '127.0.0.1' }))
      assert.ok(find('auth.sign_in_failed', { reason: 'unknown_email' }))
      assert.ok(find('auth.sign_in_failed', { reason: 'wrong_password', user_id: userId }))
      assert.ok(find('auth.locked', { user_id: userId }))
      assert.ok(find('auth.sign_in_failed', { reason: 'locked' }))
      assert.ok(find('auth.session_revoked', { user_id: userId, session_id: me.session.id }))
      assert.ok(find('auth.password_changed', { user_id: second.user.id }))
      assert.ok(find('auth.sign_out', { user_id: second.user.id }))
      assert.ok(find('auth.sign_in', { user_id: second.user.id }))

      const all = lines.join('\n')
      for (const secret of [
        PASSWORD,
        'another-secret-phrase',
        'wrong-password-0',
        token,
        second.session.token,
        email,
      ]) {
        assert.equal(all.includes(secret), false, `log contains ${secret.slice(0, 6)}…`)
      }
      assert.doesNotMatch(all, /\$argon2id\$/)
    })

    it('counts wrong codes to turn two-factor sign-in off though the password is right, and logs the lock', async () => {
      const email = 'mfa.locked@example.com'
      const { session } = json<{ session: { token: string } }>(
        await register(app, { email, password: PASSWORD }),
      )
      const post = (url: string, payload: object) =>
        app.inject({ method: 'POST', url, headers: bearerHeader(session.token), payload })
      const { secret } = json<{ secret: string }>(
        await post('/api/auth/mfa/totp/setup', { password: PASSWORD }),
      )
      assert.equal(
        (await post('/api/auth/mfa/totp/enable', { code: totpAt(secret, Date.now()) })).statusCode,
        200,
      )
      const wrong = String((Number(totpAt(secret, Date.now())) + 500_000) % 1_000_000).padStart(6, '0')
      let status = 0
      for (let i = 0; i < 10 && status !== 429; i++) {
        status = (await post('/api/auth/mfa/disable', { password: PASSWORD, code: wrong })).statusCode
      }
      assert.equal(status, 429)
      assert.ok(
        events().find(
          (e) => e.event === 'auth.sign_in_failed' && e.reason === 'locked' && e.context === 'mfa_disable',
        ),
      )
    })

    it('upgrades a hash made with old parameters on the next sign-in', async () => {
      const email = 'legacy.user@example.com'
      const old = await hash(PASSWORD, { ...ARGON2_PARAMS, memoryCost: 8192, timeCost: 3 })
      await tdb.db.query('insert into users (id, email, password_hash, role) values ($1, $2, $3, $4)', [
        uuidv7(),
        email,
        old,
        'user',
      ])
      assert.equal((await signIn(app, email, PASSWORD)).statusCode, 200)
      const row = await findUserByEmail(tdb.db, email)
      assert.ok(row)
      assert.notEqual(row.passwordHash, old)
      assert.equal(needsRehash(row.passwordHash), false)
      assert.equal(await verifyPassword(row.passwordHash, PASSWORD), true)
    })
  })
}
