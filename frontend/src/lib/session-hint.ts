import { isInAppPath, isServerPath } from './in-app-path'

/**
 * A non-secret hint about whether this browser is signed in. The session cookie is HttpOnly,
 * so the UI cannot see it; asking `GET /api/auth/me` when we already know the answer is "no"
 * would only produce a 401 (and a red line in the console) on every visit to /sign-in.
 *
 * - `in`: we signed in here; check with /me.
 * - `out`: we signed out here; skip /me and go straight to /sign-in.
 * - `expired`: the server told us the session ended; like `out`, and the sign-in page says so.
 * - `unknown` (nothing stored): treated as signed out, without asking. A session this browser
 *   holds without the hint (storage cleared, or made through /docs) costs one more sign-in.
 */
export type SessionHint = 'in' | 'out' | 'expired' | 'unknown'

const KEY = 'rag-auth:session-hint'

export function readSessionHint(): SessionHint {
  try {
    const value = window.localStorage.getItem(KEY)
    return value === 'in' || value === 'out' || value === 'expired' ? value : 'unknown'
  } catch {
    return 'unknown' // storage blocked (e.g. third-party iframe): always ask the server
  }
}

export function writeSessionHint(hint: Exclude<SessionHint, 'unknown'>): void {
  try {
    window.localStorage.setItem(KEY, hint)
  } catch {
    // storage blocked: the UI still works, it just asks /me more often
  }
}

/**
 * Only this app's pages (see isInAppPath), never the server's own routes (an API answer is raw
 * JSON, not a page) nor back to the auth pages themselves.
 */
export function safeNextPath(next: string | null | undefined): string {
  if (!isInAppPath(next) || isServerPath(next)) return '/chat'
  if (/^\/sign-(in|up)(?:[/?#]|$)/.test(next)) return '/chat'
  return next
}
