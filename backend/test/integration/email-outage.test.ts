// A mail server that is down (docs/api.md §12): requests still answer at once, delivery is retried
// with back-off, the failure is logged without the SMTP password or the link, and the mail —
// kept in the outbox table — arrives once the server is back, also after the app restarted.
import assert from 'node:assert/strict'
import { createServer, type Socket } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { testConfig } from '../../src/config.js'
import { withTransaction } from '../../src/db/client.js'
import { FakeClock } from '../../src/lib/clock.js'
import { MailWorker, queueMail, retryDelayMs } from '../../src/mail/outbox.js'
import { json } from '../helpers/app.js'
import { newUser } from '../helpers/auth.js'
import { createTestDatabase, dbKinds, type TestDatabase } from '../helpers/db.js'
import { buildEmailApp, capturingLogger, emailEnv } from '../helpers/email-app.js'
import { linkToken, TestSmtpServer } from '../helpers/smtp-server.js'

interface OutboxRow {
  attempts: number
  sent_at: Date | null
  last_error: string | null
  text: string | null
  next_attempt_at: Date
}

for (const kind of dbKinds()) {
  describe(`mail server down [${kind}]`, () => {
    const clock = new FakeClock(Date.now())
    const smtp = new TestSmtpServer()
    let tdb: TestDatabase

    before(async () => {
      tdb = await createTestDatabase(kind)
      // Started once to get a port, then stopped: the app's SMTP_URL points at nothing.
      await smtp.start()
      await smtp.stop()
    })
    after(async () => {
      await smtp.stop()
      await tdb.cleanup()
    })

    const outbox = () =>
      tdb.db.query<OutboxRow>(
        'select attempts, sent_at, last_error, text, next_attempt_at from mail_outbox order by id',
      )

    it('sends mails in the order they were queued, also within one millisecond (a newer link voids the older)', async () => {
      await smtp.start()
      const env = emailEnv(smtp)
      const { logger } = capturingLogger()
      const config = testConfig(env)
      const worker = new MailWorker({ db: tdb.db, config, clock, log: logger })
      try {
        await worker.runOnce() // whatever earlier tests left due
        const before = smtp.messages.length
        const subjects = Array.from({ length: 16 }, (_, i) => `queued ${i}`)
        // One fake-clock millisecond for all: their uuidv7 ids tie on time and differ at random.
        await withTransaction(tdb.db, async (tx) => {
          for (const subject of subjects)
            await queueMail(
              tx,
              { config, clock },
              { to: 'order@example.com', subject, text: subject, html: '' },
            )
        })
        await worker.runOnce()
        await smtp.waitFor((m) => m.subject === 'queued 15')
        assert.deepEqual(
          smtp.messages.slice(before).map((m) => m.subject),
          subjects,
        )
      } finally {
        await worker.stop(500)
        await smtp.stop()
        await tdb.db.query('delete from mail_outbox') // the next test counts the rows it makes
      }
    })
    it('202 at once, retried with back-off, delivered after the server and the app come back', async () => {
      const { logger, lines } = capturingLogger()
      const env = emailEnv(smtp)
      let t = await buildEmailApp(kind, env, { clock, tdb, logger, mailPollMs: 60_000 })
      const u = await newUser(t.app)
      const started = performance.now()
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/password-reset',
        payload: { email: u.email },
      })
      const ms = performance.now() - started
      assert.equal(res.statusCode, 202)
      assert.deepEqual(json(res), {})
      assert.ok(ms < 1000, `answered in ${ms} ms`)

      // The worker's pass after the response found the server down.
      await t.app.mailer?.runOnce()
      let rows = await outbox()
      assert.equal(rows.length, 2) // the verification mail of registration, and the reset mail
      assert.ok(rows.every((r) => r.sent_at === null))
      assert.ok(rows.some((r) => r.attempts >= 1 && r.last_error !== null))
      const failed = rows.find((r) => r.last_error) as OutboxRow
      assert.ok(
        new Date(failed.next_attempt_at).getTime() >= clock.now() + retryDelayMs(1) - 1,
        'the next attempt waits for the back-off',
      )
      // Not retried before the back-off has passed.
      assert.deepEqual(await t.app.mailer?.runOnce(), { sent: 0, failed: 0 })

      const logged = lines.join('\n')
      assert.match(logged, /mail delivery failed/)
      assert.doesNotMatch(logged, /s3cret-pass/)
      assert.doesNotMatch(logged, /#token=/)
      assert.doesNotMatch(logged, new RegExp(u.email.replace(/[.+]/g, '\\$&')))

      // A restart: the mails are rows, so nothing is lost.
      await t.close()
      await smtp.start()
      clock.advance(10 * 60_000)
      t = await buildEmailApp(kind, env, { clock, tdb, mailPollMs: 60_000 })
      await t.app.mailer?.runOnce()
      const mail = await smtp.waitFor((m) => m.to.includes(u.email) && m.subject === 'Reset your password')
      await smtp.waitFor((m) => m.to.includes(u.email) && m.subject === 'Confirm your email address')
      const token = linkToken(mail, 'reset-password')
      const ok = await t.app.inject({
        method: 'POST',
        url: '/api/auth/password-reset/confirm',
        payload: { token, new_password: 'amber-quarry-whistle-77' },
      })
      assert.equal(ok.statusCode, 204, ok.body)
      rows = await outbox()
      // Sent mails keep no body (it held a one-time link).
      assert.ok(rows.filter((r) => r.sent_at !== null).every((r) => r.text === null))
      await t.close()
    })
    it('a mail server that accepts and then hangs holds neither requests nor a shutdown', async () => {
      const sockets: Socket[] = []
      let pass: Promise<unknown> = Promise.resolve()
      const hang = createServer((s) => void sockets.push(s))
      await new Promise<void>((resolve) => hang.listen(0, '127.0.0.1', resolve))
      const port = (hang.address() as { port: number }).port
      const env = emailEnv(null, { SMTP_URL: `smtp://127.0.0.1:${port}` })
      const t = await buildEmailApp(kind, env, { clock, tdb, mailPollMs: 60_000 })
      try {
        const u = await newUser(t.app)
        const started = performance.now()
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/auth/password-reset',
          payload: { email: u.email },
        })
        assert.equal(res.statusCode, 202)
        assert.ok(performance.now() - started < 1000)
        const { logger } = capturingLogger()
        const worker = new MailWorker({ db: tdb.db, config: testConfig(env), clock, log: logger })
        clock.advance(60 * 60_000)
        // The pass is cut off when the sockets go; its late write is the lease's business.
        pass = worker.runOnce().catch(() => undefined)
        await new Promise((r) => setTimeout(r, 300))
        const t0 = performance.now()
        await worker.stop(500)
        assert.ok(performance.now() - t0 < 1500, 'stop() waited for the hanging server')
      } finally {
        await t.close()
        for (const s of sockets) s.destroy()
        await pass
        await new Promise((resolve) => hang.close(resolve))
      }
    })
  })
}
