import { describe, expect, it } from 'vitest'
import { ApiError, apiErrorFrom, parseRetryAfter } from './api-error'
import { describeError, fieldName, formErrors, humanizeMessage } from './error-messages'

const headers = (init: Record<string, string> = {}) => new Headers(init)

describe('apiErrorFrom', () => {
  it('reads detail, code, errors and Retry-After', () => {
    const error = apiErrorFrom(
      429,
      headers({ 'Retry-After': '42' }),
      JSON.stringify({ detail: 'Rate limit exceeded. Please wait 42 seconds.', code: 'rate_limited' }),
    )
    expect(error).toMatchObject({ status: 429, code: 'rate_limited', retryAfter: 42, errors: [] })
  })

  it('survives a body that is not JSON', () => {
    const error = apiErrorFrom(502, headers(), '<html>Bad gateway</html>')
    expect(error).toMatchObject({ status: 502, code: 'upstream_error' })
    expect(error.detail).toContain('502')
  })

  it('keeps validation errors', () => {
    const body = {
      detail: 'Invalid body',
      code: 'validation_error',
      errors: [{ path: '/email', message: 'must be an email' }],
    }
    expect(apiErrorFrom(422, headers(), JSON.stringify(body)).errors).toEqual([
      { path: '/email', message: 'must be an email' },
    ])
  })
})

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('7')).toBe(7)
    expect(parseRetryAfter(null)).toBeNull()
    expect(parseRetryAfter('soon')).toBeNull()
    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30)
  })
})

describe('describeError', () => {
  it('says how long to wait on 429, from Retry-After or else from the detail', () => {
    const withHeader = new ApiError({ status: 429, code: 'rate_limited', detail: 'x', retryAfter: 12 })
    expect(describeError(withHeader)).toBe('Too many requests — try again in 12 s.')
    const fromDetail = new ApiError({
      status: 429,
      code: 'rate_limited',
      detail: 'Rate limit exceeded. Please wait 9 seconds.',
    })
    expect(describeError(fromDetail)).toBe('Too many requests — try again in 9 s.')
    expect(describeError(new ApiError({ status: 429, code: 'rate_limited', detail: '' }))).toContain(
      'a moment',
    )
  })

  it('words 401, 5xx and network failures', () => {
    expect(describeError(new ApiError({ status: 401, code: 'invalid_session', detail: 'x' }))).toMatch(
      /sign in again/,
    )
    expect(
      describeError(
        new ApiError({ status: 401, code: 'invalid_credentials', detail: 'Invalid email or password' }),
      ),
    ).toBe('Invalid email or password.')
    expect(describeError(new ApiError({ status: 500, code: 'internal_error', detail: 'x' }))).toMatch(
      /our side/,
    )
    expect(describeError(new ApiError({ status: 504, code: 'upstream_timeout', detail: 'x' }))).toMatch(
      /too long/,
    )
    expect(describeError(new TypeError('Failed to fetch'))).toMatch(/reach the server/)
    expect(describeError(new DOMException('aborted', 'AbortError'))).toBe('Stopped.')
  })

  it('words the email answers of docs/api.md §12 so a person knows what to do next', () => {
    expect(
      describeError(new ApiError({ status: 403, code: 'email_unverified', detail: 'Email not verified' })),
    ).toMatch(/verify your email address first.*Send again/)
    // A 503 for missing email is not "try again in a moment": it will not get better by waiting.
    const noMail = describeError(new ApiError({ status: 503, code: 'email_unavailable', detail: 'x' }))
    expect(noMail).toMatch(/not set up/)
    expect(noMail).not.toMatch(/moment/)
    expect(describeError(new ApiError({ status: 422, code: 'invalid_token', detail: 'x' }))).toMatch(
      /expired or was already used/,
    )
    // Other 403s keep the server's words.
    expect(describeError(new ApiError({ status: 403, code: 'forbidden', detail: 'Admins only' }))).toBe(
      'Admins only.',
    )
  })

  it('shows the server detail for other 4xx', () => {
    expect(
      describeError(new ApiError({ status: 404, code: 'not_found', detail: 'Conversation not found' })),
    ).toBe('Conversation not found.')
  })
})

describe('formErrors', () => {
  it('maps validation paths to fields', () => {
    expect(fieldName('/email')).toBe('email')
    expect(fieldName('body.password')).toBe('password')
    const error = new ApiError({
      status: 422,
      code: 'validation_error',
      detail: 'Invalid request',
      errors: [{ path: '/email', message: 'must look like an email address' }],
    })
    expect(formErrors(error)).toEqual({ fields: { email: 'Must look like an email address.' }, form: null })
  })

  it('puts known codes next to their field', () => {
    const weak = new ApiError({ status: 422, code: 'weak_password', detail: 'This password is too common' })
    expect(formErrors(weak).fields).toEqual({ password: 'This password is too common.' })
    expect(formErrors(weak, { password: 'new_password' }).fields).toEqual({
      new_password: 'This password is too common.',
    })
    const taken = new ApiError({ status: 409, code: 'email_taken', detail: 'Email already registered' })
    expect(formErrors(taken).fields).toEqual({ email: 'Email already registered.' })
    const current = new ApiError({ status: 422, code: 'invalid_current_password', detail: 'Wrong password' })
    expect(formErrors(current).fields).toEqual({ current_password: 'Wrong password.' })
  })

  it('shows the second sign-in step errors in words, never as a lost session (§13)', () => {
    const wrong = new ApiError({ status: 401, code: 'invalid_code', detail: 'Invalid or already used code' })
    expect(describeError(wrong)).toBe('Invalid or already used code.')
    expect(formErrors(wrong).fields).toEqual({ code: 'Invalid or already used code.' })
    const expired = new ApiError({ status: 401, code: 'invalid_challenge', detail: 'The challenge expired' })
    expect(describeError(expired)).toBe('The challenge expired.')
    const signedIn = new ApiError({
      status: 422,
      code: 'invalid_code',
      detail: 'Invalid or already used code',
    })
    expect(formErrors(signedIn).fields).toEqual({ code: 'Invalid or already used code.' })
  })

  it('keeps other errors at form level', () => {
    const bad = new ApiError({
      status: 401,
      code: 'invalid_credentials',
      detail: 'Invalid email or password',
    })
    expect(formErrors(bad)).toEqual({ fields: {}, form: 'Invalid email or password.' })
  })
})

describe('humanizeMessage', () => {
  it('rewrites validator phrasing', () => {
    expect(humanizeMessage('must NOT have fewer than 8 characters')).toBe('Must be at least 8 characters.')
    expect(humanizeMessage('must NOT have more than 256 characters')).toBe('Must be at most 256 characters.')
    expect(humanizeMessage('must match format "email"')).toBe('Enter a valid email address.')
    expect(humanizeMessage("must have required property 'email'")).toBe('Required.')
    expect(humanizeMessage('Password is too common')).toBe('Password is too common.')
  })

  it('says an empty field is required, not "at least 1 characters"', () => {
    expect(humanizeMessage('must NOT have fewer than 1 characters')).toBe('Required.')
    expect(humanizeMessage('must NOT have more than 1 characters')).toBe('Must be at most 1 character.')
  })
})

describe('describeError on a server without PUBLIC_URL', () => {
  it('says what is missing instead of "try again in a moment"', () => {
    const error = apiErrorFrom(
      503,
      headers(),
      JSON.stringify({
        detail: 'PUBLIC_URL is not set: links are built from it, never from the request',
        code: 'service_unavailable',
      }),
    )
    const message = describeError(error)
    expect(message).toContain('PUBLIC_URL')
    expect(message).not.toMatch(/try again/i)
    expect(formErrors(error).form).toBe(message)
  })

  it('keeps the plain 503 sentence for anything else', () => {
    const error = apiErrorFrom(
      503,
      headers(),
      JSON.stringify({ detail: 'Database down', code: 'service_unavailable' }),
    )
    expect(describeError(error)).toBe('The service is temporarily unavailable. Please try again in a moment.')
  })
})
