import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { Locator, Page } from 'playwright-core'
import { failedResource } from './helpers/browser'
import { registerViaApi, setupSuite, signedIn } from './helpers/suite'
import { GOOD_PASSWORD, uniqueEmail, visible, waitUntil } from './helpers/wait'
import { AdminUsersPage } from './pages/admin-users-page'

/** What has keyboard focus, as a short description ("BODY", "INPUT Code", "H2 API keys", …). */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement
    if (!el || el === document.body) return 'BODY'
    const label = el.getAttribute('aria-label') ?? el.textContent ?? ''
    const labelled = el.id ? (document.querySelector(`label[for="${el.id}"]`)?.textContent ?? '') : ''
    return `${el.tagName} ${(labelled || label).trim()}`
  })
}

/** Presses Enter on a button, as a keyboard user does (a click would move focus itself). */
async function press(page: Page, button: Locator): Promise<void> {
  await button.focus()
  await page.keyboard.press('Enter')
}

describe('a power user and an admin walking the account and admin pages (focus, words, long values)', () => {
  const ADMIN = 'walk-admin@example.com'
  // No PUBLIC_URL (as `npm start` with no settings): the server cannot build a reset link.
  const suite = setupSuite({ adminEmails: [ADMIN], env: { PUBLIC_URL: '' } })

  test('admin users: every action keeps keyboard focus; without PUBLIC_URL a link is refused in words', {
    timeout: 120_000,
  }, async () => {
    const email = uniqueEmail('managed')
    await registerViaApi(suite.server.baseURL, { email, password: GOOD_PASSWORD })
    const s = await signedIn(suite, ADMIN)
    const users = new AdminUsersPage(s.page)
    await users.goto()
    await visible(users.user(email))

    for (const [action, after] of [
      ['Make admin', 'Remove admin'],
      ['Remove admin', 'Make admin'],
      ['Disable', 'Enable'],
      ['Enable', 'Disable'],
    ] as const) {
      await press(s.page, users.button(email, action))
      await visible(users.button(email, after))
      assert.equal(await focused(s.page), `BUTTON ${after}`, `after ${action}`)
    }
    await press(s.page, users.button(email, 'Sign out'))
    await visible(users.user(email).getByRole('status').filter({ hasText: 'Signed out of every session.' }))
    assert.equal(await focused(s.page), 'BUTTON Sign out')

    await press(s.page, users.button(email, 'Reset link'))
    const refusal = users.user(email).getByRole('alert')
    await visible(refusal)
    const words = (await refusal.textContent()) ?? ''
    assert.match(words, /PUBLIC_URL/)
    assert.doesNotMatch(words, /try again/i)
    assert.equal(await focused(s.page), 'BUTTON Reset link')

    const create = s.page.getByRole('region', { name: 'Create user', exact: true })
    await create.getByLabel('Email', { exact: true }).fill(uniqueEmail('newcomer'))
    await press(s.page, create.getByRole('button', { name: 'Create user', exact: true }))
    await visible(create.getByRole('alert').filter({ hasText: 'PUBLIC_URL' }))

    await press(s.page, users.button(email, 'Delete'))
    assert.equal(await focused(s.page), 'BUTTON Confirm delete')
    await press(s.page, users.user(email).getByRole('button', { name: 'Cancel', exact: true }))
    assert.equal(await focused(s.page), 'BUTTON Delete')
    await press(s.page, users.button(email, 'Delete'))
    await press(s.page, users.button(email, 'Confirm delete'))
    await waitUntil('the user gone', async () => (await users.user(email).count()) === 0)
    assert.equal(await focused(s.page), 'H1 Users')
    assert.deepEqual(s.unexpected([failedResource(503)]), [])
  })
})
