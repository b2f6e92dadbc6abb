// `npm run user -- reset-link <email>` (docs/api.md §12): prints the one-time link (needs
// PUBLIC_URL, a clear error otherwise), audits it without the token; the link sets a password
// through the API and verifies nothing. `mfa-off` queues the user's notice when email is on.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { buildApp } from '../../src/app.js'
import { testConfig } from '../../src/config.js'
import { type Database, openDatabase, pgliteDirOf } from '../../src/db/client.js'
import { createTestDatabase, dbKinds, type TestDatabase } from '../helpers/db.js'

const BACKEND_DIR = fileURLToPath(new URL('../../', import.meta.url))
const PASSWORD = 'violet-harbor-lantern-42'

function runCli(env: Record<string, string>, args: string[], stdin = '') {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/user.ts', ...args], {
      cwd: BACKEND_DIR,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'silent', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => {
      stdout += d
    })
    child.stderr.on('data', (d) => {
      stderr += d
    })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
    child.stdin.end(stdin)
  })
}

for (const kind of dbKinds()) {
  describe(`npm run user -- reset-link [${kind}]`, () => {
    let dataDir: string
    let tdb: TestDatabase | null = null
    let env: Record<string, string>

    before(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'rag-auth-email-cli-'))
      if (kind === 'postgres') {
        tdb = await createTestDatabase(kind)
        env = { DATABASE_URL: tdb.url as string, DATA_DIR: dataDir }
      } else {
        env = { DATA_DIR: dataDir }
      }
    })
    after(async () => {
      await tdb?.cleanup()
      rmSync(dataDir, { recursive: true, force: true })
    })

    async function withDb<T>(fn: (db: Database) => Promise<T>): Promise<T> {
      if (tdb) return fn(tdb.db)
      const db = await openDatabase({ databaseUrl: null, pgliteDir: pgliteDirOf(dataDir) })
      try {
        return await fn(db)
      } finally {
        await db.close()
      }
    }

    it('without PUBLIC_URL: exit 1 and a clear error', async () => {
      assert.equal((await runCli(env, ['create', 'ada@example.com'], `${PASSWORD}\n`)).code, 0)
      const r = await runCli(env, ['reset-link', 'ada@example.com'])
      assert.equal(r.code, 1)
      assert.match(r.stderr, /PUBLIC_URL is not set/)
      assert.equal(r.stdout, '')
    })

    it('prints a link that sets a new password through the API; audited without the token', async () => {
      const withUrl = { ...env, PUBLIC_URL: 'https://docs.example.test/' }
      const unknown = await runCli(withUrl, ['reset-link', 'nobody@example.com'])
      assert.equal(unknown.code, 1)
      assert.match(unknown.stderr, /no user with the email nobody@example\.com/)
      const r = await runCli(withUrl, ['reset-link', 'ADA@example.com'])
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
      const mailEnv = { ...env, PUBLIC_URL: 'https://docs.example.test', SMTP_URL: 'smtp://127.0.0.1:9' }
      const r = await runCli(mailEnv, ['mfa-off', 'ada@example.com'])
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
