import type { Page } from 'playwright-core'

/** What has keyboard focus, as a short description ("BODY", "TEXTAREA Message", "H2 API keys", …). */
export function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement
    if (!el || el === document.body) return 'BODY'
    const label = el.getAttribute('aria-label') ?? el.textContent ?? ''
    const labelled = el.id ? (document.querySelector(`label[for="${el.id}"]`)?.textContent ?? '') : ''
    return `${el.tagName} ${(labelled || label).trim()}`
  })
}
