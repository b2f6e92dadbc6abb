import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { setupSuite } from './helpers/suite'
import { atPath, GOOD_PASSWORD, visible } from './helpers/wait'
import { SignInPage } from './pages/auth-pages'

const ADMIN = 'closed-admin@example.com'

describe('SIGNUP=closed', () => {
  // No shell on the host: the first admin comes from ADMIN_EMAILS + ADMIN_PASSWORD.
  const suite = setupSuite({ adminEmails: [ADMIN], env: { SIGNUP: 'closed', ADMIN_PASSWORD: GOOD_PASSWORD } })

  test('the sign-in page offers no sign-up, /sign-up says who creates accounts, and the bootstrapped admin signs in', {
    timeout: 120_000,
  }, async () => {
    const { page, unexpected } = await suite.session()
    await page.goto('/sign-in')
    await visible(page.getByText('Accounts on this server are created by an administrator.'))
    assert.equal(await page.getByRole('link', { name: 'Create an account' }).count(), 0)

    await page.goto('/sign-up')
    await visible(page.getByRole('heading', { name: 'Sign-up is closed' }))
    assert.equal(await page.getByRole('button', { name: 'Create account' }).count(), 0)
    await page.getByRole('link', { name: 'Sign in' }).click()
    await atPath(page, '/sign-in')

    await new SignInPage(page).signIn(ADMIN, GOOD_PASSWORD)
    await atPath(page, '/chat')
    assert.deepEqual(unexpected(), [])
  })
})
