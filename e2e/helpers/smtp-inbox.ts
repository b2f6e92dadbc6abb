import { simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'

export interface Mail {
  to: string[]
  subject: string
  text: string
}

/**
 * A real SMTP server on loopback (the `smtp-server` package): the app's mail goes out through
 * nodemailer over TCP and lands here, parsed by `mailparser`, for the test to read like an inbox.
 * No TLS and no password: the app sends to a loopback relay without STARTTLS (mail/transport.ts).
 */
export class SmtpInbox {
  readonly mails: Mail[] = []
  private server: SMTPServer | null = null
  port = 0

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`
  }

  async start(): Promise<void> {
    const server = new SMTPServer({
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, session, done) => {
        simpleParser(stream)
          .then((parsed) => {
            this.mails.push({
              to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
            })
            done()
          })
          .catch((error: Error) => done(error))
      },
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, '127.0.0.1', () => resolve())
    })
    this.port = (server.server.address() as { port: number }).port
    this.server = server
  }

  async stop(): Promise<void> {
    const server = this.server
    this.server = null
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  /** The newest mail to `to` whose subject contains `subject`, waiting up to `ms` for it. */
  async waitFor(to: string, subject: string, ms = 30_000): Promise<Mail> {
    const deadline = Date.now() + ms
    for (;;) {
      const found = [...this.mails]
        .reverse()
        .find((m) => m.to.includes(to.toLowerCase()) && m.subject.includes(subject))
      if (found) return found
      if (Date.now() > deadline) {
        const got = this.mails.map((m) => `${m.to.join(',')} "${m.subject}"`).join('; ')
        throw new Error(`no mail "${subject}" to ${to} within ${ms} ms; inbox: ${got || 'empty'}`)
      }
      await new Promise((r) => setTimeout(r, 100))
    }
  }

  to(address: string): Mail[] {
    return this.mails.filter((m) => m.to.includes(address.toLowerCase()))
  }
}

/** The one link to `page` in a mail (`<PUBLIC_URL>/<page>#token=…`), as written. */
export function linkIn(mail: Mail, page: 'reset-password' | 'verify-email' | 'confirm-email'): string {
  const match = new RegExp(`https?://\\S+?/${page}#token=[A-Za-z0-9_-]+`).exec(mail.text)
  if (!match) throw new Error(`no /${page} link in mail "${mail.subject}":\n${mail.text}`)
  return match[0]
}
