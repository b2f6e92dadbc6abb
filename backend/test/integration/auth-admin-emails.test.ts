// docs/api.md §1/§3: ADMIN_EMAILS grants admin only to a verified email (checked at request time), and
// ADMIN_PASSWORD bootstraps the listed addresses at start without a shell.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { FastifyBaseLogger } from 'fastify'
import { AdminPasswordError, bootstrapAdmins } from '../../src/auth/admin-bootstrap.js'
import { verifyPassword } from '../../src/auth/passwords.js'
import { testConfig } from '../../src/config.js'
import { migrate } from '../../src/db/migrate.js'
import { findUserByEmail, setEmailVerified } from '../../src/db/queries/users.js'
import { buildTestApp, json, type TestApp } from '../helpers/app.js'
import { bearerHeader, newUser, PASSWORD, signIn } from '../helpers/auth.js'
import { dbKinds } from '../helpers/db.js'
import { totpAt } from '../helpers/totp.js'

const BOOT_PASSWORD = 'lantern-orchard-basalt-19'

interface Line {
  level: string
  obj: Record<string, unknown>
  msg: string
}

/** A logger that keeps what it is given. */
function recordingLog(lines: Line[]): FastifyBaseLogger {
  const at =
    (level: string) =>
    (obj: Record<string, unknown>, msg = '') =>
      lines.push({ level, obj, msg })
  const log = {
    level: 'info',
    fatal: at('fatal'),
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    trace: at('trace'),
    silent() {},
    child: () => log,
  }
  return log as unknown as FastifyBaseLogger
}

type User = { role: string; email_verified: boolean; mfa_enabled: boolean }

for (const kind of dbKinds()) {
  describe(`ADMIN_EMAILS and ADMIN_PASSWORD [${kind}]`, () => {
    const admins = ['boss@example.com', 'chief@example.com', 'owner@example.com', 'keeper@example.com']
    const env = { RATE_LIMIT_AUTH: '10000/minute', ADMIN_EMAILS: admins.join(',') }
    let t: TestApp
    before(async () => {
      t = await buildTestApp(kind, env)
    })
    after(() => t.close())

    const me = async (token: string) =>
      json<{ user: User }>(await t.app.inject({ url: '/api/auth/me', headers: bearerHeader(token) })).user
    /** Admin-only route: 403 for a non-admin, 200 for an admin. */
    const adminStatus = async (token: string) =>
      (
        await t.app.inject({
          method: 'GET',
          url: '/api/admin/feedback',
          headers: bearerHeader(token),
        })
      ).statusCode

    it('signing up with a listed address first does not make an admin; verifying it does, at request time', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/register',
        payload: { email: 'Boss@Example.com', password: PASSWORD },
      })
      assert.equal(res.statusCode, 201, res.body)
      const body = json<{ user: User; session: { token: string } }>(res)
      assert.deepEqual(
        {
          role: body.user.role,
          email_verified: body.user.email_verified,
          mfa_enabled: body.user.mfa_enabled,
        },
        { role: 'user', email_verified: false, mfa_enabled: false },
      )
      const token = body.session.token
      assert.equal((await me(token)).role, 'user')
      assert.equal(await adminStatus(token), 403)
      // The operator vouches for the address (what `npm run user -- verify` runs): the same session
      // is an admin on its next request.
      await setEmailVerified(t.tdb.db, 'boss@example.com', new Date())
      const verified = await me(token)
      assert.equal(verified.role, 'admin')
      assert.equal(verified.email_verified, true)
      assert.notEqual(await adminStatus(token), 403)
      // Not listed, verified: a user.
      const plain = await newUser(t.app)
      await setEmailVerified(t.tdb.db, plain.email, new Date())
      assert.equal((await me(plain.token)).role, 'user')
    })

    it('ADMIN_PASSWORD: a missing account is created verified, a squatter is taken over, a verified one untouched', async () => {
      // chief: a squatter registered first and holds sessions. boss: verified above (keeps PASSWORD).
      const squatter = await newUser(t.app, 'chief@example.com', PASSWORD)
      const squatterAgain = json<{ session: { token: string } }>(
        await signIn(t.app, 'chief@example.com', PASSWORD),
      )
      // The squatter also made an API key and turned two-factor sign-in on (its own authenticator).
      const post = (url: string, payload: object) =>
        t.app.inject({ method: 'POST', url, payload, headers: bearerHeader(squatter.token) })
      const squatterKey = json<{ key: string }>(
        await post('/api/auth/api-keys', { password: PASSWORD, name: 'mine' }),
      ).key
      const { secret } = json<{ secret: string }>(
        await post('/api/auth/mfa/totp/setup', { password: PASSWORD }),
      )
      const enabled = await post('/api/auth/mfa/totp/enable', { code: totpAt(secret, Date.now()) })
      assert.equal(enabled.statusCode, 200, enabled.body)
      const boss = json<{ session: { token: string } }>(await signIn(t.app, 'boss@example.com', PASSWORD))
      const lines: Line[] = []
      const config = testConfig({ ...env, ADMIN_PASSWORD: BOOT_PASSWORD })
      // Two instances starting at once: the same end state, no error.
      await Promise.all([
        bootstrapAdmins(t.tdb.db, config, recordingLog(lines)),
        bootstrapAdmins(t.tdb.db, config, recordingLog(lines)),
      ])
      const outcomes = lines
        .filter((l) => l.obj.event === 'admin.bootstrap')
        .map((l) => `${l.obj.email} ${l.obj.outcome}`)
      assert.deepEqual(outcomes.sort(), [
        'chief@example.com claimed',
        'keeper@example.com created',
        'owner@example.com created',
      ])
      assert.ok(!JSON.stringify(lines).includes(BOOT_PASSWORD))

      // The squatter is out: sessions and API keys gone, its password no longer works, its second
      // factor no longer asked for.
      for (const token of [squatter.token, squatterAgain.session.token, squatterKey]) {
        assert.equal(
          (await t.app.inject({ url: '/api/auth/me', headers: bearerHeader(token) })).statusCode,
          401,
        )
      }
      assert.equal((await signIn(t.app, 'chief@example.com', PASSWORD)).statusCode, 401)
      for (const email of ['chief@example.com', 'owner@example.com', 'keeper@example.com']) {
        const res = await signIn(t.app, email, BOOT_PASSWORD)
        assert.equal(res.statusCode, 200, `${email}: ${res.body}`)
        const user = json<{ user: User }>(res).user
        assert.equal(user.role, 'admin', email)
        assert.equal(user.email_verified, true, email)
      }
      // The verified account kept its password and its session.
      const row = await findUserByEmail(t.tdb.db, 'boss@example.com')
      assert.equal(await verifyPassword(row?.passwordHash ?? '', PASSWORD), true)
      assert.equal((await me(boss.session.token)).role, 'admin')

      // Audited, with nobody signed in as the actor: each account created, and the squatter's
      // account taken over (verified, its password reset and what it held revoked).
      const admin = (await signIn(t.app, 'owner@example.com', BOOT_PASSWORD)).json<{
        session: { token: string }
      }>()
      const events = (
        await t.app.inject({ url: '/api/admin/audit?limit=100', headers: bearerHeader(admin.session.token) })
      )
        .json<{
          events: {
            type: string
            actor_id: string | null
            subject_id: string
            details: Record<string, unknown>
          }[]
        }>()
        .events.filter((e) => e.details.via === 'admin_password')
      const idOf = async (email: string) => (await findUserByEmail(t.tdb.db, email))?.id
      const expected = [
        `user_created ${await idOf('keeper@example.com')}`,
        `user_created ${await idOf('owner@example.com')}`,
        `email_verified ${await idOf('chief@example.com')}`,
        `password_reset ${await idOf('chief@example.com')}`,
      ]
      assert.deepEqual(events.map((e) => `${e.type} ${e.subject_id}`).sort(), expected.sort())
      assert.ok(events.every((e) => e.actor_id === null))
      const reset = events.find((e) => e.type === 'password_reset')
      assert.deepEqual(reset?.details, { via: 'admin_password', sessions_revoked: 2, api_keys_revoked: 1 })

      // A second start changes nothing.
      const again: Line[] = []
      await bootstrapAdmins(t.tdb.db, config, recordingLog(again))
      assert.deepEqual(again, [])
      assert.equal((await signIn(t.app, 'boss@example.com', PASSWORD)).statusCode, 200)
    })

    it('a weak ADMIN_PASSWORD stops the start; no ADMIN_PASSWORD logs which addresses are not admins yet', async () => {
      const lonely = ['boss@example.com', 'nobody-yet@example.com', 'squat@example.com']
      await newUser(t.app, 'squat@example.com', PASSWORD)
      const weak = testConfig({ ADMIN_EMAILS: lonely.join(','), ADMIN_PASSWORD: 'password123' })
      await assert.rejects(bootstrapAdmins(t.tdb.db, weak, recordingLog([])), AdminPasswordError)
      assert.equal(await findUserByEmail(t.tdb.db, 'nobody-yet@example.com'), null)

      const lines: Line[] = []
      await bootstrapAdmins(t.tdb.db, testConfig({ ADMIN_EMAILS: lonely.join(',') }), recordingLog(lines))
      assert.equal(lines.length, 1)
      const [line] = lines as [Line]
      assert.equal(line.level, 'warn')
      assert.deepEqual(line.obj.pending, [
        { email: 'nobody-yet@example.com', why: 'no account' },
        { email: 'squat@example.com', why: 'unverified' },
      ])
      assert.match(line.msg, /npm run user -- create <email>/)
      assert.match(line.msg, /ADMIN_PASSWORD/)
    })

    it('migration 0005: existing accounts are unverified, except those the operator made admins', async () => {
      const db = t.tdb.db
      const regular = await newUser(t.app)
      const promoted = await newUser(t.app)
      // Back to the schema before 0005, with these accounts in it.
      await db.exec(`update users set role = 'admin' where id = '${promoted.userId}'`)
      await db.exec('alter table users drop column email_verified')
      await db.exec(`delete from schema_migrations where tag = '0005_email-verified'`)
      assert.deepEqual(await migrate(db), ['0005_email-verified'])
      const rows = await db.query<{ id: string; email_verified: boolean }>(
        'select id, email_verified from users where id = any($1::uuid[])',
        [[regular.userId, promoted.userId]],
      )
      const verified = Object.fromEntries(rows.map((r) => [r.id, r.email_verified]))
      assert.deepEqual(verified, { [regular.userId]: false, [promoted.userId]: true })
    })
  })
}
