import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ConfigError, loadConfig } from '../../src/config.js'
import { parseRate } from '../../src/lib/rate.js'

describe('config', () => {
  it('has working defaults with an empty environment', () => {
    const { config, warnings } = loadConfig({})
    assert.equal(config.port, 7860)
    assert.equal(config.host, '0.0.0.0')
    assert.equal(config.databaseUrl, null)
    assert.equal(config.trustProxy, 0)
    assert.equal(config.cookieSecure, false)
    assert.equal(config.cookieSameSite, 'lax')
    assert.equal(config.signup, 'open')
    assert.deepEqual(config.rateLimitGlobal, { max: 120, windowMs: 60_000, text: '120/minute' })
    assert.equal(config.llm, null)
    assert.equal(config.embedding, null)
    assert.deepEqual(warnings, [])
  })

  it('reports every bad variable at once, one line each', () => {
    try {
      loadConfig({
        PORT: 'abc',
        TRUST_PROXY: '-1',
        COOKIE_SAMESITE: 'sideways',
        RATE_LIMIT_AUTH: '10 per fortnight',
      })
      assert.fail('expected a ConfigError')
    } catch (err) {
      assert.ok(err instanceof ConfigError)
      assert.equal(err.problems.length, 4)
      assert.ok(err.problems.some((p) => p.startsWith('PORT: ')))
      assert.ok(err.problems.some((p) => p.startsWith('RATE_LIMIT_AUTH: ')))
    }
  })

  it('TRUST_PROXY accepts integers and true/false', () => {
    assert.equal(loadConfig({ TRUST_PROXY: 'true' }).config.trustProxy, 1)
    assert.equal(loadConfig({ TRUST_PROXY: 'false' }).config.trustProxy, 0)
    assert.equal(loadConfig({ TRUST_PROXY: '2' }).config.trustProxy, 2)
  })

  it('TRUST_PROXY_FROM: presets by default; addresses, CIDR ranges and presets; junk refused', () => {
    assert.deepEqual(loadConfig({}).config.trustProxyFrom, ['loopback', 'linklocal', 'uniquelocal'])
    assert.deepEqual(
      loadConfig({ TRUST_PROXY_FROM: 'Loopback, 10.0.0.0/8,2001:db8::/32 , 203.0.113.7' }).config
        .trustProxyFrom,
      ['loopback', '10.0.0.0/8', '2001:db8::/32', '203.0.113.7'],
    )
    try {
      loadConfig({ TRUST_PROXY_FROM: 'loopback,everyone,10.0.0.0/99' })
      assert.fail('expected a ConfigError')
    } catch (err) {
      assert.ok(err instanceof ConfigError)
      assert.equal(err.problems.length, 2)
      assert.match(
        err.problems[0] as string,
        /^TRUST_PROXY_FROM: "everyone" is not an IP address, a CIDR range or one of loopback, linklocal, uniquelocal$/,
      )
    }
  })

  it('SameSite=none forces Secure; production defaults Secure on', () => {
    assert.equal(loadConfig({ COOKIE_SAMESITE: 'none' }).config.cookieSecure, true)
    assert.equal(loadConfig({ NODE_ENV: 'production' }).config.cookieSecure, true)
    assert.equal(loadConfig({ NODE_ENV: 'production', COOKIE_SECURE: 'false' }).config.cookieSecure, false)
  })

  it('refuses a placeholder SECRET_KEY in production and warns in development', () => {
    assert.throws(
      () => loadConfig({ NODE_ENV: 'production', SECRET_KEY: 'your-secret-key-here' }),
      ConfigError,
    )
    assert.throws(() => loadConfig({ NODE_ENV: 'production', SECRET_KEY: 'changeme' }), ConfigError)
    const dev = loadConfig({ SECRET_KEY: 'changeme' })
    assert.equal(dev.warnings.length, 1)
  })

  it('in production warns once, naming the variables left at their defaults', () => {
    const { warnings } = loadConfig({
      NODE_ENV: 'production',
      SECRET_KEY: 'a-real-secret-of-some-length-1234',
    })
    assert.equal(warnings.length, 1)
    assert.match(warnings[0] as string, /DATABASE_URL/)
    assert.doesNotMatch(warnings[0] as string, /SECRET_KEY/)
  })

  it('needs EMBEDDING_DIMENSIONS (≤ 2000) and a model with an embedding provider', () => {
    assert.throws(
      () => loadConfig({ EMBEDDING_BASE_URL: 'http://127.0.0.1:1/v1', EMBEDDING_MODEL: 'm' }),
      ConfigError,
    )
    assert.throws(
      () =>
        loadConfig({ EMBEDDING_BASE_URL: 'http://x/v1', EMBEDDING_MODEL: 'm', EMBEDDING_DIMENSIONS: '4096' }),
      ConfigError,
    )
    const ok = loadConfig({
      EMBEDDING_BASE_URL: 'http://x/v1',
      EMBEDDING_MODEL: 'm',
      EMBEDDING_DIMENSIONS: '384',
    })
    assert.equal(ok.config.embedding?.dimensions, 384)
  })

  it('parses FRONTEND_URL into exact origins and rejects junk', () => {
    const { config } = loadConfig({ FRONTEND_URL: 'https://a.example.com/, http://localhost:5173' })
    assert.deepEqual(config.frontendOrigins, ['https://a.example.com', 'http://localhost:5173'])
    assert.throws(() => loadConfig({ FRONTEND_URL: 'not a url' }), ConfigError)
  })

  it('allowlist signup needs a list', () => {
    assert.throws(() => loadConfig({ SIGNUP: 'allowlist' }), ConfigError)
    const { config } = loadConfig({ SIGNUP: 'allowlist', SIGNUP_ALLOWLIST: 'a@b.co, *@corp.example' })
    assert.deepEqual(config.signupAllowlist, ['a@b.co', '*@corp.example'])
  })

  it('SPACE_CREATION is everyone (default) or admins, nothing else', () => {
    assert.equal(loadConfig({}).config.spaceCreation, 'everyone')
    assert.equal(loadConfig({ SPACE_CREATION: 'Admins' }).config.spaceCreation, 'admins')
    assert.throws(
      () => loadConfig({ SPACE_CREATION: 'nobody' }),
      /SPACE_CREATION: expected one of everyone, admins/,
    )
  })
})

describe('rate strings', () => {
  it('reads the seed forms', () => {
    assert.deepEqual(parseRate('10/minute'), { max: 10, windowMs: 60_000, text: '10/minute' })
    assert.equal(parseRate('5/second')?.windowMs, 1000)
    assert.equal(parseRate('100/hour')?.windowMs, 3_600_000)
    assert.equal(parseRate('1000/day')?.windowMs, 86_400_000)
    assert.equal(parseRate('10 per minute')?.max, 10)
  })
  it('rejects others', () => {
    for (const bad of ['', 'ten/minute', '0/minute', '10/fortnight', '10', '-1/second']) {
      assert.equal(parseRate(bad), null, bad)
    }
  })
})
