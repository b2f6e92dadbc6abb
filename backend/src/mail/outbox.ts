// The mail outbox (docs/api.md §12). A mail is inserted with the same Conn (transaction) as the
// change it reports, so it exists exactly when the change does; the worker delivers it after the
// response. A mail server that is down never fails or slows a request: delivery is retried with
// exponential back-off, and because the mail is a row, a restart loses nothing.
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config.js'
import type { Conn, Database } from '../db/client.js'
import { claimDueMails, insertMail, markMailFailed, markMailSent } from '../db/queries/mail-outbox.js'
import type { Clock } from '../lib/clock.js'
import { uuidv7 } from '../lib/ids.js'
import type { MailMessage } from './messages.js'
import { type MailTransport, smtpTransport } from './transport.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** A mail was queued by this request: the worker is woken once the response is sent. */
    mailQueued: boolean
  }
  interface FastifyInstance {
    /** Null when SMTP_URL is unset. */
    mailer: MailWorker | null
  }
}

/** After this many failed attempts a mail is given up (about 8.5 hours of retries in all). */
export const MAX_ATTEMPTS = 10
const FIRST_RETRY_MS = 30_000
const MAX_RETRY_MS = 60 * 60_000
/** How long a claimed mail is reserved for the worker that claimed it. */
const LEASE_MS = 2 * 60_000
const BATCH = 20

/** 30 s after the first failure, doubling, at most an hour. */
export function retryDelayMs(attempts: number): number {
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1))
}

/**
 * Queues a mail in `conn`'s transaction; does nothing without SMTP_URL (email is off). With a
 * request, the worker is woken after its response.
 */
export async function queueMail(
  conn: Conn,
  deps: { config: Config; clock: Clock },
  message: MailMessage,
  request?: FastifyRequest,
): Promise<boolean> {
  if (!deps.config.smtpUrl) return false
  const now = deps.clock.now()
  await insertMail(conn, {
    id: uuidv7(now),
    toAddress: message.to,
    subject: message.subject,
    text: message.text,
    html: message.html,
    createdAt: new Date(now),
  })
  if (request) request.mailQueued = true
  return true
}

/** What an SMTP error may say in a log: its code and first line (never the URL or credentials). */
function describeError(err: unknown): string {
  const e = err as { code?: unknown; responseCode?: unknown; message?: unknown }
  const code = typeof e?.code === 'string' ? e.code : 'ERROR'
  const status = typeof e?.responseCode === 'number' ? ` ${e.responseCode}` : ''
  const first = typeof e?.message === 'string' ? (e.message.split('\n')[0] ?? '') : ''
  return `${code}${status}: ${first}`.slice(0, 300)
}

export interface MailWorkerOptions {
  db: Database
  config: Config
  clock: Clock
  log: FastifyBaseLogger
  /** How often due mails are looked for (besides being woken after a request queued one). */
  pollMs?: number
  transport?: MailTransport
}

export class MailWorker {
  private timer: NodeJS.Timeout | undefined
  private running: Promise<void> | null = null
  private again = false
  private stopped = false
  private readonly transport: MailTransport
  readonly pollMs: number

  constructor(private readonly opts: MailWorkerOptions) {
    if (!opts.config.smtpUrl && !opts.transport) throw new Error('MailWorker needs SMTP_URL')
    this.transport = opts.transport ?? smtpTransport(opts.config.smtpUrl as string)
    this.pollMs = opts.pollMs ?? 5_000
  }

  start() {
    this.stopped = false
    this.timer = setInterval(() => this.kick(), this.pollMs)
    this.timer.unref()
    this.kick()
  }

  /** Looks for due mails now (or right after the pass under way). */
  kick() {
    if (this.stopped) return
    if (this.running) {
      this.again = true
      return
    }
    this.running = this.runOnce()
      .then(() => undefined)
      .catch((err: unknown) => this.opts.log.warn({ err: describeError(err) }, 'mail outbox pass failed'))
      .finally(() => {
        this.running = null
        if (this.again) {
          this.again = false
          this.kick()
        }
      })
  }

  /** One pass: claim the due mails and try each once. */
  async runOnce(): Promise<{ sent: number; failed: number }> {
    const { db, config, clock, log } = this.opts
    let sent = 0
    let failed = 0
    for (;;) {
      const now = clock.now()
      const batch = await claimDueMails(db, new Date(now), new Date(now + LEASE_MS), BATCH)
      if (batch.length === 0) break
      for (const mail of batch) {
        if (this.stopped) return { sent, failed }
        try {
          await this.transport.send(config.mailFrom, {
            to: mail.toAddress,
            subject: mail.subject,
            text: mail.text ?? '',
            html: mail.html ?? '',
          })
          await markMailSent(db, mail.id, new Date(clock.now()))
          sent++
        } catch (err) {
          failed++
          const error = describeError(err)
          const giveUp = mail.attempts >= MAX_ATTEMPTS
          const at = clock.now()
          await markMailFailed(
            db,
            mail.id,
            error,
            giveUp ? null : new Date(at + retryDelayMs(mail.attempts)),
            new Date(at),
          )
          // The mail's id, not its address or body (which may hold a link with a token).
          log.warn(
            { mail_id: mail.id, attempts: mail.attempts, error, given_up: giveUp },
            'mail delivery failed',
          )
          // The server is likely down: the rest of the batch waits for its lease, not for timeouts.
          break
        }
      }
      if (failed > 0) break
    }
    return { sent, failed }
  }

  /**
   * Stops polling and waits a little for a pass under way: a mail server that hangs must not hold
   * up a shutdown (a mail cut off mid-send is retried after its lease, by this or another instance).
   */
  async stop(waitMs = 3_000) {
    this.stopped = true
    clearInterval(this.timer)
    let timer: NodeJS.Timeout | undefined
    await Promise.race([
      this.running,
      new Promise((resolve) => {
        timer = setTimeout(resolve, waitMs)
      }),
    ])
    clearTimeout(timer)
    this.transport.close()
  }
}

export interface MailPluginOptions {
  db: Database
  config: Config
  clock: Clock
  pollMs?: number
}

async function mailPlugin(app: FastifyInstance, opts: MailPluginOptions) {
  const worker = opts.config.smtpUrl
    ? new MailWorker({ ...opts, log: app.log, ...(opts.pollMs ? { pollMs: opts.pollMs } : {}) })
    : null
  app.decorate('mailer', worker)
  app.decorateRequest('mailQueued', false)
  if (!worker) return
  app.addHook('onResponse', (request, _reply, done) => {
    if (request.mailQueued) worker.kick()
    done()
  })
  app.addHook('onReady', async () => worker.start())
  app.addHook('onClose', async () => worker.stop())
}

export default fp(mailPlugin, { name: 'mail' })
