import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { emailProblem, normalizeEmail, signupAllowed } from '../../src/auth/email.js'
import { testConfig } from '../../src/config.js'

describe('emails', () => {
  it('normalises by trimming and lower-casing', () => {
    assert.equal(normalizeEmail('  Ada.Lovelace@Example.COM \n'), 'ada.lovelace@example.com')
  })

  it('normalises to Unicode NFC: a composed and a decomposed accent are one address', () => {
    assert.equal(normalizeEmail('Jose\u0301@Example.com'), 'jos\u00e9@example.com')
    assert.equal(normalizeEmail('JOS\u00c9@example.com'), 'jos\u00e9@example.com')
  })

  it('reads the domain as the mailer does (IDNA): fullwidth letters and ideographic dots', () => {
    assert.equal(normalizeEmail('Ada@\uff25xample\u3002COM'), 'ada@example.com')
    assert.equal(normalizeEmail('ada@xn--exmple-cua.de'), 'ada@ex\u00e4mple.de')
    assert.equal(emailProblem(normalizeEmail('ada@exam\u2024ple.com')), 'Email must be a valid email address')
    assert.deepEqual(testConfig({ ADMIN_EMAILS: 'boss@\uff45xample.com' }).adminEmails, ['boss@example.com'])
    // ADMIN_EMAILS and SIGNUP_ALLOWLIST are read in the same spelling.
    const config = testConfig({
      ADMIN_EMAILS: 'Jose\u0301@example.com',
      SIGNUP: 'allowlist',
      SIGNUP_ALLOWLIST: '*@exa\u0301mple.org',
    })
    assert.deepEqual(config.adminEmails, ['jos\u00e9@example.com'])
    assert.equal(signupAllowed(config, normalizeEmail('x@ex\u00e1mple.org')), true)
  })

  it('refuses invisible characters: zero-width, soft hyphen, direction marks, BOM', () => {
    for (const e of [
      'a\u200b@example.com',
      'a@exa\u00admple.com',
      '\u202ea@example.com',
      'a\ufeffb@example.com',
      'a@example.com\u2060',
    ]) {
      assert.notEqual(emailProblem(e), null, JSON.stringify(e))
    }
  })

  it('accepts address-shaped emails up to 254 characters', () => {
    for (const e of [
      'a@b.co',
      'first.last+tag@mail.example.org',
      'ünï@exämple.de',
      `${'a'.repeat(64)}@${'b'.repeat(185)}.com`,
    ]) {
      assert.equal(emailProblem(e), null, e)
    }
  })

  it('refuses the rest', () => {
    const cases = [
      '',
      'plain',
      'a@b',
      '@example.com',
      'a@',
      'a b@example.com',
      'a@@example.com',
      'a@example..com',
      'a@.example.com',
      'a@example.com.',
      `${'a'.repeat(65)}@example.com`,
      `${'a'.repeat(60)}@${'b'.repeat(190)}.com`,
      // Address syntax to a mailer: the mail would go to a@example.com.
      '<a@example.com>',
      'x<a@example.com>',
      'zz,a@example.com',
      'a@example.com;zz',
      '(c)a@example.com',
      '"q"a@example.com',
      'a:b@example.com',
      'a@[127.0.0.1].com',
      'a\\b@example.com',
    ]
    for (const e of cases) assert.notEqual(emailProblem(e), null, e)
  })

  it('sign-up policy: open, closed, allowlist with exact and *@domain entries', () => {
    assert.equal(signupAllowed(testConfig(), 'x@example.com'), true)
    assert.equal(signupAllowed(testConfig({ SIGNUP: 'closed' }), 'x@example.com'), false)
    const config = testConfig({ SIGNUP: 'allowlist', SIGNUP_ALLOWLIST: 'boss@other.org,*@corp.example' })
    assert.equal(signupAllowed(config, 'boss@other.org'), true)
    assert.equal(signupAllowed(config, 'intern@other.org'), false)
    assert.equal(signupAllowed(config, 'anyone@corp.example'), true)
    assert.equal(signupAllowed(config, 'anyone@sub.corp.example'), false)
    assert.equal(signupAllowed(config, 'anyone@corp.example.net'), false)
  })
})
