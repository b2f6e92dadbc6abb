import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { failedResource } from './helpers/browser'
import { setupSuite, signedIn, signedUp } from './helpers/suite'
import { atPath, GOOD_PASSWORD, uniqueEmail, visible } from './helpers/wait'
import { AdminUsersPage } from './pages/admin-users-page'
import { SignInPage } from './pages/auth-pages'

const ADMIN = 'disable-admin@example.com'

describe('an admin disables a signed-in user', () => {
  const suite = setupSuite({ adminEmails: [ADMIN] })

  test('the user’s open browser is sent to sign-in on its next request, cannot sign in while disabled, and can once enabled', {
    timeout: 120_000,
  }, async () => {
    const email = uniqueEmail('disabled')
    const user = await signedUp(suite, email)
    const admin = await signedIn(suite, ADMIN)
    const users = new AdminUsersPage(admin.page)
    await users.goto()
    await users.search.fill(email)
    await users.confirmed(email, 'Disable')
    await visible(users.button(email, 'Enable'))

    // No reload: the user's page is still the app they had open. Its next API call (the account
    // page's lists, reached by a client-side link) answers 401, and the app goes to sign-in,
    // keeping where they were going and saying why.
    await user.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Account' }).click()
    await atPath(user.page, '/sign-in')
    assert.equal(new URL(user.page.url()).searchParams.get('next'), '/account')
    await visible(user.page.getByRole('status').filter({ hasText: 'Your session has ended' }))

    // A disabled account is refused like a wrong password (no hint that it exists).
    const signIn = new SignInPage(user.page)
    await signIn.signIn(email, GOOD_PASSWORD)
    await visible(signIn.alerts().filter({ hasText: 'Invalid email or password' }))
    assert.equal(new URL(user.page.url()).pathname, '/sign-in')

    // Enabled again, the same password works and lands where they were going.
    await users.button(email, 'Enable').click()
    await visible(users.button(email, 'Disable'))
    await signIn.submit.click()
    await atPath(user.page, '/account')
    await visible(user.page.getByRole('heading', { name: 'Account', level: 1 }))

    assert.deepEqual(user.unexpected([failedResource(401)]), [])
    assert.deepEqual(admin.unexpected(), [])
  })
})
