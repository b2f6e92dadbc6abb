/**
 * Whether `href` is a path of this app that the router may handle: a `/` followed by a letter or
 * digit. Browsers read `/\evil.example` and `/%09/evil.example` (a tab is dropped from URLs) as
 * `//evil.example`, another site; anything that is not plainly one of ours is treated as outside.
 */
export function isInAppPath(href: string | null | undefined): href is string {
  return typeof href === 'string' && /^\/[A-Za-z0-9]/.test(href)
}
