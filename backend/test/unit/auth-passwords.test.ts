import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { hash } from '@node-rs/argon2'
import {
  ARGON2_PARAMS,
  getDummyHash,
  HASH_CONCURRENCY,
  hashLoad,
  hashPassword,
  loadCommonPasswords,
  needsRehash,
  passwordLength,
  passwordProblem,
  verifyPassword,
} from '../../src/auth/passwords.js'

describe('password hashing', () => {
  it('argon2id with m=19456 KiB, t=2, p=1 in the PHC string', async () => {
    const h = await hashPassword('violet-harbor-lantern-42')
    assert.match(h, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
    assert.equal(needsRehash(h), false)
    assert.equal(await verifyPassword(h, 'violet-harbor-lantern-42'), true)
    assert.equal(await verifyPassword(h, 'violet-harbor-lantern-43'), false)
  })

  it('runs at most HASH_CONCURRENCY argon2 computations at once; the rest wait their turn', async () => {
    const n = HASH_CONCURRENCY + 4
    let maxRunning = 0
    let maxWaiting = 0
    let sampling = true
    const sample = () => {
      const l = hashLoad()
      maxRunning = Math.max(maxRunning, l.running)
      maxWaiting = Math.max(maxWaiting, l.waiting)
      if (sampling) setTimeout(sample, 1)
    }
    sample()
    const passwords = Array.from({ length: n }, (_, i) => `queue-test-password-${i}`)
    const hashes = await Promise.all(passwords.map((p) => hashPassword(p)))
    // A verify that throws inside (undecodable hash) still frees its slot.
    const checks = await Promise.all([
      ...hashes.map((h, i) => verifyPassword(h, passwords[i] as string)),
      verifyPassword('not-a-phc-string', 'x'),
    ])
    sampling = false
    assert.deepEqual(checks, [...hashes.map(() => true), false])
    assert.equal(maxRunning, HASH_CONCURRENCY)
    assert.ok(maxWaiting >= 4, `waiting peaked at ${maxWaiting}`)
    assert.deepEqual(hashLoad(), { running: 0, waiting: 0 })
  })

  it('never truncates: a long password differs from its 72-byte prefix', async () => {
    const long = 'ü'.repeat(200)
    const h = await hashPassword(long)
    assert.equal(await verifyPassword(h, long), true)
    assert.equal(await verifyPassword(h, 'ü'.repeat(36)), false)
    assert.equal(await verifyPassword(h, 'ü'.repeat(199)), false)
  })

  it('NFC: composed and decomposed accents are the same password', async () => {
    const h = await hashPassword('caf\u00e9-au-lait-noir')
    assert.equal(await verifyPassword(h, 'cafe\u0301-au-lait-noir'), true)
  })

  it('needsRehash when the stored parameters differ or the hash is unreadable', async () => {
    const weaker = await hash('x', { ...ARGON2_PARAMS, memoryCost: 4096, timeCost: 1 })
    assert.equal(needsRehash(weaker), true)
    assert.equal(needsRehash('$2b$10$abcdefghijklmnopqrstuv'), true)
    assert.equal(await verifyPassword('not a hash', 'x'), false)
  })

  it('the dummy hash is computed once and verifies nothing useful', async () => {
    const a = await getDummyHash()
    assert.equal(a, await getDummyHash())
    assert.equal(needsRehash(a), false)
    assert.equal(await verifyPassword(a, ''), false)
  })
})

describe('password policy', () => {
  it('counts code points, not UTF-16 units', () => {
    assert.equal(passwordLength('🦊🐙'), 2)
    assert.equal(passwordLength('abc'), 3)
  })

  it('length 8–256', async () => {
    assert.equal(await passwordProblem('Ab3$xyz', 'a@example.com'), 'too_short')
    assert.equal(await passwordProblem('🦊🐙🦉🐝🦋🐢🦀🐬', 'a@example.com'), null)
    assert.equal(await passwordProblem('q'.repeat(256), 'a@example.com'), null)
    assert.equal(await passwordProblem('q'.repeat(257), 'a@example.com'), 'too_long')
  })

  it('length is counted after NFC normalisation, in both directions', async () => {
    // e + combining acute: 2 code points, 1 after NFC (é).
    const shrinks = `e\u0301${'q'.repeat(255)}`
    assert.equal(passwordLength(shrinks), 257)
    assert.equal(await passwordProblem(shrinks, 'a@example.com'), null)
    // U+0958 is excluded from composition: 1 code point, 2 after NFC.
    const grows = `\u0958${'q'.repeat(255)}`
    assert.equal(passwordLength(grows), 256)
    assert.equal(await passwordProblem(grows, 'a@example.com'), 'too_long')
    assert.equal(await passwordProblem(`e\u0301e\u0301e\u0301e\u0301`, 'a@example.com'), 'too_short')
    assert.equal(await passwordProblem(`\u0958\u0958\u0958\u0958`, 'a@example.com'), null)
  })

  it('refuses exactly the common-password list, case-insensitively', async () => {
    const list = await loadCommonPasswords()
    assert.ok(list.size > 40_000)
    for (const p of ['password', 'PASSWORD', 'Password1', 'iloveyou', 'trustno1', 'qwertyuiop', '12345678']) {
      assert.equal(await passwordProblem(p, 'a@example.com'), 'common', p)
    }
    // No strength score: short dictionary-looking but uncommon passwords pass.
    for (const p of ['zebra-quilt', 'violet harbor', 'correct horse battery staple']) {
      assert.equal(await passwordProblem(p, 'a@example.com'), null, p)
    }
  })

  it('refuses the email and its local part, case-insensitively', async () => {
    const email = 'jane.doe@example.com'
    assert.equal(await passwordProblem('Jane.Doe@Example.com', email), 'matches_email')
    assert.equal(await passwordProblem('JANE.DOE', email), 'matches_email')
    assert.equal(await passwordProblem('jane.doe1', email), null)
  })
})
