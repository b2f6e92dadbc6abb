import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { axeInBothSchemes } from './helpers/axe'
import { failedResource } from './helpers/browser'
import { linkIn, SmtpInbox } from './helpers/smtp-inbox'
import { registerViaApi, setupSuite } from './helpers/suite'
import { atPath, GOOD_PASSWORD, uniqueEmail, visible, waitUntil } from './helpers/wait'
import { SignInPage } from './pages/auth-pages'
import { ForgotPasswordPage, ResetPasswordPage } from './pages/recovery-pages'

const ADMIN = 'email-admin@example.com'
/** Where emailed links point (a proxy's address in real life); the test opens their path and fragment here. */
const PUBLIC_URL = 'https://docs.example.org'
const NEW_PASSWORD = 'copper-meadow-whistle-77'

/** The same page and fragment on the test server (PUBLIC_URL is not this server's address). */
function onTestServer(link: string): string {
  const url = new URL(link)
  return `${url.pathname}${url.hash}`
}

describe('email: password reset, verification and change of email through a real SMTP server', () => {
  const inbox = new SmtpInbox()
  const env: Record<string, string> = {
    PUBLIC_URL,
    EMAIL_VERIFICATION: 'required',
    MAIL_FROM: 'rag-auth <no-reply@example.org>',
  }
  // Runs before setupSuite's hook (registration order), so the server starts with SMTP_URL.
  before(async () => {
    await inbox.start()
    env.SMTP_URL = inbox.url
  })
  after(() => inbox.stop())
  const suite = setupSuite({ adminEmails: [ADMIN], env })

  test('forgot password → the mail → its link → a new password → signed in with it; the used link is explained', {
    timeout: 120_000,
  }, async () => {
    const email = uniqueEmail('forgot')
    await registerViaApi(suite.server.baseURL, { email, password: GOOD_PASSWORD })
    const s = await suite.session()
    const { page } = s
    const signIn = new SignInPage(page)
    await signIn.goto()
    await page.getByRole('link', { name: 'Forgot password?', exact: true }).click()
    await atPath(page, '/forgot-password')
    const forgot = new ForgotPasswordPage(page)
    await visible(forgot.submit)
    assert.deepEqual(await axeInBothSchemes(page), [])

    // An address without an account gets the same neutral answer, and no mail.
    const nobody = uniqueEmail('nobody')
    await forgot.request(nobody)
    await visible(forgot.sent().filter({ hasText: nobody }))
    await forgot.request(email)
    await visible(forgot.sent().filter({ hasText: email }))

    const mail = await inbox.waitFor(email, 'Reset your password')
    const link = linkIn(mail, 'reset-password')
    assert.ok(link.startsWith(`${PUBLIC_URL}/reset-password#token=`), link)
    assert.equal(inbox.to(nobody).length, 0)

    await page.goto(onTestServer(link))
    const reset = new ResetPasswordPage(page)
    await visible(reset.submit)
    // The token left the address bar (and so the history) once the page had read it.
    await waitUntil('the fragment to be dropped', () => new URL(page.url()).hash === '')
    assert.equal(new URL(page.url()).pathname, '/reset-password')
    assert.deepEqual(await axeInBothSchemes(page), [])
    await reset.setPassword(NEW_PASSWORD)
    await atPath(page, '/sign-in')
    await visible(page.getByRole('status').filter({ hasText: 'Your new password is set' }))

    // The old password is gone; the new one signs in.
    await signIn.signIn(email, GOOD_PASSWORD)
    await visible(signIn.alerts().filter({ hasText: 'Invalid email or password' }))
    await signIn.password.fill(NEW_PASSWORD)
    await signIn.submit.click()
    await atPath(page, '/chat')
    // The emailed link proved the address: no verification banner.
    await visible(page.getByRole('button', { name: 'New chat', exact: true }))
    assert.equal(await page.getByRole('heading', { name: 'Verify your email address' }).count(), 0)
    await inbox.waitFor(email, 'Your password was reset')

    // The link worked once: opened again, it explains itself and offers a new one.
    await page.goto(onTestServer(link))
    await reset.setPassword('another-fine-passphrase-9')
    await visible(page.getByRole('heading', { name: 'This link does not work' }))
    await visible(page.getByText('expired or was already used'))
    await page.getByRole('link', { name: 'Request a new link', exact: true }).click()
    await atPath(page, '/forgot-password')

    assert.deepEqual(s.unexpected([failedResource(401), failedResource(422)]), [])
  })
})
