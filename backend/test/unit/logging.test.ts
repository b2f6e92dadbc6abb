// Log lines: secrets censored wherever they sit in a logged object, one access line per request.
import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { describe, it } from 'node:test'
import Fastify from 'fastify'
import { testConfig } from '../../src/config.js'
import errorHandler from '../../src/http/error-handler.js'
import { AccessLog, accessLine, genReqId, loggerOptions, redactSecrets } from '../../src/http/logging.js'

function memoryLogger() {
  const lines: Record<string, unknown>[] = []
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>)
      cb()
    },
  })
  const options = { ...(loggerOptions(testConfig({ LOG_LEVEL: 'info' }), false) as object), stream }
  return { lines, options }
}

describe('redactSecrets', () => {
  it('censors secret-named values at the top and two levels down, case-insensitively', () => {
    const input = {
      password: 'hunter2',
      body: { email: 'a@example.com', new_password: 'n3w', current_password: 'old' },
      headers: { Cookie: 'session_token=abc', authorization: 'Bearer xyz', accept: 'text/html' },
      req: { headers: { 'set-cookie': ['session_token=abc'] } },
      provider: { apiKey: 'sk-1', API_KEY: 'sk-2', model: 'm' },
      list: [{ token: 't1' }, { ok: 1 }],
      deep: { a: { b: { password: 'beyond the third level' } } },
      empty: { password: null },
    }
    const out = redactSecrets(input)
    assert.equal(out.password, '[REDACTED]')
    assert.deepEqual(out.body, {
      email: 'a@example.com',
      new_password: '[REDACTED]',
      current_password: '[REDACTED]',
    })
    assert.deepEqual(out.headers, { Cookie: '[REDACTED]', authorization: '[REDACTED]', accept: 'text/html' })
    assert.deepEqual(out.req, { headers: { 'set-cookie': '[REDACTED]' } })
    assert.deepEqual(out.provider, { apiKey: '[REDACTED]', API_KEY: '[REDACTED]', model: 'm' })
    assert.deepEqual(out.list, [{ token: '[REDACTED]' }, { ok: 1 }])
    assert.deepEqual(out.deep, input.deep, 'walks three levels, no more')
    assert.deepEqual(out.empty, { password: null })
    // The caller's object is untouched: the log copies what it censors.
    assert.equal(input.password, 'hunter2')
    assert.equal(input.body.new_password, 'n3w')
    assert.equal(input.headers.Cookie, 'session_token=abc')
  })

  it('returns the same object when there is nothing to censor, and skips class instances', () => {
    const plain = { event: 'auth.sign_in', user_id: 'u1', nested: { ip: '127.0.0.1' } }
    assert.equal(redactSecrets(plain), plain)
    class Request {
      password = 'left to its serializer'
    }
    const withInstance = { req: new Request() }
    assert.equal(redactSecrets(withInstance), withInstance)
  })

  it('keeps secrets out of the JSON a configured logger writes', () => {
    const { lines, options } = memoryLogger()
    const app = Fastify({ logger: options })
    app.log.info({ body: { password: 'hunter2' }, headers: { cookie: 'session_token=abc' } }, 'oops')
    app.log.warn({ password: 'top-level-secret', token: 'tok' }, 'worse')
    const text = JSON.stringify(lines)
    for (const secret of ['hunter2', 'session_token=abc', 'top-level-secret', '"tok"'])
      assert.ok(!text.includes(secret), `${secret} leaked: ${text}`)
    assert.equal(lines.length, 2)
  })
})

describe('errors in log lines', () => {
  /** An error as HTTP clients and drivers make them: secrets on fields, deep, in a cause, in text. */
  function leakyError() {
    const cause = Object.assign(new Error('connect to postgres://app:db-pass-1@db.internal/x failed'), {
      password: 'cause-secret-2',
    })
    return Object.assign(
      new Error('upstream refused {"password":"body-secret-3"} with Authorization: Bearer tok-secret-4', {
        cause,
      }),
      {
        request: { headers: { authorization: 'Bearer hdr-secret-5', cookie: 'session_token=ck-secret-6' } },
        config: { data: { nested: { deeper: { password: 'deep-secret-7' } } } },
        parameters: ['param-secret-8'],
        socket: new (class Socket {
          _header = 'POST / HTTP/1.1\r\nAuthorization: Bearer raw-secret-9'
        })(),
        attempt: 2,
      },
    )
  }
  const SECRETS = [
    'db-pass-1',
    'cause-secret-2',
    'body-secret-3',
    'tok-secret-4',
    'hdr-secret-5',
    'ck-secret-6',
    'deep-secret-7',
    'param-secret-8',
    'raw-secret-9',
  ]

  it("censors a failed query's values, in its message and on its fields, and keeps the statement", () => {
    const { lines, options } = memoryLogger()
    const app = Fastify({ logger: options })
    const failed = Object.assign(
      new Error(
        'Failed query: select * from users where email = $1 and token_hash = $2\nparams: ada@example.com,9f86d08',
      ),
      { query: 'select * from users where email = $1', params: ['ada@example.com', '9f86d08'] },
    )
    app.log.error({ err: new Error('sign-in failed', { cause: failed }) }, 'sign-in failed')
    app.log.error(failed)
    const text = JSON.stringify(lines)
    assert.ok(!text.includes('ada@example.com'), text)
    assert.ok(!text.includes('9f86d08'), text)
    assert.match(text, /Failed query: select \* from users where email = \$1/)
    assert.match(text, /params: \[REDACTED\]/)
  })

  it('censors secrets inside serialized errors, however they are logged', () => {
    const { lines, options } = memoryLogger()
    const app = Fastify({ logger: options })
    app.log.error({ err: leakyError() }, 'request failed')
    app.log.error(leakyError())
    app.log.warn({ event: 'provider.failed', error: leakyError() }, 'as another key')
    app.log.warn({ nested: { err: leakyError() } }, 'one level down')
    assert.equal(lines.length, 4)
    const text = JSON.stringify(lines)
    for (const secret of SECRETS) assert.ok(!text.includes(secret), `${secret} leaked: ${text}`)
    // What helps debugging stays: type, the message's shape, the stack, harmless fields.
    const err = lines[0]?.err as Record<string, unknown>
    assert.equal(err.type, 'Error')
    assert.match(
      String(err.message),
      /^upstream refused .*Bearer \[REDACTED\]: connect to postgres:\/\/app:\[REDACTED\]@db\.internal/,
    )
    assert.match(String(err.stack), /at /)
    assert.equal(err.attempt, 2)
    assert.equal(err.socket, '[Socket]')
    assert.match(String((lines[2]?.error as Record<string, unknown>)?.message), /^upstream refused/)
  })

  it('censors errors a route throws, in the lines the server writes (ours and Fastify’s own handler)', async () => {
    for (const ours of [true, false]) {
      const { lines, options } = memoryLogger()
      const app = Fastify({ logger: options, ...(ours ? { logController: new AccessLog() } : {}) })
      if (ours) await app.register(errorHandler)
      app.get('/boom', async () => {
        throw leakyError()
      })
      const res = await app.inject({ url: '/boom' })
      assert.equal(res.statusCode, 500)
      const text = JSON.stringify(lines)
      assert.ok(
        lines.some((l) => l.err),
        text,
      )
      for (const secret of SECRETS) assert.ok(!text.includes(secret), `${secret} leaked: ${text}`)
    }
  })
})

describe('AccessLog', () => {
  it('writes one line per request when it completes: id, method, path without query, ip, status, time', async () => {
    const { lines, options } = memoryLogger()
    const app = Fastify({ logger: options, logController: new AccessLog(), genReqId, requestIdHeader: false })
    app.get('/thing', async () => ({ ok: true }))
    app.get('/boom', async () => {
      throw new Error('kaput')
    })
    const res = await app.inject({
      url: '/thing?q=private+question',
      headers: {
        'x-request-id': 'abc-123',
        cookie: 'session_token=secret-cookie',
        authorization: 'Bearer secret-bearer',
      },
    })
    assert.equal(res.statusCode, 200)
    const requestLines = lines.filter((l) => l.reqId === 'abc-123')
    assert.equal(requestLines.length, 1, JSON.stringify(requestLines))
    const [line] = requestLines as [Record<string, unknown>]
    assert.equal(line.msg, 'request completed')
    assert.deepEqual(line.req, { method: 'GET', url: '/thing', ip: '127.0.0.1' })
    assert.deepEqual(line.res, { statusCode: 200 })
    assert.equal(typeof line.responseTime, 'number')
    assert.ok(!lines.some((l) => l.msg === 'incoming request'))
    const text = JSON.stringify(lines)
    for (const secret of ['secret-cookie', 'secret-bearer', 'private'])
      assert.ok(!text.includes(secret), `${secret} leaked`)

    // Errors keep Fastify's own error line as well as the completion line.
    const boom = await app.inject({ url: '/boom', headers: { 'x-request-id': 'boom-1' } })
    assert.equal(boom.statusCode, 500)
    const boomLines = lines.filter((l) => l.reqId === 'boom-1')
    assert.ok(boomLines.some((l) => l.level === 50 && (l.err as { message?: string })?.message === 'kaput'))
    assert.ok(
      boomLines.some(
        (l) => l.msg === 'request completed' && (l.res as { statusCode: number }).statusCode === 500,
      ),
    )
    await app.close()
  })

  it('builds the same access line pino would write for the same request', async () => {
    const { lines, options } = memoryLogger()
    const app = Fastify({ logger: options, genReqId, requestIdHeader: false })
    let fast: string | null = null
    app.addHook('onResponse', (request, reply, done) => {
      fast = accessLine(reply.log, request, reply)
      reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed')
      done()
    })
    app.get('/odd/:name', async () => ({ ok: true }))
    const res = await app.inject({
      url: '/odd/%22quoted%22%5Cbacké?secret=1',
      headers: { 'x-request-id': 'same-1' },
    })
    assert.equal(res.statusCode, 200)
    const fromPino = lines.find((l) => l.reqId === 'same-1' && l.msg === 'request completed')
    assert.ok(fromPino && fast !== null)
    assert.ok((fast as string).endsWith('}\n'))
    const ours = JSON.parse(fast as string) as Record<string, unknown>
    assert.equal(typeof ours.time, 'number')
    assert.equal(typeof ours.responseTime, 'number')
    const stable = (l: Record<string, unknown>) => ({ ...l, time: 0, responseTime: 0 })
    assert.deepEqual(stable(ours), stable(fromPino))
    assert.deepEqual(Object.keys(ours), Object.keys(fromPino), 'same fields in the same order')
    await app.close()
  })

  it('leaves the line to pino when info is off', async () => {
    const { options } = memoryLogger()
    const app = Fastify({ logger: { ...options, level: 'warn' } })
    let fast: string | null = 'unset'
    app.addHook('onResponse', (request, reply, done) => {
      fast = accessLine(reply.log, request, reply)
      done()
    })
    app.get('/x', async () => ({ ok: true }))
    await app.inject({ url: '/x' })
    assert.equal(fast, null)
    await app.close()
  })
})
