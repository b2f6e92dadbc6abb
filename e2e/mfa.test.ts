import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { axeInBothSchemes } from './helpers/axe'
import { failedResource } from './helpers/browser'
import { focused } from './helpers/focus'
import { setupSuite, signedUp } from './helpers/suite'
import { totpAt } from './helpers/totp'
import { atPath, GOOD_PASSWORD, uniqueEmail, visible, waitUntil } from './helpers/wait'
import { AccountPage, DeleteAccountSection, TwoFactorSection } from './pages/account-page'
import { SecondStep, SignInPage } from './pages/auth-pages'
import { ChatPage } from './pages/chat-page'

describe('two-factor sign-in in the browser', () => {
  const suite = setupSuite()

  test('set up, sign in with a recovery code and with a TOTP code, turn off, delete the account', {
    timeout: 180_000,
  }, async () => {
    const email = uniqueEmail('mfa')
    const s = await signedUp(suite, email)
    const account = new AccountPage(s.page)
    await account.goto()
    const mfa = new TwoFactorSection(s.page)
    assert.deepEqual(await axeInBothSchemes(s.page), [], '/account with two-factor off')

    await mfa.setUp.click()
    await mfa.currentPassword.fill('not-my-password')
    await mfa.continueButton.click()
    await waitUntil(
      'the wrong password marked',
      async () => (await mfa.currentPassword.getAttribute('aria-invalid')) === 'true',
    )
    await mfa.currentPassword.fill(GOOD_PASSWORD)
    await mfa.continueButton.click()
    await visible(mfa.qrCode)
    const secret = ((await mfa.secret.textContent()) ?? '').trim()
    assert.match(secret, /^[A-Z2-7]{32}$/)
    assert.deepEqual(await axeInBothSchemes(s.page), [], '/account scanning the QR code')

    await mfa.code.fill('000000' === totpAt(secret, Date.now()) ? '111111' : '000000')
    await mfa.turnOn.click()
    await visible(mfa.region.getByRole('alert').first())
    await mfa.code.fill(totpAt(secret, Date.now()))
    await mfa.turnOn.click()
    await waitUntil('ten recovery codes', async () => (await mfa.recoveryCodes.count()) === 10)
    const codes = (await mfa.recoveryCodes.allInnerTexts()).map((c) => c.trim())
    const href = decodeURIComponent((await mfa.download.getAttribute('href')) ?? '')
    for (const c of codes) assert.ok(href.includes(c), 'the download holds every code')
    await mfa.copy.click()
    await visible(mfa.region.getByRole('status'))
    assert.deepEqual(await axeInBothSchemes(s.page), [], '/account showing recovery codes')
    await mfa.done.click()
    await visible(mfa.turnOff)
    await visible(mfa.newRecoveryCodes)

    // Sign out; the password alone no longer signs in.
    await new ChatPage(s.page).goto()
    await new ChatPage(s.page).signOut.click()
    await atPath(s.page, '/sign-in')
    const signIn = new SignInPage(s.page)
    const step = new SecondStep(s.page)
    await signIn.signIn(email, GOOD_PASSWORD)
    await visible(step.verify)
    await atPath(s.page, '/sign-in')
    assert.deepEqual(await axeInBothSchemes(s.page), [], '/sign-in second step')
    await step.enter('000000' === totpAt(secret, Date.now()) ? '111111' : '000000')
    await visible(s.page.getByRole('alert').filter({ hasText: /code/i }))
    await step.useRecoveryCode.click()
    await step.enter(codes[0] as string)
    await atPath(s.page, '/chat')

    // Again, with the app's code: the next step's code (±1 step), newer than the one that turned it on.
    await new ChatPage(s.page).signOut.click()
    await atPath(s.page, '/sign-in')
    await signIn.signIn(email, GOOD_PASSWORD)
    await visible(step.verify)
    // `Back` returns to the first step (another account, a mistyped address): the email kept,
    // the password not, the keyboard in Email.
    await step.back.click()
    await visible(signIn.submit)
    assert.equal(await signIn.email.inputValue(), email)
    assert.equal(await signIn.password.inputValue(), '')
    assert.equal(await focused(s.page), 'INPUT Email')
    await signIn.signIn(email, GOOD_PASSWORD)
    await visible(step.verify)
    await step.enter(totpAt(secret, Date.now() + 30_000))
    await atPath(s.page, '/chat')

    // Turning it off takes the password and a code (here a recovery code).
    await account.goto()
    await mfa.turnOff.click()
    await mfa.currentPassword.fill(GOOD_PASSWORD)
    await mfa.code.fill(codes[1] as string)
    await mfa.turnOff.click()
    await visible(mfa.setUp)

    const del = new DeleteAccountSection(s.page)
    await del.deleteButton.click()
    await del.currentPassword.fill(GOOD_PASSWORD)
    await del.deleteButton.click()
    await atPath(s.page, '/sign-in')
    await signIn.signIn(email, GOOD_PASSWORD)
    await visible(s.page.getByRole('alert').filter({ hasText: 'Invalid email or password' }))
    assert.deepEqual(s.unexpected([failedResource(401), failedResource(422)]), [])
  })
})
