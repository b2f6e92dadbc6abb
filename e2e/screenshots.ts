/**
 * Saves screenshots of the main pages to docs/screenshots/*.png, against a real server
 * started with the demo corpus. Run: `node --import tsx e2e/screenshots.ts`
 * (after `npm run build`; Chromium at /usr/bin/chromium).
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { launchBrowser, openSession } from './helpers/browser'
import { REPO_ROOT, startServer } from './helpers/server'
import { atPath, visible, waitUntil } from './helpers/wait'
import { AccountPage } from './pages/account-page'
import { AdminDocumentsPage } from './pages/admin-documents-page'
import { SignInPage } from './pages/auth-pages'
import { ChatPage } from './pages/chat-page'
import { DocumentPage } from './pages/document-page'

const OUT = join(REPO_ROOT, 'docs', 'screenshots')
const ADMIN = 'ada@example.com'
const PASSWORD = 'violet-harbor-lantern-42'

async function main() {
  await mkdir(OUT, { recursive: true })
  const server = await startServer({ adminEmails: [ADMIN] })
  const browser = await launchBrowser()
  try {
    const { page } = await openSession(browser, server.baseURL)
    const shot = async (name: string) => {
      await page.waitForLoadState('networkidle')
      await page.locator('.loading').waitFor({ state: 'detached' })
      await page.screenshot({ path: join(OUT, `${name}.png`) })
      process.stdout.write(`saved docs/screenshots/${name}.png\n`)
    }

    const signIn = new SignInPage(page)
    await signIn.goto()
    await shot('sign-in')

    // The server made the admin account at start (ADMIN_PASSWORD).
    await signIn.goto()
    await signIn.signIn(ADMIN, PASSWORD)
    await atPath(page, '/chat')
    const chat = new ChatPage(page)
    await visible(page.getByRole('heading', { name: 'What would you like to know?' }))
    await shot('chat-empty')

    await chat.ask('How do I deploy this to Hugging Face Spaces?')
    const answer = await chat.waitForAnswer()
    await visible(chat.citations(answer).first())
    await shot('chat-cited-answer')

    await chat.citations(answer).first().click()
    await visible(new DocumentPage(page).citedPassage)
    await shot('document-highlight')

    // A second session, so the account page has something to revoke.
    const other = await openSession(browser, server.baseURL)
    const otherSignIn = new SignInPage(other.page)
    await otherSignIn.goto()
    await otherSignIn.signIn(ADMIN, PASSWORD)
    await atPath(other.page, '/chat')
    const account = new AccountPage(page)
    await account.goto()
    await waitUntil('two sessions', async () => (await account.sessions.count()) === 2)
    await shot('account')

    const admin = new AdminDocumentsPage(page)
    await admin.goto()
    await visible(page.locator('.document-list li').first())
    await shot('admin-documents')

    // Phone-sized chat.
    const phone = await openSession(browser, server.baseURL, { viewport: { width: 390, height: 844 } })
    const phoneSignIn = new SignInPage(phone.page)
    await phoneSignIn.goto()
    await phoneSignIn.signIn(ADMIN, PASSWORD)
    await atPath(phone.page, '/chat')
    const phoneChat = new ChatPage(phone.page)
    await phoneChat.ask('How are passwords stored?')
    await phoneChat.waitForAnswer()
    await phone.page.waitForLoadState('networkidle')
    await phone.page.screenshot({ path: join(OUT, 'chat-phone.png') })
    process.stdout.write('saved docs/screenshots/chat-phone.png\n')
  } finally {
    await browser.close()
    await server.stop()
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exit(1)
})
