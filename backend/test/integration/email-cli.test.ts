// `npm run user -- reset-link <email>` (docs/api.md §12): prints the one-time link (needs
// PUBLIC_URL, a clear error otherwise), audits it without the token; the link sets a password
// through the API and verifies nothing. `mfa-off` queues the user's notice when email is on.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildApp } from '../../src/app.js'
import { testConfig } from '../../src/config.js'
import { cliSuite, type RunOptions } from '../helpers/cli.js'
import { dbKinds } from '../helpers/db.js'

const PASSWORD = 'violet-harbor-lantern-42'

for (const kind of dbKinds()) {
  describe(`npm run user -- reset-link [${kind}]`, () => {
    const cli = cliSuite(kind)
    const { withDb } = cli
    const user = (args: string[], opts?: RunOptions) => cli.run('user', args, opts)

    it('without PUBLIC_URL: exit 1 and a clear error', async () => {
      assert.equal((await user(['create', 'ada@example.com'], { stdin: `${PASSWORD}\n` })).code, 0)
      const r = await user(['reset-link', 'ada@example.com'])
      assert.equal(r.code, 1)
      assert.match(r.stderr, /PUBLIC_URL is not set/)
      assert.equal(r.stdout, '')
    })

    it('prints a link that sets a new password through the API; audited without the token', async () => {
      const withUrl = { PUBLIC_URL: 'https://docs.example.test/' }
      const unknown = await user(['reset-link', 'nobody@example.com'], { env: withUrl })
      assert.equal(unknown.code, 1)
      assert.match(unknown.stderr, /no user with the email nobody@example\.com/)
      const r = await user(['reset-link', 'ADA@example.com'], { env: withUrl })
      assert.equal(r.code, 0, r.stderr)
      const m = /^https:\/\/docs\.example\.test\/reset-password#token=([A-Za-z0-9_-]{43})\n$/.exec(r.stdout)
      assert.ok(m, r.stdout)
      const token = m[1] as string
      assert.match(r.stderr, /valid until \d{4}-/)

      await withDb(async (db) => {
        const audit = await db.query<{ type: string; details: unknown }>('select * from audit_events')
        assert.ok(audit.some((e) => e.type === 'reset_link_created'))
        assert.ok(!JSON.stringify(audit).includes(token))
        const app = await buildApp({ config: testConfig({ PUBLIC_URL: 'https://docs.example.test' }), db })
        try {
          const res = await app.inject({
            method: 'POST',
            url: '/api/auth/password-reset/confirm',
            payload: { token, new_password: 'amber-quarry-whistle-77' },
          })
          assert.equal(res.statusCode, 204, res.body)
          const signed = await app.inject({
            method: 'POST',
            url: '/api/auth/sign-in',
            payload: { email: 'ada@example.com', password: 'amber-quarry-whistle-77' },
          })
          assert.equal(signed.statusCode, 200)
        } finally {
          await app.close()
        }
      })
    })

    it('mfa-off queues the notice when SMTP_URL is set, and is audited', async () => {
      await withDb((db) => db.query("update users set mfa_enabled = true where email = 'ada@example.com'"))
      const mailEnv = { PUBLIC_URL: 'https://docs.example.test', SMTP_URL: 'smtp://127.0.0.1:9' }
      const r = await user(['mfa-off', 'ada@example.com'], { env: mailEnv })
      assert.equal(r.code, 0, r.stderr)
      await withDb(async (db) => {
        const mails = await db.query<{ to_address: string; subject: string }>(
          'select to_address, subject from mail_outbox',
        )
        assert.deepEqual(
          mails.map((m) => [m.to_address, m.subject]),
          [['ada@example.com', 'Two-factor sign-in turned off']],
        )
        const audit = await db.query<{ type: string }>(
          "select type from audit_events where type = 'mfa_disabled'",
        )
        assert.equal(audit.length, 1)
      })
    })
  })
}
