import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { migrate } from '../../src/db/migrate.js'
import { buildTestApp, json, type TestApp } from '../helpers/app.js'
import {
  cookieAttributes,
  cookieHeader,
  newUser,
  PASSWORD,
  register,
  sessionSetCookie,
  signIn,
  uniqueEmail,
} from '../helpers/auth.js'
import { dbKinds } from '../helpers/db.js'

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/

for (const kind of dbKinds()) {
  describe(`auth register [${kind}]`, () => {
    let t: TestApp
    before(async () => {
      t = await buildTestApp(kind, { RATE_LIMIT_AUTH: '1000/minute', ADMIN_EMAILS: 'boss@example.com' })
    })
    after(() => t.close())

    it('201 with user, session token and the session cookie', async () => {
      const email = uniqueEmail()
      const res = await register(t.app, {
        email: `  ${email.toUpperCase()} `,
        password: PASSWORD,
        name: 'Ada',
      })
      assert.equal(res.statusCode, 201)
      const body = json<{ user: Record<string, unknown>; session: Record<string, unknown> }>(res)
      assert.deepEqual(Object.keys(body).sort(), ['session', 'user'])
      assert.deepEqual(Object.keys(body.user).sort(), [
        'created_at',
        'email',
        'email_verified',
        'id',
        'mfa_enabled',
        'name',
        'role',
      ])
      assert.equal(body.user.email_verified, false)
      assert.equal(body.user.mfa_enabled, false)
      assert.equal(body.user.email, email)
      assert.equal(body.user.name, 'Ada')
      assert.equal(body.user.role, 'user')
      assert.match(String(body.user.created_at), ISO)
      assert.deepEqual(Object.keys(body.session).sort(), ['expires_at', 'token'])
      assert.match(String(body.session.token), /^[A-Za-z0-9_-]{43}$/)
      assert.match(String(body.session.expires_at), ISO)
      const cookie = sessionSetCookie(res)
      assert.ok(cookie)
      assert.equal(cookieAttributes(cookie).value, body.session.token)
      assert.doesNotMatch(res.body, /password|argon2/i)
      const me = await t.app.inject({
        url: '/api/auth/me',
        headers: cookieHeader(String(body.session.token)),
      })
      assert.equal(me.statusCode, 200)
    })

    it('ignores role and unknown fields in the body', async () => {
      const email = uniqueEmail()
      const res = await register(t.app, { email, password: PASSWORD, role: 'admin', is_admin: true })
      assert.equal(res.statusCode, 201, res.body)
      assert.equal(json<{ user: { role: string } }>(res).user.role, 'user')
      const stored = await t.tdb.db.query<{ role: string }>('select role from users where email = $1', [
        email,
      ])
      assert.equal(stored[0]?.role, 'user')
    })

    it('ADMIN_EMAILS does not make whoever signs up first an admin (the email is unverified)', async () => {
      const res = await register(t.app, { email: 'Boss@Example.com', password: PASSWORD })
      assert.equal(res.statusCode, 201)
      assert.equal(json<{ user: { role: string } }>(res).user.role, 'user')
    })

    it('name is optional, trimmed, at most 100 characters', async () => {
      const res = await register(t.app, { email: uniqueEmail(), password: PASSWORD })
      assert.equal(json<{ user: { name: unknown } }>(res).user.name, null)
      const long = await register(t.app, { email: uniqueEmail(), password: PASSWORD, name: 'x'.repeat(101) })
      assert.equal(long.statusCode, 422)
      assert.equal(json(long).code, 'validation_error')
    })

    it('refuses malformed or over-long emails with validation_error on path email', async () => {
      for (const email of [
        'not-an-email',
        'a@b',
        '@example.com',
        'a b@example.com',
        '',
        `${'a'.repeat(250)}@x.io`,
      ]) {
        const res = await register(t.app, { email, password: PASSWORD })
        assert.equal(res.statusCode, 422, email)
        const body = json<{ code: string; errors: { path: string }[] }>(res)
        assert.equal(body.code, 'validation_error')
        assert.equal(body.errors[0]?.path, 'email', email)
      }
      const missing = await register(t.app, { password: PASSWORD })
      assert.equal(json<{ errors: { path: string }[] }>(missing).errors[0]?.path, 'email')
    })

    it('password length 8–256 code points', async () => {
      const short = await register(t.app, { email: uniqueEmail(), password: 'Ab3$xyz' })
      assert.equal(short.statusCode, 422)
      assert.equal(json<{ errors: { path: string }[] }>(short).errors[0]?.path, 'password')
      // 8 emoji are 16 UTF-16 units but 8 characters: accepted.
      const emoji = await register(t.app, { email: uniqueEmail(), password: '🦊🐙🦉🐝🦋🐢🦀🐬' })
      assert.equal(emoji.statusCode, 201, emoji.body)
      const max = await register(t.app, { email: uniqueEmail(), password: 'é'.repeat(128) + 'q'.repeat(128) })
      assert.equal(max.statusCode, 201, max.body)
      const over = await register(t.app, { email: uniqueEmail(), password: 'q'.repeat(257) })
      assert.equal(over.statusCode, 422)
    })

    it('password length is counted after NFC normalisation', async () => {
      // 257 code points as sent, 256 once e + U+0301 compose to é: accepted, and the same
      // password typed precomposed signs in.
      const email = uniqueEmail()
      const decomposed = `e\u0301${'q'.repeat(255)}`
      const ok = await register(t.app, { email, password: decomposed })
      assert.equal(ok.statusCode, 201, ok.body)
      assert.equal((await signIn(t.app, email, decomposed.normalize('NFC'))).statusCode, 200)
      // 256 code points as sent, 257 after NFC (U+0958 decomposes): refused on path password.
      const over = await register(t.app, { email: uniqueEmail(), password: `\u0958${'q'.repeat(255)}` })
      assert.equal(over.statusCode, 422, over.body)
      const body = json<{ code: string; errors: { path: string }[] }>(over)
      assert.equal(body.code, 'validation_error')
      assert.equal(body.errors[0]?.path, 'password')
      // And at the short end: 8 code points as sent, 4 after NFC.
      const short = await register(t.app, { email: uniqueEmail(), password: 'e\u0301'.repeat(4) })
      assert.equal(short.statusCode, 422, short.body)
    })

    it('a 200-character Unicode password is not truncated', async () => {
      const email = uniqueEmail()
      const password = 'ünïcødé-🔑-密码-'.repeat(20).slice(0, 200)
      assert.ok(Buffer.byteLength(password) > 72)
      assert.equal((await register(t.app, { email, password })).statusCode, 201)
      assert.equal((await signIn(t.app, email, password)).statusCode, 200)
      // bcrypt would accept any password sharing the first 72 bytes; argon2id does not.
      const prefix72 = Buffer.from(password).subarray(0, 72).toString('utf8')
      assert.equal((await signIn(t.app, email, prefix72)).statusCode, 401)
      assert.equal((await signIn(t.app, email, `${password.slice(0, 199)}x`)).statusCode, 401)
    })

    it('weak passwords: common list (any case), the email, the local part', async () => {
      const email = uniqueEmail('jane.doe')
      const local = email.split('@')[0] as string
      for (const password of [
        'password',
        'PassWord1',
        'iloveyou',
        'qwertyuiop',
        '12345678',
        email,
        local.toUpperCase(),
      ]) {
        const res = await register(t.app, { email, password })
        assert.equal(res.statusCode, 422, password)
        assert.equal(json(res).code, 'weak_password', password)
      }
      // No strength score: an uncommon but simple password is fine.
      const ok = await register(t.app, { email, password: 'zebra-quilt' })
      assert.equal(ok.statusCode, 201, ok.body)
    })

    it('an existing email is 409 email_taken, also when two registrations race', async () => {
      const { email } = await newUser(t.app)
      const again = await register(t.app, { email: email.toUpperCase(), password: PASSWORD })
      assert.equal(again.statusCode, 409)
      assert.equal(json(again).code, 'email_taken')
      const racing = uniqueEmail()
      const results = await Promise.all(
        [1, 2, 3].map(() => register(t.app, { email: racing, password: PASSWORD })),
      )
      assert.deepEqual(results.map((r) => r.statusCode).sort(), [201, 409, 409])
    })

    it('one address has one spelling: Unicode NFC, so a decomposed accent is the same account', async () => {
      const tag = Math.random().toString(36).slice(2, 8)
      const composed = `jos\u00e9-${tag}@example.com`
      const decomposed = `jose\u0301-${tag}@example.com`
      const first = await register(t.app, { email: decomposed, password: PASSWORD })
      assert.equal(first.statusCode, 201, first.body)
      assert.equal(json<{ user: { email: string } }>(first).user.email, composed)
      const again = await register(t.app, { email: composed.toUpperCase(), password: PASSWORD })
      assert.equal(again.statusCode, 409, again.body)
      assert.equal(json(again).code, 'email_taken')
      for (const spelling of [composed, decomposed]) {
        const res = await signIn(t.app, spelling, PASSWORD)
        assert.equal(res.statusCode, 200, `${JSON.stringify(spelling)}: ${res.body}`)
      }
    })

    it('migration 0015 respells stored decomposed emails in NFC, unless the composed one is taken', async () => {
      const db = t.tdb.db
      const tag = Math.random().toString(36).slice(2, 8)
      const lone = await newUser(t.app, `rene-${tag}@example.com`)
      const twin = await newUser(t.app, `zoe-${tag}@example.com`)
      const taken = await newUser(t.app, `zo\u00eb-${tag}@example.com`)
      // As a server before NFC stored them: decomposed, as typed.
      const setEmail = (id: string, email: string) =>
        db.query('update users set email = $2 where id = $1', [id, email])
      await setEmail(lone.userId, `rene\u0301-${tag}@example.com`)
      await setEmail(twin.userId, `zoe\u0308-${tag}@example.com`)
      await db.exec(`delete from schema_migrations where tag = '0015_email-nfc'`)
      assert.deepEqual(await migrate(db), ['0015_email-nfc'])
      const rows = await db.query<{ id: string; email: string }>(
        'select id, email from users where id = any($1::uuid[])',
        [[lone.userId, twin.userId, taken.userId]],
      )
      const emails = Object.fromEntries(rows.map((r) => [r.id, r.email]))
      assert.deepEqual(emails, {
        [lone.userId]: `ren\u00e9-${tag}@example.com`,
        [twin.userId]: `zoe\u0308-${tag}@example.com`,
        [taken.userId]: `zo\u00eb-${tag}@example.com`,
      })
      assert.equal((await signIn(t.app, `rene\u0301-${tag}@example.com`, PASSWORD)).statusCode, 200)
    })

    it('an email with invisible or direction characters does not look like an address: 422', async () => {
      // boss@example.com followed by a zero-width space was an account of its own, shown as
      // boss@example.com, and mail servers dropped the character: its verification link went to
      // the real boss@example.com.
      for (const email of [
        'boss@example.com\u200b',
        'bo\u200bss@example.com',
        'boss\u200d@example.com',
        'boss@exam\u00adple.com',
        'boss@example.com\u2060',
        'bo\ufeffss@example.com',
        '\u202eboss@example.com',
      ]) {
        const res = await register(t.app, { email, password: PASSWORD })
        assert.equal(res.statusCode, 422, `${JSON.stringify(email)}: ${res.body}`)
        const body = json<{ code: string; errors: { path: string }[] }>(res)
        assert.equal(body.code, 'validation_error')
        assert.equal(body.errors[0]?.path, 'email')
      }
    })

    it('an email with address punctuation (<>()[],;:" or a backslash) is 422, not an account whose mail goes elsewhere', async () => {
      // The mailer reads these as address syntax: <alice@example.com>, x<alice@example.com>,
      // zz,alice@example.com or (c)alice@example.com were accounts of their own, and their
      // verification link went to alice@example.com, whose click verified them.
      const victim = uniqueEmail('victim')
      for (const email of [
        `<${victim}>`,
        `x<${victim}>`,
        `${victim}>`,
        `(c)${victim}`,
        `${victim}(c)`,
        `zz,${victim}`,
        `zz;${victim}`,
        `${victim},zz`,
        `a:${victim}`,
        `"q"${victim}`,
        `[a]${victim}`,
        `a\\b${victim}`,
      ]) {
        const res = await register(t.app, { email, password: PASSWORD })
        assert.equal(res.statusCode, 422, `${JSON.stringify(email)}: ${res.body}`)
        const body = json<{ code: string; errors: { path: string }[] }>(res)
        assert.equal(body.code, 'validation_error')
        assert.equal(body.errors[0]?.path, 'email')
      }
      // Punctuation that is plain text in an address still works.
      for (const email of [`o'brien+tag-${victim}`, `a.b_c=d?e!f#g$h%i&j*k/l^m{n}o|p~q-${victim}`]) {
        const res = await register(t.app, { email, password: PASSWORD })
        assert.equal(res.statusCode, 201, `${email}: ${res.body}`)
      }
    })

    it('the domain is read as the mailer reads it (IDNA): a fullwidth or dot-variant spelling is the same account', async () => {
      // The mailer maps the domain through UTS #46 before sending: alice@ｅxample.com (fullwidth e)
      // was an account of its own, and its mail went to alice@example.com.
      const local = `idna-${Math.random().toString(36).slice(2, 8)}`
      await newUser(t.app, `${local}@example.com`)
      for (const email of [
        `${local}@\uff45xample.com`,
        `${local}@example\u3002com`,
        `${local}@EXAMPLE\uff0ecom`,
      ]) {
        const res = await register(t.app, { email, password: PASSWORD })
        assert.equal(res.statusCode, 409, `${JSON.stringify(email)}: ${res.body}`)
        assert.equal(json(res).code, 'email_taken')
        assert.equal((await signIn(t.app, email, PASSWORD)).statusCode, 200, JSON.stringify(email))
      }
      // A domain that IDNA refuses cannot receive mail: 422 on email.
      const bad = await register(t.app, { email: `${local}@exam\u2024ple.com`, password: PASSWORD })
      assert.equal(bad.statusCode, 422, bad.body)
      assert.equal(json<{ errors: { path: string }[] }>(bad).errors[0]?.path, 'email')
      // An internationalised domain is kept in its Unicode form.
      const idn = await register(t.app, { email: `${local}@EX\u00c4MPLE.de`, password: PASSWORD })
      assert.equal(idn.statusCode, 201, idn.body)
      assert.equal(json<{ user: { email: string } }>(idn).user.email, `${local}@ex\u00e4mple.de`)
    })

    it('no password hash in any response', async () => {
      const { token } = await newUser(t.app)
      for (const url of ['/api/auth/me', '/api/auth/sessions']) {
        const res = await t.app.inject({ url, headers: cookieHeader(token) })
        assert.equal(res.statusCode, 200)
        assert.doesNotMatch(res.body, /password|argon2/i)
      }
    })
  })

  describe(`auth sign-up policy [${kind}]`, () => {
    it('SIGNUP=closed refuses every registration with 403 signup_closed; RATE_LIMIT_AUTH applies', async () => {
      const t = await buildTestApp(kind, { SIGNUP: 'closed', RATE_LIMIT_AUTH: '2/minute' })
      try {
        for (let i = 0; i < 2; i++) {
          const res = await register(t.app, { email: uniqueEmail(), password: PASSWORD })
          assert.equal(res.statusCode, 403)
          assert.equal(json(res).code, 'signup_closed')
          assert.equal(res.headers['ratelimit-limit'], '2')
        }
        // RATE_LIMIT_AUTH per client IP: one budget for every unauthenticated POST under
        // /api/auth (§3), so the client that spent it on register cannot go on with sign-in, the
        // second factor, a reset or sign-out.
        const limited = await register(t.app, { email: uniqueEmail(), password: PASSWORD })
        assert.equal(limited.statusCode, 429)
        assert.equal(json(limited).code, 'rate_limited')
        assert.ok(Number(limited.headers['retry-after']) > 0)
        const other = (url: string, payload: object, remoteAddress = '127.0.0.1') =>
          t.app.inject({ method: 'POST', url, payload, remoteAddress })
        const signIn = { email: uniqueEmail(), password: PASSWORD }
        assert.equal((await other('/api/auth/sign-in', signIn)).statusCode, 429)
        assert.equal(
          (await other('/api/auth/sign-in/mfa', { challenge: 'x', code: '123456' })).statusCode,
          429,
        )
        assert.equal((await other('/api/auth/sign-out', {})).statusCode, 429)
        // Another client has its own budget.
        assert.equal((await other('/api/auth/sign-in', signIn, '127.0.0.2')).statusCode, 401)
        assert.equal((await other('/api/auth/sign-out', {}, '127.0.0.2')).statusCode, 204)
        assert.equal((await other('/api/auth/sign-out', {}, '127.0.0.2')).statusCode, 429)
      } finally {
        await t.close()
      }
    })

    it('SIGNUP=allowlist admits listed emails and *@domain entries only', async () => {
      const t = await buildTestApp(kind, {
        SIGNUP: 'allowlist',
        SIGNUP_ALLOWLIST: 'Alice@Other.org, *@corp.example',
      })
      try {
        const cases: [string, number][] = [
          ['alice@other.org', 201],
          ['bob@other.org', 403],
          ['carol@corp.example', 201],
          ['dave@sub.corp.example', 403],
          ['eve@corp.example.evil.com', 403],
        ]
        for (const [email, status] of cases) {
          const res = await register(t.app, { email, password: PASSWORD })
          assert.equal(res.statusCode, status, email)
          if (status === 403) assert.equal(json(res).code, 'signup_closed')
        }
      } finally {
        await t.close()
      }
    })
  })
}
