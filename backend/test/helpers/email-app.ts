// An app with email on, for the email tests: a real SMTP server on loopback, a short mail-worker
// poll, and optionally a logger whose lines the test can read.
import { after, before } from 'node:test'
import type { FastifyBaseLogger } from 'fastify'
import pino from 'pino'
import { buildApp } from '../../src/app.js'
import { testConfig } from '../../src/config.js'
import { type Clock, FakeClock } from '../../src/lib/clock.js'
import type { TestApp } from './app.js'
import { bearerHeader } from './auth.js'
import { createTestDatabase, type DbKind, type TestDatabase } from './db.js'
import { TestSmtpServer } from './smtp-server.js'

export const PUBLIC_URL = 'https://docs.example.test'
export const MAIL_FROM = 'rag-auth <no-reply@docs.example.test>'

export function emailEnv(
  smtp: TestSmtpServer | null,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    RATE_LIMIT_AUTH: '1000/minute',
    RATE_LIMIT_GLOBAL: '10000/minute',
    PUBLIC_URL,
    MAIL_FROM,
    ...(smtp ? { SMTP_URL: smtp.url } : {}),
    ...extra,
  }
}

/** Log lines as JSON objects, for checks that nothing secret is logged. */
export function capturingLogger(): { logger: FastifyBaseLogger; lines: string[] } {
  const lines: string[] = []
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) })
  return { logger: logger as unknown as FastifyBaseLogger, lines }
}

export async function buildEmailApp(
  kind: DbKind,
  env: Record<string, string>,
  opts: { clock: Clock; tdb?: TestDatabase; mailPollMs?: number; logger?: FastifyBaseLogger },
): Promise<TestApp> {
  const tdb = opts.tdb ?? (await createTestDatabase(kind))
  const app = await buildApp({
    config: testConfig(env),
    db: tdb.db,
    clock: opts.clock,
    mailPollMs: opts.mailPollMs ?? 50,
    ...(opts.logger ? { logger: opts.logger } : {}),
  })
  await app.ready()
  return {
    app,
    tdb,
    async close() {
      await app.close()
      if (!opts.tdb) await tdb.cleanup()
    },
  }
}

/**
 * One email-on app and SMTP server per describe block (registered with before/after), and a
 * POST helper: `suite.app` is the app once `before` has run.
 */
export function emailSuite(kind: DbKind) {
  const clock = new FakeClock(Date.now())
  const smtp = new TestSmtpServer()
  let t: TestApp | undefined
  before(async () => {
    await smtp.start()
    t = await buildEmailApp(kind, emailEnv(smtp), { clock })
  })
  after(async () => {
    await t?.close()
    await smtp.stop()
  })
  const suite = {
    clock,
    smtp,
    get app() {
      if (!t) throw new Error('email app not built yet')
      return t.app
    },
    get tdb() {
      if (!t) throw new Error('email app not built yet')
      return t.tdb
    },
    post: (url: string, payload: unknown, token?: string) =>
      suite.app.inject({
        method: 'POST',
        url,
        payload: payload as object,
        headers: token ? bearerHeader(token) : {},
      }),
  }
  return suite
}
