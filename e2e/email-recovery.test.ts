import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { axeInBothSchemes } from './helpers/axe'
import { failedResource } from './helpers/browser'
import { linkIn, SmtpInbox } from './helpers/smtp-inbox'
import { registerViaApi, setupSuite, signedIn, signedUp } from './helpers/suite'
import { atPath, GOOD_PASSWORD, gone, uniqueEmail, visible, waitUntil } from './helpers/wait'
import { AdminUsersPage } from './pages/admin-users-page'
import { SignInPage } from './pages/auth-pages'
import { ChangeEmailSection, ForgotPasswordPage, ResetPasswordPage } from './pages/recovery-pages'

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

  test('a new account sees the verification banner, sends the link again, opens it, and the banner is gone; the used link offers Send again', {
    timeout: 120_000,
  }, async () => {
    const email = uniqueEmail('verify')
    const s = await signedUp(suite, email)
    const { page } = s
    const banner = page.getByRole('region', { name: 'Verify your email address' })
    await visible(banner)
    await visible(banner.getByText(email))
    assert.deepEqual(await axeInBothSchemes(page), [])
    await inbox.waitFor(email, 'Confirm your email address')

    // Send again: a second mail, whose link replaces the first.
    await banner.getByRole('button', { name: 'Send again', exact: true }).click()
    await visible(banner.getByRole('status').filter({ hasText: 'We sent a new link' }))
    await waitUntil('the second verification mail', () =>
      inbox.to(email).filter((m) => m.subject === 'Confirm your email address').length === 2 ? true : null,
    )
    const link = linkIn(await inbox.waitFor(email, 'Confirm your email address'), 'verify-email')

    await page.goto(onTestServer(link))
    await visible(page.getByRole('heading', { name: 'Email verified' }))
    await waitUntil('the fragment to be dropped', () => new URL(page.url()).hash === '')
    assert.deepEqual(await axeInBothSchemes(page), [])
    await page.getByRole('link', { name: 'Continue to chat', exact: true }).click()
    await atPath(page, '/chat')
    await visible(page.getByRole('button', { name: 'New chat', exact: true }))
    await gone(page.getByRole('region', { name: 'Verify your email address' }))

    // Used once: opened again, it says so and (signed in) offers a new one.
    await page.goto(onTestServer(link))
    await visible(page.getByRole('heading', { name: 'This link does not work' }))
    await visible(page.getByText('expired or was already used'))
    await visible(page.getByRole('button', { name: 'Send again', exact: true }))
    assert.deepEqual(await axeInBothSchemes(page), [])

    assert.deepEqual(s.unexpected([failedResource(403), failedResource(422)]), [])
  })

  test('change of email: New email + Current password → “check your inbox” → the link to the new address → signed in as the new address', {
    timeout: 120_000,
  }, async () => {
    const email = uniqueEmail('mover')
    const s = await signedUp(suite, email)
    const { page } = s
    const verify = linkIn(await inbox.waitFor(email, 'Confirm your email address'), 'verify-email')
    await page.goto(onTestServer(verify))
    await visible(page.getByRole('heading', { name: 'Email verified' }))

    await page.goto('/account')
    const section = new ChangeEmailSection(page)
    await visible(section.submit)
    // A wrong current password is shown next to that field.
    const moved = uniqueEmail('moved')
    await section.change(moved, 'not-my-password-at-all')
    await visible(section.region.getByRole('alert').filter({ hasText: /password/i }))
    await section.change(moved, GOOD_PASSWORD)
    await visible(section.region.getByRole('status').filter({ hasText: `Check your inbox at ${moved}` }))
    assert.deepEqual(await axeInBothSchemes(page), [])

    const link = linkIn(await inbox.waitFor(moved, 'Confirm your new email address'), 'confirm-email')
    await page.goto(onTestServer(link))
    await visible(page.getByRole('heading', { name: 'Email changed' }))
    await page.goto('/account')
    await visible(page.getByRole('region', { name: 'Profile' }).getByText(moved, { exact: true }))

    // Another browser signs in with the new address.
    const other = await signedIn(suite, moved)
    await visible(other.page.getByText(moved, { exact: true }))

    assert.deepEqual(s.unexpected([failedResource(403), failedResource(422)]), [])
  })

  test('an admin creates a user and hands over the link; the person sets a password with it and signs in; Reset link makes a new one', {
    timeout: 120_000,
  }, async () => {
    const admin = await signedIn(suite, ADMIN)
    const users = new AdminUsersPage(admin.page)
    await users.goto()
    const email = uniqueEmail('created')
    const create = admin.page.getByRole('region', { name: 'Create user' })
    await create.getByLabel('Email', { exact: true }).fill(email)
    await create.getByLabel('Name', { exact: true }).fill('Ada Created')
    await create.getByRole('button', { name: 'Create user', exact: true }).click()
    const handed = create.getByRole('region', { name: `Reset link for ${email}` })
    await visible(handed)
    const link = (await handed.locator('code').textContent())?.trim() ?? ''
    assert.ok(link.startsWith(`${PUBLIC_URL}/reset-password#token=`), link)
    await visible(handed.getByText(/works once, until/))
    await users.search.fill(email)
    await visible(users.user(email))
    assert.deepEqual(await axeInBothSchemes(admin.page), [])

    // Reset link on the user's item: a newer link, which voids the first.
    await users.button(email, 'Reset link').click()
    const second = users.user(email).getByRole('region', { name: `Reset link for ${email}` })
    await visible(second)
    const newer = (await second.locator('code').textContent())?.trim() ?? ''
    assert.ok(newer.startsWith(`${PUBLIC_URL}/reset-password#token=`) && newer !== link, newer)

    const person = await suite.session()
    const reset = new ResetPasswordPage(person.page)
    await person.page.goto(onTestServer(link))
    await reset.setPassword(NEW_PASSWORD)
    await visible(person.page.getByRole('heading', { name: 'This link does not work' }))
    // This link was made to last 7 days: the page must not say that every link lasts 30 minutes.
    const why = person.page.getByText(/has expired or was already used/)
    await visible(why)
    assert.doesNotMatch((await why.textContent()) ?? '', /works once, for 30 minutes/)
    await person.page.goto(onTestServer(newer))
    await reset.setPassword(NEW_PASSWORD)
    await atPath(person.page, '/sign-in')
    const signIn = new SignInPage(person.page)
    await signIn.signIn(email, NEW_PASSWORD)
    await atPath(person.page, '/chat')
    // Made on the admin's word: verified, so no banner.
    await visible(person.page.getByRole('button', { name: 'New chat', exact: true }))
    assert.equal(await person.page.getByRole('region', { name: 'Verify your email address' }).count(), 0)

    // An unverified account (signed up, link never opened): the admin vouches for the address.
    const unverified = uniqueEmail('vouched')
    await registerViaApi(suite.server.baseURL, { email: unverified, password: GOOD_PASSWORD })
    await users.search.fill(unverified)
    await visible(users.user(unverified).getByText('Email not verified'))
    await users.button(unverified, 'Mark verified').click()
    await visible(users.user(unverified).getByRole('status').filter({ hasText: 'Email marked as verified' }))
    await visible(users.user(unverified).getByText('Email verified', { exact: true }))
    assert.equal(await users.button(unverified, 'Mark verified').count(), 0)

    assert.deepEqual(admin.unexpected(), [])
    assert.deepEqual(person.unexpected([failedResource(422)]), [])
  })
})
