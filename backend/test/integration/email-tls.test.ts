// SMTP_URL's two schemes against a real SMTP server with a certificate (made here with openssl):
// smtps:// speaks TLS from the first byte, smtp:// upgrades with STARTTLS when the server offers
// it; the certificate is checked (an untrusted one fails the send, so the mail stays queued).
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { verifyMail } from '../../src/mail/messages.js'
import { smtpTransport } from '../../src/mail/transport.js'
import { TestSmtpServer } from '../helpers/smtp-server.js'

function opensslMissing(): string | false {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' })
    return false
  } catch {
    return 'openssl not found (it makes the test certificate)'
  }
}

describe('SMTP over TLS', { skip: opensslMissing() }, () => {
  let dir: string
  let key: string
  let cert: string

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'rag-auth-smtp-tls-'))
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    )
    key = readFileSync(join(dir, 'key.pem'), 'utf8')
    cert = readFileSync(join(dir, 'cert.pem'), 'utf8')
  })
  after(() => rmSync(dir, { recursive: true, force: true }))

  for (const mode of ['smtps', 'starttls'] as const) {
    it(`${mode}: delivered over TLS, the certificate checked`, async () => {
      const server = new TestSmtpServer({ key, cert, mode })
      await server.start()
      try {
        assert.ok(server.url.startsWith(mode === 'smtps' ? 'smtps://' : 'smtp://'))
        const trusted = smtpTransport(server.url, { ca: cert })
        await trusted.send(
          'rag-auth <no-reply@example.test>',
          verifyMail('ada@example.com', 'https://x.test/verify-email#token=abc'),
        )
        trusted.close()
        const got = await server.waitFor((m) => m.to.includes('ada@example.com'))
        assert.equal(got.secure, true)
        assert.equal(got.subject, 'Confirm your email address')
        // A certificate nobody vouched for is refused.
        const untrusted = smtpTransport(server.url)
        await assert.rejects(
          untrusted.send('a <a@example.test>', verifyMail('bob@example.com', 'https://x.test/v')),
        )
        untrusted.close()
        assert.equal(server.to('bob@example.com').length, 0)
      } finally {
        await server.stop()
      }
    })
  }
})
