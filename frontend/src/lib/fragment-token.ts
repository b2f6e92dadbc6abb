/**
 * Emailed and handed-out links carry their one-time token in the URL fragment
 * (`/reset-password#token=…`, docs/api.md §12), which browsers never send to a server, so it
 * reaches no access log. The page reads it here, drops it from the address bar and history,
 * and posts it to the API in a JSON body — never as a query string.
 */

/** Longer than any token the server makes (32 bytes, base64url: 43 characters). */
const MAX_TOKEN_LENGTH = 512

/**
 * The `token` parameter of a fragment such as `#token=abc` or `#token=abc&x=1`, or null when
 * there is none, it is empty, too long, or not text a link could carry.
 * Decoded by hand rather than with URLSearchParams, which would turn a `+` into a space.
 */
export function parseFragmentToken(hash: string): string | null {
  const fragment = hash.startsWith('#') ? hash.slice(1) : hash
  for (const part of fragment.split('&')) {
    const eq = part.indexOf('=')
    if (eq === -1 || part.slice(0, eq) !== 'token') continue
    let value: string
    try {
      value = decodeURIComponent(part.slice(eq + 1)).trim()
    } catch {
      return null
    }
    if (!value || value.length > MAX_TOKEN_LENGTH || !/^[\x21-\x7e]+$/.test(value)) return null
    return value
  }
  return null
}

/** The same location without its fragment (what the address bar shows once the token is read). */
export function withoutFragment(location: { pathname: string; search: string }): string {
  return `${location.pathname}${location.search}`
}
