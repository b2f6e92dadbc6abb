import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { Locator, Page } from 'playwright-core'
import { axeInBothSchemes } from './helpers/axe'
import { failedResource } from './helpers/browser'
import { focused } from './helpers/focus'
import { registerViaApi, setupSuite, signedIn, signedUp } from './helpers/suite'
import { totpAt } from './helpers/totp'
import { atPath, GOOD_PASSWORD, uniqueEmail, visible, waitUntil } from './helpers/wait'
import { AccountPage, DeleteAccountSection, TwoFactorSection } from './pages/account-page'
import { AdminFeedbackPage } from './pages/admin-feedback-page'
import { AdminAuditPage, AdminUsersPage } from './pages/admin-users-page'
import { SecondStep, SignInPage } from './pages/auth-pages'
import { ChatPage } from './pages/chat-page'

/** Presses Enter on a button, as a keyboard user does (a click would move focus itself). */
async function press(page: Page, button: Locator): Promise<void> {
  await button.focus()
  await page.keyboard.press('Enter')
}

describe('a power user and an admin walking the account and admin pages (focus, words, long values)', () => {
  const ADMIN = 'walk-admin@example.com'
  // No PUBLIC_URL (as `npm start` with no settings): the server cannot build a reset link.
  const suite = setupSuite({ adminEmails: [ADMIN], env: { PUBLIC_URL: '' } })

  test('two-factor: each step keeps keyboard focus in the section, and Recent activity shows it at once', {
    timeout: 120_000,
  }, async () => {
    const s = await signedUp(suite, uniqueEmail('keyboard-mfa'))
    const account = new AccountPage(s.page)
    await account.goto()
    const mfa = new TwoFactorSection(s.page)
    const activity = s.page.getByRole('region', { name: 'Recent activity', exact: true })
    await visible(activity.getByText('Account created', { exact: true }))

    await press(s.page, mfa.setUp)
    assert.equal(await focused(s.page), 'INPUT Current password')
    await press(s.page, mfa.region.getByRole('button', { name: 'Cancel', exact: true }))
    assert.equal(await focused(s.page), 'H2 Two-factor sign-in')

    await press(s.page, mfa.setUp)
    await s.page.keyboard.type(GOOD_PASSWORD)
    await s.page.keyboard.press('Enter')
    await visible(mfa.qrCode)
    // The password step is gone: the next thing to type is the code.
    await waitUntil('focus on Code', async () => (await focused(s.page)) === 'INPUT Code')
    const secret = ((await mfa.secret.textContent()) ?? '').trim()

    await s.page.keyboard.type('000000' === totpAt(secret, Date.now()) ? '111111' : '000000')
    await press(s.page, mfa.turnOn)
    await visible(mfa.region.getByRole('alert').first())
    assert.equal(await focused(s.page), 'BUTTON Turn on')

    await mfa.code.fill(totpAt(secret, Date.now()))
    await press(s.page, mfa.turnOn)
    await waitUntil('ten recovery codes', async () => (await mfa.recoveryCodes.count()) === 10)
    assert.match(await focused(s.page), /^P Keep these recovery codes somewhere safe/)
    assert.deepEqual(await axeInBothSchemes(s.page), [], '/account showing recovery codes')
    const codes = (await mfa.recoveryCodes.allInnerTexts()).map((c) => c.trim())
    await press(s.page, mfa.done)
    assert.equal(await focused(s.page), 'H2 Two-factor sign-in')
    // What the buttons just did is listed without a reload.
    await visible(activity.getByText('Two-factor turned on', { exact: true }))

    await press(s.page, mfa.turnOff)
    assert.equal(await focused(s.page), 'INPUT Current password')
    await s.page.keyboard.type(GOOD_PASSWORD)
    await mfa.code.fill(codes[0] as string)
    await press(s.page, mfa.turnOff)
    await visible(mfa.setUp)
    assert.equal(await focused(s.page), 'H2 Two-factor sign-in')
    await visible(activity.getByText('Two-factor turned off', { exact: true }))
    assert.deepEqual(s.unexpected([failedResource(422)]), [])
  })

  test('API keys on a phone: a 100-character name stays inside its card, and Done leaves focus on API keys', {
    timeout: 90_000,
  }, async () => {
    const s = await signedUp(suite, uniqueEmail('long-key'), { width: 390, height: 844 })
    const account = new AccountPage(s.page)
    await account.goto()
    const name = 'K'.repeat(100)
    await account.keyName.fill(name)
    await account.keyPassword.fill(GOOD_PASSWORD)
    await press(s.page, account.createKey)
    await visible(account.copyKey)
    await press(s.page, account.apiKeysRegion.getByRole('button', { name: 'Done', exact: true }))
    assert.equal(await focused(s.page), 'H2 API keys')

    const item = account.apiKey(name)
    await visible(item)
    const [card, key, revoke] = await Promise.all([
      account.apiKeysRegion.boundingBox(),
      item.boundingBox(),
      item.getByRole('button', { name: 'Revoke', exact: true }).boundingBox(),
    ])
    assert.ok(card && key && revoke)
    assert.ok(key.x + key.width <= card.x + card.width, 'the key sticks out of the API keys card')
    assert.ok(revoke.x + revoke.width <= card.x + card.width, 'Revoke sticks out of the card')
    const overflow = await s.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`)
  })

  test('deleting your account: Cancel gives focus back to Delete account', { timeout: 60_000 }, async () => {
    const s = await signedUp(suite, uniqueEmail('second-thoughts'))
    await new AccountPage(s.page).goto()
    const remove = new DeleteAccountSection(s.page)
    await press(s.page, remove.deleteButton)
    assert.equal(await focused(s.page), 'INPUT Current password')
    await press(s.page, remove.region.getByRole('button', { name: 'Cancel', exact: true }))
    assert.equal(await focused(s.page), 'BUTTON Delete account')
  })

  test('admin users: every action keeps keyboard focus; without PUBLIC_URL a link is refused in words', {
    timeout: 120_000,
  }, async () => {
    const email = uniqueEmail('managed')
    await registerViaApi(suite.server.baseURL, { email, password: GOOD_PASSWORD })
    const s = await signedIn(suite, ADMIN)
    const users = new AdminUsersPage(s.page)
    await users.goto()
    await visible(users.user(email))

    // Each of these asks first, as Delete does (Escape takes the question back, focus on the
    // button); Enable, which takes nothing away, does not.
    for (const [action, confirm, after] of [
      ['Make admin', 'Confirm make admin', 'Remove admin'],
      ['Remove admin', 'Confirm remove admin', 'Make admin'],
      ['Disable', 'Confirm disable', 'Enable'],
      ['Enable', null, 'Disable'],
    ] as const) {
      await press(s.page, users.button(email, action))
      if (confirm) {
        await visible(users.user(email).getByRole('group').filter({ hasText: '?' }))
        assert.equal(await focused(s.page), `BUTTON ${confirm}`, `asked before ${action}`)
        await s.page.keyboard.press('Escape')
        await visible(users.button(email, action))
        assert.equal(await focused(s.page), `BUTTON ${action}`, `Escape from ${confirm}`)
        await press(s.page, users.button(email, action))
        await press(s.page, users.button(email, confirm))
      }
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
    // The next action's result stands alone: the refusal is not left beside it.
    await press(s.page, users.button(email, 'Sign out'))
    await visible(users.user(email).getByRole('status').filter({ hasText: 'Signed out of every session.' }))
    assert.equal(await refusal.count(), 0)

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

  test('the feedback and audit filters say what they show: a Rating with nothing rated so, a User id that is not one', {
    timeout: 150_000,
  }, async () => {
    const s = await signedIn(suite, ADMIN)
    const chat = new ChatPage(s.page)
    const question = 'How do I run the Docker container?'
    await chat.ask(question)
    await chat.waitForAnswer()
    await chat.answerButton('Good answer').click()
    await waitUntil(
      'Good answer pressed',
      async () => (await chat.answerButton('Good answer').getAttribute('aria-pressed')) === 'true',
    )

    const feedback = new AdminFeedbackPage(s.page)
    await feedback.goto()
    await visible(feedback.item(question))
    await feedback.rating.selectOption('down')
    // Something was rated, just not Bad answer: "No rated answers yet." would be untrue.
    await visible(s.page.getByText('No answers rated “Bad answer” yet.', { exact: true }))
    assert.equal(await s.page.getByText('No rated answers yet.', { exact: true }).count(), 0)

    const audit = new AdminAuditPage(s.page)
    await audit.goto()
    await visible(audit.events.first())
    const userId = s.page.getByLabel('User id', { exact: true })
    // An email is what an admin knows; the filter takes an id: the whole log must not pass for theirs.
    await userId.fill(ADMIN)
    await visible(s.page.getByRole('alert').filter({ hasText: 'Not a whole user id' }))
    assert.equal(await userId.getAttribute('aria-invalid'), 'true')
    assert.deepEqual(await axeInBothSchemes(s.page), [], '/admin/audit with a User id that is not one')
    const me = await (await s.page.request.get('/api/auth/me')).json()
    await userId.fill(me.user.id)
    await waitUntil('the error gone', async () => (await s.page.getByRole('alert').count()) === 0)
    await visible(audit.events.first())
  })

  test('the feedback Rating and the audit filters are kept in the URL: a reload and Back keep them; a User id from a link that is not one is named', {
    timeout: 120_000,
  }, async () => {
    const s = await signedIn(suite, ADMIN)
    const main = s.page.getByRole('navigation', { name: 'Main' })
    const search = () => new URL(s.page.url()).searchParams
    const feedback = new AdminFeedbackPage(s.page)
    await feedback.goto()
    await feedback.rating.selectOption('down')
    await waitUntil('the rating in the URL', () => search().get('rating') === 'down')
    await s.page.reload()
    await visible(feedback.heading)
    assert.equal(await feedback.rating.inputValue(), 'down')

    await main.getByRole('link', { name: 'Audit', exact: true }).click()
    const audit = new AdminAuditPage(s.page)
    await visible(audit.heading)
    const userId = s.page.getByLabel('User id', { exact: true })
    const me = await (await s.page.request.get('/api/auth/me')).json()
    await audit.type.selectOption('sign_in')
    await userId.fill(me.user.id)
    await waitUntil(
      'both filters in the URL',
      () => search().get('type') === 'sign_in' && search().get('user_id') === me.user.id,
    )
    const onlySignIns = async () => {
      const shown = await audit.events.allInnerTexts()
      return shown.length > 0 && shown.every((text) => text.startsWith('Signed in'))
    }
    await waitUntil('only sign-ins listed', onlySignIns)
    await s.page.reload()
    await visible(audit.heading)
    assert.equal(await audit.type.inputValue(), 'sign_in')
    assert.equal(await userId.inputValue(), me.user.id)
    await waitUntil('only sign-ins listed after a reload', onlySignIns)

    // Away and Back: the audit log, then the feedback page, as they were left.
    await main.getByRole('link', { name: 'Users', exact: true }).click()
    await atPath(s.page, '/admin/users')
    await s.page.goBack()
    await visible(audit.heading)
    assert.equal(await audit.type.inputValue(), 'sign_in')
    assert.equal(await userId.inputValue(), me.user.id)
    await s.page.goBack()
    await visible(feedback.heading)
    assert.equal(await feedback.rating.inputValue(), 'down')

    // A link with a User id that is not one says so, rather than listing everybody's events.
    await s.page.goto('/admin/audit?user_id=not-a-uuid')
    assert.equal(await userId.inputValue(), 'not-a-uuid')
    await visible(s.page.getByRole('alert').filter({ hasText: 'Not a whole user id' }))
    // Emptied, the filter leaves the URL.
    await userId.fill('')
    await waitUntil('user_id gone from the URL', () => !search().has('user_id'))
    assert.deepEqual(s.unexpected(), [])
  })

  test('Sign out everywhere says on /sign-in that it worked', { timeout: 60_000 }, async () => {
    const s = await signedUp(suite, uniqueEmail('everywhere'))
    const account = new AccountPage(s.page)
    await account.goto()
    await press(s.page, account.signOutEverywhere)
    await atPath(s.page, '/sign-in')
    await visible(s.page.getByText('You are signed out on every device, this one too.', { exact: true }))
    assert.equal(new URL(s.page.url()).search, '')
    assert.deepEqual(s.unexpected(), [])
  })

  test('Load more keeps keyboard focus: on the button while it loads, then on the line saying that is all', {
    timeout: 90_000,
  }, async () => {
    const s = await signedUp(suite, uniqueEmail('busy'))
    // 21 keys and the account itself: 22 events, one more page than the 20 shown first.
    for (let i = 1; i <= 21; i += 1) {
      const created = await s.page.request.post('/api/auth/api-keys', {
        data: { name: `key ${i}`, password: GOOD_PASSWORD },
      })
      assert.equal(created.status(), 201)
    }
    await new AccountPage(s.page).goto()
    const activity = s.page.getByRole('region', { name: 'Recent activity', exact: true })
    const events = activity.getByRole('listitem')
    await waitUntil('the first page', async () => (await events.count()) === 20)
    await press(s.page, activity.getByRole('button', { name: 'Load more', exact: true }))
    await waitUntil('the second page', async () => (await events.count()) === 22)
    await waitUntil('focus on the end of the list', async () => (await focused(s.page)) === 'P That is all.')
  })

  test('Mark verified hands focus on to the next button of that user', { timeout: 60_000 }, async () => {
    const email = uniqueEmail('unverified')
    await registerViaApi(suite.server.baseURL, { email, password: GOOD_PASSWORD })
    const s = await signedIn(suite, ADMIN)
    const users = new AdminUsersPage(s.page)
    await users.goto()
    await press(s.page, users.button(email, 'Mark verified'))
    await waitUntil(
      'Mark verified gone',
      async () => (await users.button(email, 'Mark verified').count()) === 0,
    )
    assert.equal(await focused(s.page), 'BUTTON Delete')
  })

  test('the second sign-in step: Use a recovery code puts focus in Code, so the code can be typed at once', {
    timeout: 90_000,
  }, async () => {
    const email = uniqueEmail('two-step')
    const first = await signedUp(suite, email)
    const setup = await first.page.request.post('/api/auth/mfa/totp/setup', {
      data: { password: GOOD_PASSWORD },
    })
    const { secret } = await setup.json()
    const enabled = await first.page.request.post('/api/auth/mfa/totp/enable', {
      data: { code: totpAt(secret, Date.now()) },
    })
    const { recovery_codes: codes } = await enabled.json()

    const s = await suite.session()
    const signIn = new SignInPage(s.page)
    await signIn.goto()
    await signIn.signIn(email, GOOD_PASSWORD)
    const step = new SecondStep(s.page)
    await visible(step.verify)
    assert.equal(await focused(s.page), 'INPUT Code')
    await press(s.page, step.useRecoveryCode)
    assert.equal(await focused(s.page), 'INPUT Code')
    await s.page.keyboard.type(codes[0])
    await s.page.keyboard.press('Enter')
    await atPath(s.page, '/chat')
  })
})
