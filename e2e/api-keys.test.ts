// The "API keys" section of /account (docs/api.md §9, §11) in a real browser: a wrong password is
// shown next to `Current password`; a key is created, shown once with `Copy`, listed with its
// scope and use, works from a script against /v1, and `Revoke` inside its list item stops it.
// The section passes axe in light and dark schemes.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { axeInBothSchemes } from './helpers/axe'
import { failedResource } from './helpers/browser'
import { focused } from './helpers/focus'
import { setupSuite, signedUp } from './helpers/suite'
import { GOOD_PASSWORD, gone, uniqueEmail, visible, waitUntil } from './helpers/wait'
import { AccountPage } from './pages/account-page'

describe('API keys on /account', () => {
  const suite = setupSuite()

  test('create a key (shown once, Copy), use it from a script, revoke it', { timeout: 120_000 }, async () => {
    const s = await signedUp(suite, uniqueEmail('keys'))
    const account = new AccountPage(s.page)
    await account.goto()
    await visible(s.page.getByText('No API keys yet.'))

    await account.createApiKey('CI job', 'not-the-right-password')
    await waitUntil('the wrong password is shown at Current password', async () => {
      return (await account.keyPassword.getAttribute('aria-invalid')) === 'true'
    })
    assert.equal(await account.apiKeys.count(), 0)

    await account.keyPassword.fill(GOOD_PASSWORD)
    await account.createKey.click()
    const shown = account.apiKeysRegion.locator('code.new-key-value')
    await visible(shown)
    const key = ((await shown.textContent()) ?? '').trim()
    assert.match(key, /^rak_[A-Za-z0-9_-]{43}$/)
    await visible(account.copyKey)
    await s.page.context().grantPermissions(['clipboard-read', 'clipboard-write'])
    await account.copyKey.click()
    await visible(account.apiKeysRegion.getByRole('status').filter({ hasText: 'Copied' }))
    assert.equal(await s.page.evaluate(() => navigator.clipboard.readText()), key)
    // The form is cleared: the password is not kept around.
    assert.equal(await account.keyPassword.inputValue(), '')

    const item = account.apiKey('CI job')
    await visible(item)
    assert.match((await item.textContent()) ?? '', /read/)
    assert.match((await item.textContent()) ?? '', /Never used/)
    assert.match((await item.textContent()) ?? '', new RegExp(key.slice(0, 12)))
    assert.deepEqual(await axeInBothSchemes(s.page), [], '/account with a new key shown')

    // A script uses the key (Bearer, no cookie): the OpenAI-compatible API answers.
    const models = await fetch(`${suite.server.baseURL}/v1/models`, {
      headers: { authorization: `Bearer ${key}` },
    })
    assert.equal(models.status, 200)
    assert.equal(((await models.json()) as { data: Array<{ id: string }> }).data[0]?.id, 'rag-auth')

    // Shown once: after a reload only the prefix is left.
    await account.goto()
    await visible(item)
    assert.equal(await account.apiKeysRegion.locator('code.new-key-value').count(), 0)
    assert.doesNotMatch((await account.apiKeysRegion.textContent()) ?? '', new RegExp(key.slice(12)))
    await waitUntil('last use shown', async () => !/Never used/.test((await item.textContent()) ?? ''))

    await account.revokeApiKey('CI job')
    await gone(item)
    const after = await fetch(`${suite.server.baseURL}/v1/models`, {
      headers: { authorization: `Bearer ${key}` },
    })
    assert.equal(after.status, 401)
    assert.deepEqual(s.unexpected([failedResource(422)]), [])
  })

  test('a new key is shown in its own list item, in view, announced, with keyboard focus on its Copy', {
    timeout: 90_000,
  }, async () => {
    const s = await signedUp(suite, uniqueEmail('key-reveal'))
    const account = new AccountPage(s.page)
    await account.goto()
    await account.createApiKey('Old job', GOOD_PASSWORD)
    await account.apiKeysRegion.getByRole('button', { name: 'Done', exact: true }).click()
    await visible(account.apiKey('Old job'))

    // The form sits below the list: the key it makes must not be drawn above the window.
    await account.createApiKey('CI job', GOOD_PASSWORD)
    const item = account.apiKey('CI job')
    const copy = item.getByRole('button', { name: 'Copy', exact: true })
    await visible(copy)
    assert.equal(await focused(s.page), 'BUTTON Copy')
    await visible(item.getByRole('status').filter({ hasText: 'Copy it now: it is not shown again.' }))
    const shown = item.locator('code.new-key-value')
    assert.match(((await shown.textContent()) ?? '').trim(), /^rak_/)
    await waitUntil('the key in view', () =>
      shown.evaluate((el) => {
        const box = el.getBoundingClientRect()
        return box.top >= 0 && box.bottom <= window.innerHeight
      }),
    )
    // Only the new key has a Copy, and it is the region's only one.
    assert.equal(await account.apiKey('Old job').getByRole('button', { name: 'Copy' }).count(), 0)
    assert.equal(await account.copyKey.count(), 1)
    assert.deepEqual(s.unexpected(), [])
  })
})
