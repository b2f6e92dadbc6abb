// The lockout rules of docs/api.md §3 that hold on any CounterStore (no clock travel), run by the unit
// test on the in-process store and by the integration test on Redis.
import assert from 'node:assert/strict'
import { after, it } from 'node:test'
import { ACCOUNT_MAX, beginAttempt, CLIENT_MAX, guardedCheck } from '../../src/auth/lockout.js'
import type { CounterStore } from '../../src/lib/counter-store.js'

let run = 0
const unique = (what: string) => `${what}-${process.pid}-${++run}-${Math.random().toString(36).slice(2, 8)}`
const wrong = async () => false
const right = async () => true

export function lockoutRules(makeStore: () => CounterStore | Promise<CounterStore>) {
  const stores: CounterStore[] = []
  const store = async () => {
    const s = await makeStore()
    stores.push(s)
    return s
  }
  after(async () => {
    for (const s of stores) await s.close()
  })

  it('the 6th check from one client is refused, even with the right password', async () => {
    const s = await store()
    const email = `${unique('victim')}@example.com`
    for (let i = 1; i <= CLIENT_MAX; i++) {
      const r = await guardedCheck(s, email, '192.0.2.1', wrong)
      assert.deepEqual(r, { outcome: 'wrong', lockedBy: i === CLIENT_MAX ? 'client' : null })
    }
    const locked = await guardedCheck(s, email, '192.0.2.1', right)
    assert.equal(locked.outcome, 'locked')
    assert.equal(locked.outcome === 'locked' && locked.scope, 'client')
    assert.equal(locked.outcome === 'locked' && locked.error.statusCode, 429)
  })

  it('one attacker cannot lock the owner out from another client, however long it hammers', async () => {
    const s = await store()
    const email = `${unique('owner')}@example.com`
    for (let i = 0; i < 200; i++) await guardedCheck(s, email, '203.0.113.66', wrong)
    assert.equal((await guardedCheck(s, email, '203.0.113.66', right)).outcome, 'locked')
    // Refused attempts tested nothing: only the attacker's first five count for the account.
    assert.deepEqual(await beginAttempt(s, email, '2001:db8:1:2::/64'), {
      locked: false,
      clientCount: 1,
      accountCount: CLIENT_MAX + 1,
    })
    assert.deepEqual(await guardedCheck(s, email, '2001:db8:1:3::/64', right), { outcome: 'ok' })
  })

  it('many clients together: 50 failures lock the account for every client', async () => {
    const s = await store()
    const email = `${unique('target')}@example.com`
    for (let i = 1; i <= ACCOUNT_MAX; i++) {
      const r = await guardedCheck(s, email, `198.51.100.${i}`, wrong)
      assert.deepEqual(r, { outcome: 'wrong', lockedBy: i === ACCOUNT_MAX ? 'account' : null })
    }
    const owner = await guardedCheck(s, email, '192.0.2.200', right)
    assert.equal(owner.outcome, 'locked')
    assert.equal(owner.outcome === 'locked' && owner.scope, 'account')
    const retry = Number(owner.outcome === 'locked' && owner.error.headers?.['retry-after'])
    assert.ok(retry > 3500 && retry <= 3600, `Retry-After ${retry}`)
    // Other accounts are not affected.
    assert.deepEqual(await guardedCheck(s, `${unique('other')}@example.com`, '192.0.2.200', right), {
      outcome: 'ok',
    })
  })

  it('a flood of 100k other counters does not reset a lockout', { timeout: 120_000 }, async () => {
    const s = await store()
    const email = `${unique('flooded')}@example.com`
    for (let i = 0; i < CLIENT_MAX; i++) await guardedCheck(s, email, '192.0.2.50', wrong)
    const prefix = unique('flood')
    // New client addresses, as rate-limit keys and as sign-in attempts on other accounts.
    for (let start = 0; start < 100_000; start += 5000) {
      const batch: Promise<unknown>[] = []
      for (let i = start; i < start + 5000; i++) {
        batch.push(s.incr(`rl:global:ip:${prefix}-${i}`, 60_000))
        batch.push(beginAttempt(s, `${prefix}-${i % 997}@example.com`, `${prefix}-${i}`))
      }
      await Promise.all(batch)
    }
    const still = await guardedCheck(s, email, '192.0.2.50', right)
    assert.equal(still.outcome, 'locked')
    assert.deepEqual(await beginAttempt(s, email, '192.0.2.51'), {
      locked: false,
      clientCount: 1,
      accountCount: CLIENT_MAX + 1,
    })
  })
}
