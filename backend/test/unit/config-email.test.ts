// The email settings of docs/api.md §1 and §12: PUBLIC_URL, SMTP_URL, MAIL_FROM, EMAIL_VERIFICATION,
// their dependencies reported together with every other problem, and the SMTP password never
// echoed in a message.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { ConfigError, loadConfig } from '../../src/config.js'
import { retryDelayMs } from '../../src/mail/outbox.js'

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env)
  } catch (err) {
    assert.ok(err instanceof ConfigError)
    return err.problems
  }
  return []
}

it('defaults: no email, verification off, the default sender', () => {
  const { config } = loadConfig({})
  assert.equal(config.smtpUrl, null)
  assert.equal(config.publicUrl, null)
  assert.equal(config.mailFrom, 'rag-auth <no-reply@localhost>')
  assert.equal(config.emailVerification, 'off')
})

it('smtp:// and smtps:// with PUBLIC_URL (trailing slash dropped)', () => {
  for (const url of ['smtp://u:p@mail.example.com:587', 'smtps://u:p@mail.example.com:465']) {
    const { config } = loadConfig({ SMTP_URL: url, PUBLIC_URL: 'https://me-docs.hf.space/' })
    assert.equal(config.smtpUrl, url)
    assert.equal(config.publicUrl, 'https://me-docs.hf.space')
  }
})

it('every email problem at once, with the others, and never the SMTP password', () => {
  const all = problems({
    PORT: 'x',
    SMTP_URL: 'http://user:hunter2-secret@mail.example.com',
    EMAIL_VERIFICATION: 'maybe',
    PUBLIC_URL: 'ftp://x',
    MAIL_FROM: 'nobody',
  })
  assert.ok(all.some((p) => p.startsWith('PORT: ')))
  assert.ok(all.some((p) => p.startsWith('SMTP_URL: ')))
  assert.ok(all.some((p) => p.startsWith('EMAIL_VERIFICATION: ')))
  assert.ok(all.some((p) => p.startsWith('PUBLIC_URL: ')))
  assert.ok(all.some((p) => p.startsWith('MAIL_FROM: ')))
  assert.ok(!all.join('\n').includes('hunter2-secret'))
})

it('SMTP_URL needs PUBLIC_URL; EMAIL_VERIFICATION=required needs SMTP_URL', () => {
  assert.deepEqual(problems({ SMTP_URL: 'smtp://mail.example.com' }), [
    'PUBLIC_URL: required when SMTP_URL is set (emailed links start with it)',
  ])
  assert.deepEqual(problems({ EMAIL_VERIFICATION: 'required' }), [
    'EMAIL_VERIFICATION: "required" needs SMTP_URL (verification links are emailed)',
  ])
})

it('SIGNUP=allowlist with SMTP_URL implies EMAIL_VERIFICATION=required; without SMTP it cannot', () => {
  const base = { SIGNUP: 'allowlist', SIGNUP_ALLOWLIST: '*@example.com' }
  const withMail = { ...base, SMTP_URL: 'smtp://mail.example.com', PUBLIC_URL: 'https://a.example.com' }
  assert.equal(loadConfig(withMail).config.emailVerification, 'required')
  assert.equal(loadConfig(base).config.emailVerification, 'off')
})

it('retry back-off: 30 s, doubling, at most an hour', () => {
  assert.deepEqual([1, 2, 3, 4].map(retryDelayMs), [30_000, 60_000, 120_000, 240_000])
  assert.equal(retryDelayMs(20), 3_600_000)
})
