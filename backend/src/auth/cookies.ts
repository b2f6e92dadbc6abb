import type { CookieSerializeOptions } from '@fastify/cookie'
import type { Config } from '../config.js'

export const SESSION_COOKIE = 'session_token'

function cookieOptions(config: Config, maxAge: number): CookieSerializeOptions {
  return {
    path: '/',
    httpOnly: true,
    sameSite: config.cookieSameSite,
    secure: config.cookieSecure,
    ...(config.cookiePartitioned ? { partitioned: true } : {}),
    maxAge,
  }
}

/** Cookie attributes for a session that expires at `expiresAt` (Max-Age in step with it). */
export function sessionCookieOptions(config: Config, expiresAt: Date, now: number): CookieSerializeOptions {
  return cookieOptions(config, Math.max(0, Math.floor((expiresAt.getTime() - now) / 1000)))
}

/** The same cookie with Max-Age=0: sign-out clears it. */
export function clearedCookieOptions(config: Config): CookieSerializeOptions {
  return cookieOptions(config, 0)
}
