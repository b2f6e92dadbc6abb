import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  generateRecoveryCode,
  generateTotpSecret,
  hashMfaToken,
  matchTotp,
  normalizeRecoveryCode,
  openTotpSecret,
  SecretUnavailableError,
  sealTotpSecret,
} from '../../src/auth/mfa.js'
import { totpAt } from '../helpers/totp.js'

const T0 = Date.parse('2026-03-01T10:00:10.000Z')
const STEP = 30_000

describe('TOTP (RFC 6238) against an independent implementation and a fake clock', () => {
  it('matches the RFC 6238 SHA-1 test vector', () => {
    // RFC 6238 appendix B: secret "12345678901234567890", T = 59 s → 94287082 (8 digits); 6 digits: 287082.
    const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'
    assert.equal(totpAt(secret, 59_000), '287082')
    assert.equal(matchTotp(secret, '287082', 59_000), 1)
  })

  it('accepts the step before and after, not two away, and names the step', () => {
    const secret = generateTotpSecret()
    assert.match(secret, /^[A-Z2-7]{32}$/)
    const step = Math.floor(T0 / STEP)
    assert.equal(matchTotp(secret, totpAt(secret, T0), T0), step)
    assert.equal(matchTotp(secret, totpAt(secret, T0 - STEP), T0), step - 1)
    assert.equal(matchTotp(secret, totpAt(secret, T0 + STEP), T0), step + 1)
    const far = [totpAt(secret, T0 - 2 * STEP), totpAt(secret, T0 + 2 * STEP)]
    const near = new Set([-1, 0, 1].map((d) => totpAt(secret, T0 + d * STEP)))
    for (const code of far) if (!near.has(code)) assert.equal(matchTotp(secret, code, T0), null)
    assert.equal(matchTotp(secret, 'abcdef', T0), null)
    assert.equal(matchTotp(secret, '12345', T0), null)
  })
})

describe('the secret at rest', () => {
  it('with SECRET_KEY: AES-GCM ciphertext that only that key opens', () => {
    const secret = generateTotpSecret()
    const sealed = sealTotpSecret(secret, 'a'.repeat(40))
    assert.ok(sealed.startsWith('v1:'))
    assert.ok(!sealed.includes(secret))
    assert.notEqual(sealTotpSecret(secret, 'a'.repeat(40)), sealed, 'a fresh IV each time')
    assert.equal(openTotpSecret(sealed, 'a'.repeat(40)), secret)
    assert.throws(() => openTotpSecret(sealed, 'b'.repeat(40)))
    assert.throws(() => openTotpSecret(sealed, null), SecretUnavailableError)
  })

  it('without SECRET_KEY: stored as it is, still readable once a key is set', () => {
    const secret = generateTotpSecret()
    const stored = sealTotpSecret(secret, null)
    assert.equal(stored, `plain:${secret}`)
    assert.equal(openTotpSecret(stored, null), secret)
    assert.equal(openTotpSecret(stored, 'a'.repeat(40)), secret)
  })
})

describe('recovery codes', () => {
  it('are 120 random bits in four groups, distinct, and typed in any case or spacing', () => {
    const codes = Array.from({ length: 200 }, generateRecoveryCode)
    for (const c of codes) assert.match(c, /^[a-z2-7]{6}(-[a-z2-7]{6}){3}$/)
    assert.equal(new Set(codes).size, codes.length)
    const c = codes[0] as string
    assert.equal(normalizeRecoveryCode(` ${c.toUpperCase().replace(/-/g, ' ')} `), c.replace(/-/g, ''))
  })

  it('are hashed (keyed with SECRET_KEY when set)', () => {
    const n = normalizeRecoveryCode(generateRecoveryCode())
    assert.match(hashMfaToken(n, null), /^[0-9a-f]{64}$/)
    assert.notEqual(hashMfaToken(n, null), hashMfaToken(n, 'k'.repeat(40)))
    assert.notEqual(hashMfaToken(n, 'k'.repeat(40)), hashMfaToken(n, 'j'.repeat(40)))
  })
})
