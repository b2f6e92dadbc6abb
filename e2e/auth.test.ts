import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { failedResource } from './helpers/browser'
import { registerViaApi, setupSuite } from './helpers/suite'
import { atPath, GOOD_PASSWORD, uniqueEmail, visible, waitUntil } from './helpers/wait'
import { AccountPage } from './pages/account-page'
import { SignInPage, SignUpPage } from './pages/auth-pages'
import { ChatPage } from './pages/chat-page'

describe('sign-in, sign-up and password forms', () => {
  const suite = setupSuite()

  test('a wrong password shows the error and stays on /sign-in', { timeout: 60_000 }, async () => {
    const email = uniqueEmail('bob')
    await registerViaApi(suite.server.baseURL, { email, password: GOOD_PASSWORD })
    const s = await suite.session()
    const signIn = new SignInPage(s.page)
    await signIn.goto()
    await signIn.signIn(email, 'not-the-right-password')
    await visible(s.page.getByRole('alert').filter({ hasText: 'Invalid email or password' }))
    await atPath(s.page, '/sign-in')
    // The password field keeps its name; the error is announced, not baked into the label.
    assert.equal(await signIn.password.inputValue(), 'not-the-right-password')
    assert.deepEqual(s.unexpected([failedResource(401)]), [])

    await signIn.password.fill(GOOD_PASSWORD)
    await signIn.submit.click()
    await atPath(s.page, '/chat')
  })

  test('sign-up shows the server messages next to the field', { timeout: 60_000 }, async () => {
    const s = await suite.session()
    const signUp = new SignUpPage(s.page)
    await signUp.goto()

    await signUp.signUp({ email: uniqueEmail('weak'), password: 'password' })
    await waitUntil(
      'a weak-password error next to Password',
      async () => (await signUp.fieldError(signUp.password)) !== '',
    )
    assert.equal(await signUp.password.getAttribute('aria-invalid'), 'true')
    await atPath(s.page, '/sign-up')

    const taken = uniqueEmail('taken')
    await registerViaApi(suite.server.baseURL, { email: taken, password: GOOD_PASSWORD })
    await signUp.signUp({ email: taken, password: GOOD_PASSWORD })
    await waitUntil(
      'an email-taken error next to Email',
      async () => (await signUp.fieldError(signUp.email)) !== '',
    )
    assert.equal(await signUp.fieldError(signUp.password), '', 'the password error is gone')

    await signUp.signUp({ email: 'not-an-email', password: GOOD_PASSWORD })
    await waitUntil('an invalid-email error next to Email', async () =>
      /email/i.test(
        await s.page
          .getByRole('alert')
          .allInnerTexts()
          .then((t) => t.join(' ')),
      ),
    )
    assert.deepEqual(s.unexpected([failedResource(409), failedResource(422)]), [])
  })

  test('a deep link survives signing in', { timeout: 60_000 }, async () => {
    const email = uniqueEmail('deep')
    await registerViaApi(suite.server.baseURL, { email, password: GOOD_PASSWORD })
    const s = await suite.session()
    await s.page.goto('/account')
    await atPath(s.page, '/sign-in')
    await new SignInPage(s.page).signIn(email, GOOD_PASSWORD)
    await atPath(s.page, '/account')
    await visible(s.page.getByText(email).first())
  })

  test('change password: wrong current password, then success; the old password stops working', {
    timeout: 90_000,
  }, async () => {
    const email = uniqueEmail('carol')
    const newPassword = 'amber-canyon-pillow-77'
    const s = await suite.session()
    const signUp = new SignUpPage(s.page)
    await signUp.goto()
    await signUp.signUp({ email, password: GOOD_PASSWORD })
    await atPath(s.page, '/chat')

    const account = new AccountPage(s.page)
    await account.goto()
    await account.changePassword('wrong-current-password', newPassword)
    await visible(s.page.getByRole('alert').first())
    assert.equal(await account.currentPassword.getAttribute('aria-invalid'), 'true')

    await account.changePassword(GOOD_PASSWORD, newPassword)
    await visible(s.page.getByRole('status').filter({ hasText: 'Password changed' }))

    await new ChatPage(s.page).goto()
    await new ChatPage(s.page).signOut.click()
    await atPath(s.page, '/sign-in')
    const signIn = new SignInPage(s.page)
    await signIn.signIn(email, GOOD_PASSWORD)
    await visible(s.page.getByRole('alert').filter({ hasText: 'Invalid email or password' }))
    await signIn.password.fill(newPassword)
    await signIn.submit.click()
    await atPath(s.page, '/chat')
    assert.deepEqual(s.unexpected([failedResource(401), failedResource(422)]), [])
  })

  test('sign out everywhere ends every session', { timeout: 60_000 }, async () => {
    const email = uniqueEmail('dave')
    await registerViaApi(suite.server.baseURL, { email, password: GOOD_PASSWORD })
    const a = await suite.session()
    const b = await suite.session()
    for (const s of [a, b]) {
      const signIn = new SignInPage(s.page)
      await signIn.goto()
      await signIn.signIn(email, GOOD_PASSWORD)
      await atPath(s.page, '/chat')
    }
    const account = new AccountPage(a.page)
    await account.goto()
    await account.signOutEverywhere.click()
    await atPath(a.page, '/sign-in')
    await b.page.goto('/chat')
    await atPath(b.page, '/sign-in')
    assert.deepEqual(a.unexpected(), [])
  })
})
