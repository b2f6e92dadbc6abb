// The operator CLI, run as a child process against a temporary PGlite DATA_DIR and against a
// Postgres test database, exactly as `npm run user -- …` runs it (minus the build step).
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { verifyPassword } from '../../src/auth/passwords.js'
import { createSession } from '../../src/auth/sessions.js'
import { testConfig } from '../../src/config.js'
import { acquireDataDirLock, SERVER_RUNNING_MESSAGE } from '../../src/db/lock-file.js'
import { findUserByEmail, insertUser } from '../../src/db/queries/users.js'
import { systemClock } from '../../src/lib/clock.js'
import { uuidv7 } from '../../src/lib/ids.js'
import { cliSuite } from '../helpers/cli.js'
import { dbKinds } from '../helpers/db.js'

for (const kind of dbKinds()) {
  describe(`npm run user [${kind}]`, () => {
    const cli = cliSuite(kind)
    const { withDb } = cli
    const config = testConfig()
    const user = (args: string[], stdin = '') => cli.run('user', args, { stdin })
    /** The audit events the CLI wrote about an account, oldest first, as `type details`. */
    const auditOf = (email: string) =>
      withDb(async (db) => {
        const rows = await db.query<{
          type: string
          details: Record<string, unknown>
          actor_id: string | null
        }>(
          `select a.type, a.details, a.actor_id from audit_events a join users u on u.id = a.subject_id
           where u.email = $1 order by a.at, a.id`,
          [email],
        )
        for (const r of rows) assert.equal(r.actor_id, null)
        return rows.map((r) => `${r.type} ${JSON.stringify(r.details)}`)
      })

    it('usage errors exit 2 without touching the database', async () => {
      for (const args of [[], ['frobnicate'], ['promote'], ['create', 'not-an-email'], ['list', 'extra']]) {
        const r = await user(args)
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`)
        assert.match(r.stdout + r.stderr, /usage: npm run user|valid email/)
      }
    })

    it('create reads the password from stdin, with the API password rules', async () => {
      const weak = await user(['create', 'weak@example.com'], 'password1\n')
      assert.equal(weak.code, 1)
      assert.match(weak.stderr, /too common/)
      const same = await user(['create', 'Same@Example.com'], 'same@example.com\n')
      assert.equal(same.code, 1)
      const ok = await user(
        ['create', ' Ada@Example.com ', '--name', 'Ada'],
        'violet harbor lantern 42\nignored\n',
      )
      assert.equal(ok.code, 0, ok.stderr)
      assert.match(ok.stdout, /created ada@example\.com \(user\)/)
      const dup = await user(['create', 'ada@example.com'], 'violet harbor lantern 42\n')
      assert.equal(dup.code, 1)
      assert.match(dup.stderr, /already exists/)
      await withDb(async (db) => {
        const row = await findUserByEmail(db, 'ada@example.com')
        assert.ok(row)
        assert.equal(row.name, 'Ada')
        assert.equal(row.role, 'user')
        // The operator vouches for the address: CLI accounts are verified.
        assert.equal(row.emailVerified, true)
        assert.equal(await verifyPassword(row.passwordHash, 'violet harbor lantern 42'), true)
        assert.equal(await findUserByEmail(db, 'weak@example.com'), null)
        // A live session, for set-password to revoke below.
        await createSession({ db, config, clock: systemClock }, row.id, { ip: null, userAgent: null })
      })
    })

    it('promote, demote, list', async () => {
      assert.equal((await user(['promote', 'ADA@example.com'])).code, 0)
      let list = await user(['list'])
      assert.equal(list.code, 0, list.stderr)
      const lines = list.stdout.trim().split('\n')
      assert.match(lines[0] as string, /^email\s+role\s+verified\s+created_at\s+sessions$/)
      assert.match(lines[1] as string, /^ada@example\.com\s+admin\s+yes\s+\d{4}-\d\d-\d\dT[\d:.]+Z\s+1$/)
      assert.equal((await user(['demote', 'ada@example.com'])).code, 0)
      list = await user(['list'])
      assert.match(list.stdout, /ada@example\.com\s+user\s/)
      const missing = await user(['promote', 'nobody@example.com'])
      assert.equal(missing.code, 1)
      assert.match(missing.stderr, /no user with the email nobody@example\.com/)
      // Each change is audited (§14) like an admin's, by the CLI; a promote that changes nothing is not.
      assert.equal((await user(['demote', 'ada@example.com'])).code, 0)
      assert.deepEqual(await auditOf('ada@example.com'), [
        'user_created {"by":"cli","role":"user"}',
        'user_role_changed {"by":"cli","to":"admin","from":"user"}',
        'user_role_changed {"by":"cli","to":"user","from":"admin"}',
      ])
    })

    it('verify marks a signed-up account verified, which makes an ADMIN_EMAILS address an admin', async () => {
      const env2 = { ADMIN_EMAILS: 'listed@example.com' }
      await withDb(async (db) => {
        await insertUser(db, {
          id: uuidv7(),
          email: 'listed@example.com',
          name: null,
          passwordHash: 'x',
          createdAt: new Date(),
        })
      })
      let list = await cli.run('user', ['list'], { env: env2 })
      assert.match(list.stdout, /listed@example\.com\s+user\s+no\s/)
      const r = await cli.run('user', ['verify', 'Listed@Example.com'], { env: env2 })
      assert.equal(r.code, 0, r.stderr)
      assert.match(r.stdout, /listed@example\.com is verified \(an admin: it is listed in ADMIN_EMAILS\)/)
      list = await cli.run('user', ['list'], { env: env2 })
      assert.match(list.stdout, /listed@example\.com\s+admin \(ADMIN_EMAILS\)\s+yes\s/)
      assert.deepEqual(await auditOf('listed@example.com'), ['email_verified {"by":"cli"}'])
      const created = await cli.run('user', ['create', 'other@example.com'], {
        env: env2,
        stdin: 'violet harbor lantern 42\n',
      })
      assert.match(created.stdout, /created other@example\.com \(user\)/)
      const missing = await user(['verify', 'nobody@example.com'])
      assert.equal(missing.code, 1)
      assert.match(missing.stderr, /no user with the email nobody@example\.com/)
      assert.equal((await user(['verify'])).code, 2)
    })

    it('mfa-off turns two-factor sign-in off and removes its secret and recovery codes', async () => {
      const id = uuidv7()
      await withDb(async (db) => {
        await insertUser(db, {
          id,
          email: 'lost-phone@example.com',
          name: null,
          passwordHash: 'x',
          createdAt: new Date(),
        })
        await db.query('update users set mfa_enabled = true where id = $1', [id])
        await db.query(
          "insert into mfa_totp (user_id, secret, enabled_at) values ($1, 'plain:AAAA', now())",
          [id],
        )
        await db.query("insert into mfa_recovery_codes (user_id, code_hash) values ($1, 'h')", [id])
      })
      const r = await user(['mfa-off', 'Lost-Phone@Example.com'])
      assert.equal(r.code, 0, r.stderr)
      assert.match(r.stdout, /two-factor sign-in is off for lost-phone@example\.com/)
      await withDb(async (db) => {
        assert.equal((await findUserByEmail(db, 'lost-phone@example.com'))?.mfaEnabled, false)
        assert.equal((await db.query('select 1 from mfa_totp where user_id = $1', [id])).length, 0)
        assert.equal((await db.query('select 1 from mfa_recovery_codes where user_id = $1', [id])).length, 0)
      })
      const again = await user(['mfa-off', 'lost-phone@example.com'])
      assert.equal(again.code, 0)
      assert.match(again.stdout, /nothing changed/)
      const missing = await user(['mfa-off', 'nobody@example.com'])
      assert.equal(missing.code, 1)
      assert.equal((await user(['mfa-off'])).code, 2)
    })

    it('create with an ADMIN_EMAILS address makes an admin at once', async () => {
      const r = await cli.run('user', ['create', 'first-admin@example.com'], {
        env: { ADMIN_EMAILS: 'first-admin@example.com' },
        stdin: 'violet harbor lantern 42\n',
      })
      assert.equal(r.code, 0, r.stderr)
      assert.match(r.stdout, /created first-admin@example\.com \(admin\)/)
    })

    it('set-password replaces the hash and revokes every session', async () => {
      const r = await user(['set-password', 'ada@example.com'], 'a whole new passphrase\n')
      assert.equal(r.code, 0, r.stderr)
      assert.match(r.stdout, /1 session revoked/)
      await withDb(async (db) => {
        const row = await findUserByEmail(db, 'ada@example.com')
        assert.equal(await verifyPassword(row?.passwordHash ?? '', 'a whole new passphrase'), true)
        const sessions = await db.query<{ n: number }>('select count(*)::int as n from sessions')
        assert.equal(Number(sessions[0]?.n), 0)
      })
      assert.deepEqual(
        (await auditOf('ada@example.com')).at(-1),
        'password_changed {"by":"cli","sessions_revoked":1}',
      )
      const none = await user(['set-password', 'ada@example.com'])
      assert.equal(none.code, 1)
      assert.match(none.stderr, /no password given on stdin/)
    })

    it('refuses while a server holds the PGlite data directory', { skip: kind === 'postgres' }, async () => {
      const release = acquireDataDirLock(cli.dataDir)
      try {
        const r = await user(['list'])
        assert.equal(r.code, 1)
        assert.equal(r.stderr.trim(), SERVER_RUNNING_MESSAGE)
      } finally {
        release()
      }
    })
  })
}
