import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Page } from 'playwright-core'

const require = createRequire(import.meta.url)
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')
const WCAG21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']

interface AxeViolation {
  id: string
  impact: string | null
  help: string
  nodes: Array<{ target: string[]; failureSummary?: string }>
}

/**
 * axe-core's WCAG 2.1 A/AA rules on the page as it is, as "rule: selector" lines (empty: passes).
 * Injected with evaluate (DevTools protocol), which the page's CSP does not govern.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE)
  const violations = (await page.evaluate(
    (tags) =>
      (
        window as unknown as { axe: { run(ctx: Document, o: unknown): Promise<{ violations: unknown[] }> } }
      ).axe
        .run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })
        .then((r) => r.violations),
    WCAG21_AA,
  )) as AxeViolation[]
  return violations.flatMap((v) =>
    v.nodes.map((n) => {
      const why = (n.failureSummary ?? '').replace(/\s+/g, ' ').slice(0, 240)
      return `${v.id} (${v.impact}): ${v.help} — ${n.target.join(' ')}: ${why}`
    }),
  )
}

/** Runs axe in light and in dark mode; each problem line says which. */
export async function axeInBothSchemes(page: Page): Promise<string[]> {
  const out: string[] = []
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme })
    out.push(...(await axeViolations(page)).map((line) => `[${colorScheme}] ${line}`))
  }
  await page.emulateMedia({ colorScheme: 'light' })
  return out
}
