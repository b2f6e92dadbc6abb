import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
]

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  })
}

/** Everything a page complained about: console errors, uncaught exceptions, CSP violations. */
export interface Problems {
  console: string[]
  pageErrors: string[]
  csp: string[]
}

export interface Session {
  context: BrowserContext
  page: Page
  problems: Problems
  /** Problems except those matching `allowed` (e.g. the 401 a wrong password must produce). */
  unexpected(allowed?: RegExp[]): string[]
  close(): Promise<void>
}

declare global {
  interface Window {
    __e2eReportCsp?: (violation: string) => void
  }
}

/**
 * A fresh browser context (own cookies and storage) with one page that records problems.
 * CSP violations are caught twice: as console errors ("Refused to …") and via the
 * `securitypolicyviolation` event, reported through a binding (bindings are not subject to CSP).
 */
export async function openSession(
  browser: Browser,
  baseURL: string,
  options: { viewport?: { width: number; height: number } } = {},
): Promise<Session> {
  const context = await browser.newContext({
    baseURL,
    viewport: options.viewport ?? { width: 1280, height: 800 },
  })
  const problems: Problems = { console: [], pageErrors: [], csp: [] }
  await context.exposeFunction('__e2eReportCsp', (violation: string) => {
    problems.csp.push(violation)
  })
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      window.__e2eReportCsp?.(
        `${event.violatedDirective} blocked ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber})`,
      )
    })
  })
  const page = await context.newPage()
  page.on('console', (message) => {
    if (message.type() === 'error') problems.console.push(`${message.text()} @ ${message.location().url}`)
  })
  page.on('pageerror', (error) => problems.pageErrors.push(String(error)))
  const unexpected = (allowed: RegExp[] = []) =>
    [...problems.console, ...problems.pageErrors, ...problems.csp.map((v) => `CSP: ${v}`)].filter(
      (line) => !allowed.some((re) => re.test(line)),
    )
  return { context, page, problems, unexpected, close: () => context.close() }
}

/** The console line Chromium prints for an HTTP error response (here: ones a test provokes on purpose). */
export function failedResource(status: number): RegExp {
  return new RegExp(`Failed to load resource: the server responded with a status of ${status}`)
}
