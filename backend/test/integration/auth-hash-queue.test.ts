// docs/api.md §3: password hashing runs at most cores − 1 at a time with a bounded queue; when the
// queue is full the request gets 503 service_unavailable with Retry-After instead of waiting.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { HASH_CONCURRENCY, HASH_QUEUE_MAX, hashLoad, hashPassword } from '../../src/auth/passwords.js'
import { buildTestApp, json, type TestApp } from '../helpers/app.js'
import { newUser, PASSWORD, register, signIn, uniqueEmail } from '../helpers/auth.js'
import { dbKinds } from '../helpers/db.js'

const pending = new Set<Promise<unknown>>()
let keepFull = false
let n = 0

/**
 * Occupies every hashing slot and every place in the queue, and keeps it so while `keepFull`:
 * each finished filler is replaced in the same tick, before any request can take its place.
 */
function saturate() {
  keepFull = true
  while (hashLoad().waiting < HASH_QUEUE_MAX) {
    const p: Promise<unknown> = hashPassword(`filler-${n++}`).then(() => {
      pending.delete(p)
      if (keepFull) saturate()
    })
    pending.add(p)
  }
  assert.deepEqual(hashLoad(), { running: HASH_CONCURRENCY, waiting: HASH_QUEUE_MAX })
}

async function drain() {
  keepFull = false
  while (pending.size > 0) await Promise.all([...pending])
}

function assertUnavailable(res: { statusCode: number; body: string; headers: Record<string, unknown> }) {
  assert.equal(res.statusCode, 503, res.body)
  assert.equal(json(res as never).code, 'service_unavailable')
  const retry = Number(res.headers['retry-after'])
  assert.ok(Number.isInteger(retry) && retry >= 1 && retry <= 60, `Retry-After ${res.headers['retry-after']}`)
}

for (const kind of dbKinds()) {
  describe(`password-hash queue bound [${kind}]`, () => {
    let t: TestApp
    before(async () => {
      t = await buildTestApp(kind, { RATE_LIMIT_AUTH: '10000/minute' })
    })
    after(() => t.close())

    it('a full queue answers sign-in, register and change-password 503 at once, and counts no failure', async () => {
      const u = await newUser(t.app)
      const started = Date.now()
      saturate()
      assertUnavailable(await signIn(t.app, u.email, 'a-wrong-password'))
      assertUnavailable(await register(t.app, { email: uniqueEmail(), password: PASSWORD }))
      assertUnavailable(
        await t.app.inject({
          method: 'POST',
          url: '/api/auth/change-password',
          headers: { authorization: `Bearer ${u.token}` },
          payload: { current_password: 'not-the-password', new_password: 'another-passphrase-9' },
        }),
      )
      // Nothing waited for the queue.
      assert.ok(Date.now() - started < 5000, `${Date.now() - started} ms`)
      await drain()
      assert.deepEqual(hashLoad(), { running: 0, waiting: 0 })
      // The refused checks were not failures: five wrong passwords still get 401 before the lock.
      for (let i = 1; i <= 5; i++) assert.equal((await signIn(t.app, u.email, `wrong-${i}`)).statusCode, 401)
      assert.equal((await signIn(t.app, u.email, PASSWORD)).statusCode, 429)
    })
  })
}
