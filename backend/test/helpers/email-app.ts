// An app with email on, for the email tests: a real SMTP server on loopback, a short mail-worker
// poll, and optionally a logger whose lines the test can read.
import type { FastifyBaseLogger } from 'fastify'
import pino from 'pino'
import { buildApp } from '../../src/app.js'
import { testConfig } from '../../src/config.js'
import type { Clock } from '../../src/lib/clock.js'
import type { TestApp } from './app.js'
import { createTestDatabase, type DbKind, type TestDatabase } from './db.js'
import type { TestSmtpServer } from './smtp-server.js'

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
