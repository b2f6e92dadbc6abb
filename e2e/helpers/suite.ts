import { after, before } from 'node:test'
import type { Browser } from 'playwright-core'
import { SignInPage, SignUpPage } from '../pages/auth-pages'
import { launchBrowser, openSession, type Session } from './browser'
import { type StartOptions, startServer, type TestServer } from './server'
import { atPath, GOOD_PASSWORD } from './wait'

export interface Suite {
  readonly server: TestServer
  readonly browser: Browser
  /** A new, isolated browser context (own cookies) on the suite's server. */
  session(options?: { viewport?: { width: number; height: number } }): Promise<Session>
}

/** One server and one browser per test file (PGlite start-up costs seconds); contexts per test. */
export function setupSuite(options: StartOptions = {}): Suite {
  let server: TestServer | undefined
  let browser: Browser | undefined
  const sessions: Session[] = []
  before(async () => {
    server = await startServer(options)
    browser = await launchBrowser()
  })
  after(async () => {
    await Promise.allSettled(sessions.map((s) => s.close()))
    await browser?.close()
    await server?.stop()
  })
  const suite: Suite = {
    get server() {
      if (!server) throw new Error('server not started')
      return server
    },
    get browser() {
      if (!browser) throw new Error('browser not started')
      return browser
    },
    async session(sessionOptions) {
      const s = await openSession(suite.browser, suite.server.baseURL, sessionOptions)
      sessions.push(s)
      return s
    },
  }
  return suite
}

/** Registers through the API (no browser), as a script would: no Origin header, so no CSRF check applies. */
export async function registerViaApi(
  baseURL: string,
  input: { email: string; password: string; name?: string },
) {
  const response = await fetch(`${baseURL}/api/auth/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(input),
  })
  if (response.status !== 201) throw new Error(`register failed: ${response.status} ${await response.text()}`)
}

/** A new browser session that signs up through the UI with `email` and lands on /chat. */
export async function signedUp(
  suite: Suite,
  email: string,
  viewport?: { width: number; height: number },
): Promise<Session> {
  const s = await suite.session(viewport ? { viewport } : {})
  const signUp = new SignUpPage(s.page)
  await signUp.goto()
  await signUp.signUp({ email, password: GOOD_PASSWORD })
  await atPath(s.page, '/chat')
  return s
}

/**
 * A new browser session signed in through the UI as an existing account (e.g. an ADMIN_EMAILS
 * address made at start by ADMIN_PASSWORD: such an address only counts once verified).
 */
export async function signedIn(suite: Suite, email: string): Promise<Session> {
  const s = await suite.session()
  const signIn = new SignInPage(s.page)
  await signIn.goto()
  await signIn.signIn(email, GOOD_PASSWORD)
  await atPath(s.page, '/chat')
  return s
}
