// Races between the old password and the change that revokes it (docs/api.md §3, §11, §12): a
// sign-in or an API key created with the old password while a password change or reset is being
// confirmed must not outlive it. The password is verified (argon2, queued) long before the session
// or key row is written, so without a check at write time the revocation can land in between.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { testConfig } from '../../src/config.js'
import { buildTestApp, json, type TestApp } from '../helpers/app.js'
import { bearerHeader, newUser, PASSWORD, uniqueEmail } from '../helpers/auth.js'
import { createTestDatabase, dbKinds, type TestDatabase } from '../helpers/db.js'
import { createUserWithSession } from '../helpers/users.js'

const ENV = {
  RATE_LIMIT_AUTH: '100000/minute',
  RATE_LIMIT_GLOBAL: '100000/minute',
  PUBLIC_URL: 'https://rag.example',
}
const NEW_PASSWORD = 'amber-quarry-whistle-77'
const ROUNDS = 4
const SIGN_INS = 8

for (const kind of dbKinds()) {
  describe(`credential races [${kind}]`, () => {
    let tdb: TestDatabase
    let t: TestApp
    let adminToken: string
    let ip = 0
    // A client address per attempt: wrong passwords after the change must not reach the lockout.
    const nextIp = () => `10.9.${Math.floor(++ip / 250)}.${(ip % 250) + 1}`

    before(async () => {
      tdb = await createTestDatabase(kind)
      t = await buildTestApp(kind, ENV, { tdb })
      adminToken = (
        await createUserWithSession(tdb.db, testConfig(ENV), { email: uniqueEmail('admin'), role: 'admin' })
      ).token
    })
    after(async () => {
      await t.close()
      await tdb.cleanup()
    })

    const signInOld = (email: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/sign-in',
        payload: { email, password: PASSWORD },
        remoteAddress: nextIp(),
      })
    const me = (token: string) =>
      t.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearerHeader(token) })

    async function resetToken(userId: string): Promise<string> {
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/admin/users/${userId}/reset-link`,
        headers: bearerHeader(adminToken),
      })
      assert.equal(res.statusCode, 200, res.body)
      return new URL(json<{ url: string }>(res).url).hash.replace('#token=', '')
    }

    /** Every session a sign-in with the old password got must be dead once the change is done. */
    async function oldSessionsDead(results: { statusCode: number; body: string }[]) {
      for (const r of results) {
        if (r.statusCode !== 200) {
          assert.equal(r.statusCode, 401, r.body)
          continue
        }
        const token = json<{ session: { token: string } }>(r as never).session.token
        assert.equal((await me(token)).statusCode, 401, 'a session from the old password survived')
      }
    }

    it('a sign-in with the old password racing a password reset gets no lasting session', async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const u = await newUser(t.app, uniqueEmail('race-reset'))
        const token = await resetToken(u.userId)
        const signIns = Array.from({ length: SIGN_INS }, () => signInOld(u.email))
        const reset = t.app.inject({
          method: 'POST',
          url: '/api/auth/password-reset/confirm',
          payload: { token, new_password: NEW_PASSWORD },
        })
        const [done, ...results] = await Promise.all([reset, ...signIns])
        assert.equal(done?.statusCode, 204, done?.body)
        await oldSessionsDead(results)
      }
    })

    it('a sign-in with the old password racing a password change gets no lasting session', async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const u = await newUser(t.app, uniqueEmail('race-change'))
        const signIns = Array.from({ length: SIGN_INS }, () => signInOld(u.email))
        const change = t.app.inject({
          method: 'POST',
          url: '/api/auth/change-password',
          headers: bearerHeader(u.token),
          payload: { current_password: PASSWORD, new_password: NEW_PASSWORD },
        })
        const [done, ...results] = await Promise.all([change, ...signIns])
        assert.equal(done?.statusCode, 204, done?.body)
        await oldSessionsDead(results)
        assert.equal((await me(u.token)).statusCode, 200, 'the changing session stays')
      }
    })

    it('an API key created with the old password racing a password reset does not outlive it', async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const u = await newUser(t.app, uniqueEmail('race-key'))
        const token = await resetToken(u.userId)
        const creates = Array.from({ length: 3 }, (_, i) =>
          t.app.inject({
            method: 'POST',
            url: '/api/auth/api-keys',
            headers: bearerHeader(u.token),
            payload: { password: PASSWORD, name: `k${i}` },
            remoteAddress: nextIp(),
          }),
        )
        const reset = t.app.inject({
          method: 'POST',
          url: '/api/auth/password-reset/confirm',
          payload: { token, new_password: NEW_PASSWORD },
        })
        const [done, ...results] = await Promise.all([reset, ...creates])
        assert.equal(done?.statusCode, 204, done?.body)
        for (const r of results) {
          if (r.statusCode !== 201) {
            assert.ok([401, 422].includes(r.statusCode), r.body)
            continue
          }
          const key = json<{ key: string }>(r).key
          assert.equal((await me(key)).statusCode, 401, 'an API key from before the reset survived')
        }
      }
    })

    it('two password changes from the same old password at once: the first wins, the second is 422', async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const owner = await newUser(t.app, uniqueEmail('race-two-changes'))
        const other = await signInOld(owner.email)
        assert.equal(other.statusCode, 200, other.body)
        const tokens = [owner.token, json<{ session: { token: string } }>(other).session.token]
        const passwords = ['amber-quarry-whistle-77', 'cobalt-meadow-ferry-58']
        const rs = await Promise.all(
          tokens.map((token, i) =>
            t.app.inject({
              method: 'POST',
              url: '/api/auth/change-password',
              headers: bearerHeader(token),
              payload: { current_password: PASSWORD, new_password: passwords[i] },
              remoteAddress: nextIp(),
            }),
          ),
        )
        assert.deepEqual(rs.map((r) => r.statusCode).sort(), [204, 422], rs.map((r) => r.body).join(' '))
        const w = rs.findIndex((r) => r.statusCode === 204)
        assert.equal(json(rs[1 - w] as never).code, 'invalid_current_password')
        // The winner's session stays, the other one is revoked; the winner's password is the one.
        assert.equal((await me(tokens[w] as string)).statusCode, 200)
        assert.equal((await me(tokens[1 - w] as string)).statusCode, 401)
        const signIn = await t.app.inject({
          method: 'POST',
          url: '/api/auth/sign-in',
          payload: { email: owner.email, password: passwords[w] },
          remoteAddress: nextIp(),
        })
        assert.equal(signIn.statusCode, 200, signIn.body)
      }
    })

    it('one reset link confirmed twice at once sets one password', async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const u = await newUser(t.app, uniqueEmail('race-link'))
        const token = await resetToken(u.userId)
        const passwords = ['amber-quarry-whistle-77', 'cobalt-meadow-ferry-58']
        const rs = await Promise.all(
          passwords.map((new_password) =>
            t.app.inject({
              method: 'POST',
              url: '/api/auth/password-reset/confirm',
              payload: { token, new_password },
            }),
          ),
        )
        assert.deepEqual(rs.map((r) => r.statusCode).sort(), [204, 422])
        const loser = rs.find((r) => r.statusCode === 422)
        assert.equal(json(loser as never).code, 'invalid_token')
        const winner = passwords[rs.findIndex((r) => r.statusCode === 204)] as string
        const other = passwords.find((p) => p !== winner) as string
        const signIn = (password: string) =>
          t.app.inject({
            method: 'POST',
            url: '/api/auth/sign-in',
            payload: { email: u.email, password },
            remoteAddress: nextIp(),
          })
        assert.equal((await signIn(other)).statusCode, 401)
        assert.equal((await signIn(winner)).statusCode, 200)
      }
    })

    it('reset links handed out at once: only the newest stays live', async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const u = await newUser(t.app, uniqueEmail('race-links'))
        const rs = await Promise.all(
          Array.from({ length: 4 }, () =>
            t.app.inject({
              method: 'POST',
              url: `/api/admin/users/${u.userId}/reset-link`,
              headers: bearerHeader(adminToken),
            }),
          ),
        )
        for (const r of rs) assert.equal(r.statusCode, 200, r.body)
        const [live] = await tdb.db.query<{ n: number }>(
          "select count(*)::int as n from email_tokens where user_id = $1 and purpose = 'reset' and used_at is null",
          [u.userId],
        )
        assert.equal(live?.n, 1, 'a newer link voids the older ones')
      }
    })

    it('parallel wrong passwords from one client: 5 are checked, the rest are 429', async () => {
      const u = await newUser(t.app, uniqueEmail('race-lock'))
      const rs = await Promise.all(
        Array.from({ length: 12 }, () =>
          t.app.inject({
            method: 'POST',
            url: '/api/auth/sign-in',
            payload: { email: u.email, password: 'not-the-password-1' },
            remoteAddress: '10.77.0.1',
          }),
        ),
      )
      const counts = new Map<number, number>()
      for (const r of rs) counts.set(r.statusCode, (counts.get(r.statusCode) ?? 0) + 1)
      assert.deepEqual(Object.fromEntries(counts), { 401: 5, 429: 7 })
      // Even the right password now waits for the window.
      const right = await t.app.inject({
        method: 'POST',
        url: '/api/auth/sign-in',
        payload: { email: u.email, password: PASSWORD },
        remoteAddress: '10.77.0.1',
      })
      assert.equal(right.statusCode, 429)
    })
  })
}
