/** Small display helpers (pure, unit-tested). */

/** "Chrome on Linux" from a User-Agent string; good enough to tell your devices apart. */
export function describeUserAgent(ua: string | null | undefined): string {
  if (!ua) return 'Unknown device'
  const browser = [
    [/Edg\//, 'Edge'],
    [/OPR\/|Opera/, 'Opera'],
    [/Firefox\//, 'Firefox'],
    [/HeadlessChrome\//, 'Headless Chrome'],
    [/Chrome\/|Chromium\//, 'Chrome'],
    [/Safari\//, 'Safari'],
    [/curl\//i, 'curl'],
  ].find(([re]) => (re as RegExp).test(ua))?.[1] as string | undefined
  const os = [
    [/Android/, 'Android'],
    [/iPhone|iPad|iPod/, 'iOS'],
    [/Windows/, 'Windows'],
    [/Mac OS X|Macintosh/, 'macOS'],
    [/CrOS/, 'ChromeOS'],
    [/Linux/, 'Linux'],
  ].find(([re]) => (re as RegExp).test(ua))?.[1] as string | undefined
  if (browser && os) return `${browser} on ${os}`
  return browser ?? os ?? ua.slice(0, 60)
}

/** "just now", "5 minutes ago", "3 days ago" — or the date when older than a month. */
export function timeAgo(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'never'
  const then = Date.parse(iso)
  if (Number.isNaN(then)) return 'unknown'
  const seconds = Math.round((now - then) / 1000)
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'} ago`
  if (seconds < 60) return 'just now'
  if (seconds < 3600) return plural(Math.floor(seconds / 60), 'minute')
  if (seconds < 86400) return plural(Math.floor(seconds / 3600), 'hour')
  if (seconds < 30 * 86400) return plural(Math.floor(seconds / 86400), 'day')
  return new Date(then).toLocaleDateString()
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return ''
  const date = new Date(iso)
  return Number.isNaN(date.getTime())
    ? ''
    : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
}
