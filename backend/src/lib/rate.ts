// Rate strings as in the seed (slowapi): "N/second", "N/minute", "N/hour", "N/day".

/**
 * The bucket every unauthenticated POST under /api/auth/ counts in (RATE_LIMIT_AUTH is one budget
 * per client for all of them, §3): the limiter's default for those routes, and what an auth route
 * naming its own limit names (here, as the auth routes do not import the limiter).
 */
export const AUTH_RATE_BUCKET = 'auth'
export interface Rate {
  max: number
  windowMs: number
  text: string
}

const UNITS: Record<string, number> = {
  second: 1000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
}

export function parseRate(text: string): Rate | null {
  const m = /^\s*(\d+)\s*(?:\/|per)\s*(second|minute|hour|day)s?\s*$/i.exec(text)
  if (!m) return null
  const max = Number(m[1])
  const unit = UNITS[(m[2] as string).toLowerCase()]
  if (!Number.isSafeInteger(max) || max < 1 || unit === undefined) return null
  return { max, windowMs: unit, text: `${max}/${(m[2] as string).toLowerCase()}` }
}
