// SMTP through nodemailer, from SMTP_URL: smtps:// is TLS from the first byte (465); smtp:// upgrades
// with STARTTLS, required unless the relay is on this machine (a loopback relay has no network to
// protect, and local relays and test servers often offer no TLS). The URL holds the password:
// it is read here and never logged.
import nodemailer from 'nodemailer'
import type { MailMessage } from './messages.js'

export interface MailTransport {
  send(from: string, message: MailMessage): Promise<void>
  close(): void
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\./.test(host)
}

/** `ca`: extra certificate authorities to trust (a private relay's own CA). */
export function smtpTransport(smtpUrl: string, opts: { ca?: string } = {}): MailTransport {
  const u = new URL(smtpUrl)
  const secure = u.protocol === 'smtps:'
  const transport = nodemailer.createTransport({
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : secure ? 465 : 587,
    secure,
    requireTLS: !secure && !isLoopback(u.hostname),
    ...(u.username
      ? { auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } }
      : {}),
    // A mail server that hangs must not hold the worker for long: it retries later.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
    ...(opts.ca ? { tls: { ca: opts.ca } } : {}),
    disableFileAccess: true,
    disableUrlAccess: true,
  })
  return {
    async send(from, m) {
      await transport.sendMail({ from, to: m.to, subject: m.subject, text: m.text, html: m.html })
    },
    close() {
      transport.close()
    },
  }
}
