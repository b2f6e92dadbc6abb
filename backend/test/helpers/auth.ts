// Small helpers for driving the /api/auth routes through inject().
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'

export const PASSWORD = 'violet-harbor-lantern-42'

export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 10)}@example.com`
}

export function register(
  app: FastifyInstance,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url: '/api/auth/register', payload: body, headers })
}

export function signIn(
  app: FastifyInstance,
  email: string,
  password: string,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { email, password }, headers })
}

/** Registers a fresh user and returns its token (from the body) and email. */
export async function newUser(
  app: FastifyInstance,
  email = uniqueEmail(),
  password = PASSWORD,
  headers: Record<string, string> = {},
): Promise<{ email: string; token: string; userId: string }> {
  const res = await register(app, { email, password }, headers)
  if (res.statusCode !== 201) throw new Error(`register failed: ${res.statusCode} ${res.body}`)
  const body = JSON.parse(res.body) as { user: { id: string }; session: { token: string } }
  return { email, token: body.session.token, userId: body.user.id }
}

/** The raw Set-Cookie header for session_token, or undefined. */
export function sessionSetCookie(res: LightMyRequestResponse): string | undefined {
  const raw = res.headers['set-cookie']
  const all = Array.isArray(raw) ? raw : raw ? [raw] : []
  return all.find((c) => c.startsWith('session_token='))
}

/** Attributes of a Set-Cookie header, lower-cased names: {value, path, max-age, ...}. */
export function cookieAttributes(header: string): Record<string, string | true> {
  const [pair, ...attrs] = header.split(';').map((s) => s.trim())
  const out: Record<string, string | true> = { value: (pair ?? '').slice((pair ?? '').indexOf('=') + 1) }
  for (const a of attrs) {
    const i = a.indexOf('=')
    if (i < 0) out[a.toLowerCase()] = true
    else out[a.slice(0, i).toLowerCase()] = a.slice(i + 1)
  }
  return out
}

export const cookieHeader = (token: string) => ({ cookie: `session_token=${token}` })
export const bearerHeader = (token: string) => ({ authorization: `Bearer ${token}` })
