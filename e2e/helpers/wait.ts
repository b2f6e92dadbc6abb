import type { Locator, Page } from 'playwright-core'

/** Polls `check` until it returns a truthy value (returned) or the time is up (throws with `what`). */
export async function waitUntil<T>(
  what: string,
  check: () => Promise<T> | T,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const value = await check()
      if (value) return value
    } catch (error) {
      last = error
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

export async function visible(locator: Locator, timeout = 30_000): Promise<Locator> {
  await locator.waitFor({ state: 'visible', timeout })
  return locator
}

export async function gone(locator: Locator, timeout = 30_000): Promise<void> {
  await locator.waitFor({ state: 'detached', timeout })
}

/** Waits for a path (and optional query) on the page's URL. */
export async function atPath(page: Page, path: string | RegExp, timeout = 30_000): Promise<void> {
  await page.waitForURL(
    (url) => (typeof path === 'string' ? url.pathname === path : path.test(url.pathname + url.search)),
    {
      timeout,
    },
  )
}

let counter = 0

/** A unique address per call, so tests never collide on `email_taken`. */
export function uniqueEmail(prefix = 'user'): string {
  counter += 1
  return `${prefix}-${Date.now().toString(36)}-${counter}@example.com`
}

/** Not in any common-password list, and not derived from the email. */
export const GOOD_PASSWORD = 'violet-harbor-lantern-42'
