/**
 * Whether `href` is a path of this app that the router may handle: a `/` followed by a letter or
 * digit. Browsers read `/\evil.example` and `/%09/evil.example` (a tab is dropped from URLs) as
 * `//evil.example`, another site; anything that is not plainly one of ours is treated as outside.
 */
export function isInAppPath(href: string | null | undefined): href is string {
  return typeof href === 'string' && /^\/[A-Za-z0-9]/.test(href)
}

/** What the server answers itself, not the app: its APIs, health check and API docs (§9). */
const SERVER_PATH = /^\/(?:api|v1|health|docs|openapi\.json)(?:[/;.]|$)/i

/**
 * Whether `href` (a path, with or without query) names one of the server's own routes, however
 * it is spelled: the browser resolves `..` and `\`, and the server reads `/%61pi/…` as `/api/…`
 * and may do so twice over, so the path is compared as the server would read it. A path that
 * cannot be decoded is not one of ours either.
 */
export function isServerPath(href: string): boolean {
  let path: string
  try {
    path = new URL(href, 'http://app.invalid').pathname
  } catch {
    return true
  }
  for (let i = 0; i < 5; i += 1) {
    let decoded: string
    try {
      decoded = decodeURIComponent(path)
    } catch {
      return true
    }
    if (decoded === path) break
    path = new URL(decoded, 'http://app.invalid').pathname
  }
  return SERVER_PATH.test(path)
}
