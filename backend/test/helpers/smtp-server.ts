// A real SMTP server on loopback (the `smtp-server` package) for the email tests: the app sends
// through nodemailer over TCP, and the test reads the delivered message, parsed by `mailparser`.
// It can be stopped and started again on the same port, to play a mail server that is down.
import { simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'

export interface ReceivedMail {
  from: string
  to: string[]
  subject: string
  text: string
  html: string
  /** The message came over TLS (SMTPS, or after STARTTLS). */
  secure: boolean
}

/** TLS for the server: SMTPS from the first byte, or STARTTLS offered on a plain connection. */
export interface SmtpTls {
  key: string
  cert: string
  mode: 'smtps' | 'starttls'
}

export class TestSmtpServer {
  readonly messages: ReceivedMail[] = []
  private server: SMTPServer | null = null
  private waiters: (() => void)[] = []
  port = 0

  constructor(private readonly tls: SmtpTls | null = null) {}

  /** `smtp://user:pass@127.0.0.1:<port>` (credentials are checked, as a real relay would). */
  get url(): string {
    const scheme = this.tls?.mode === 'smtps' ? 'smtps' : 'smtp'
    return `${scheme}://mailer:s3cret-pass@127.0.0.1:${this.port}`
  }

  async start(): Promise<void> {
    const server = new SMTPServer({
      // Without TLS, a loopback relay that offers no STARTTLS (the app asks for it only off this machine).
      ...(this.tls
        ? { key: this.tls.key, cert: this.tls.cert, secure: this.tls.mode === 'smtps' }
        : { disabledCommands: ['STARTTLS'] }),
      allowInsecureAuth: true,
      authMethods: ['PLAIN', 'LOGIN'],
      logger: false,
      onAuth: (auth, _session, cb) => {
        if (auth.username === 'mailer' && auth.password === 's3cret-pass') cb(null, { user: 'mailer' })
        else cb(new Error('Invalid username or password'))
      },
      onData: (stream, session, cb) => {
        simpleParser(stream)
          .then((parsed) => {
            this.messages.push({
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
              secure: session.secure === true,
            })
            for (const w of this.waiters.splice(0)) w()
            cb()
          })
          .catch((err: Error) => cb(err))
      },
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.port, '127.0.0.1', () => resolve())
    })
    this.port = (server.server.address() as { port: number }).port
    this.server = server
  }

  async stop(): Promise<void> {
    const s = this.server
    this.server = null
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()))
  }

  /** Waits until a message matching `match` has arrived (newest first), or fails after `ms`. */
  async waitFor(match: (m: ReceivedMail) => boolean, ms = 10_000): Promise<ReceivedMail> {
    const deadline = Date.now() + ms
    for (;;) {
      const found = [...this.messages].reverse().find(match)
      if (found) return found
      const left = deadline - Date.now()
      if (left <= 0) {
        throw new Error(
          `no matching mail within ${ms} ms; got: ${this.messages.map((m) => `${m.to} "${m.subject}"`).join(', ')}`,
        )
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200))
        this.waiters.push(() => {
          clearTimeout(t)
          resolve()
        })
      })
    }
  }

  /** The messages to this address. */
  to(address: string): ReceivedMail[] {
    return this.messages.filter((m) => m.to.includes(address))
  }
}

/** The token of the first `<page>#token=…` link in a mail's text (and the same link in its HTML). */
export function linkToken(
  mail: ReceivedMail,
  page: 'verify-email' | 'reset-password' | 'confirm-email',
): string {
  const m = new RegExp(`(https?://[^\\s]+)/${page}#token=([A-Za-z0-9_-]{43})`).exec(mail.text)
  if (!m) throw new Error(`no ${page} link in: ${mail.text}`)
  if (!mail.html.includes(`/${page}#token=${m[2]}`)) throw new Error('the HTML part lacks the same link')
  return m[2] as string
}
