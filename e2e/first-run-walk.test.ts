import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { Page, Route } from 'playwright-core'
import { focused } from './helpers/focus'
import { setupSuite, signedIn, signedUp } from './helpers/suite'
import { atPath, GOOD_PASSWORD, uniqueEmail, visible, waitUntil } from './helpers/wait'
import { AccountPage, DeleteAccountSection } from './pages/account-page'
import { SignInPage } from './pages/auth-pages'
import { ChatPage } from './pages/chat-page'

/**
 * Holds the chat answer back: the server answers (and saves) in full, the browser gets nothing
 * for `ms` — so the Stop lands before `event: meta` arrived, as on a slow network.
 */
async function holdAnswers(page: Page, ms: number): Promise<void> {
  await page.route('**/api/chat/message', async (route: Route) => {
    const response = await route.fetch()
    await new Promise((resolve) => setTimeout(resolve, ms))
    await route.fulfill({ response }).catch(() => {
      // The page stopped (aborted) the request meanwhile: nothing to deliver.
    })
  })
}

describe('a first-time user walking through the app (focus, Stop, names, layout, leaving)', () => {
  const ADMIN = 'focus-admin@example.com'
  const suite = setupSuite({ adminEmails: [ADMIN] })

  test('Stop gives keyboard focus back to the Message field', { timeout: 90_000 }, async () => {
    const s = await signedUp(suite, uniqueEmail('stop-focus'))
    const chat = new ChatPage(s.page)
    await holdAnswers(s.page, 4000)
    await chat.ask('How are passwords and sessions stored?')
    await chat.stop.click()
    await visible(chat.send)
    assert.equal(await focused(s.page), 'TEXTAREA Message')
  })

  test('a Stop that lands after the server saved the turn shows the saved turn, not a restored draft', {
    timeout: 120_000,
  }, async () => {
    const s = await signedUp(suite, uniqueEmail('stop-race'))
    const chat = new ChatPage(s.page)
    await chat.ask('How do I deploy this to Hugging Face Spaces?')
    await chat.waitForAnswer()
    await holdAnswers(s.page, 4000)
    const question = 'How are passwords and sessions stored?'
    await chat.ask(question)
    await chat.stop.click()
    await visible(chat.send)
    // The server kept the question and its answer: the page shows them, so that the last answer
    // (the one Regenerate and the next follow-up build on) is the one the server has.
    await waitUntil('the saved question to show', async () => (await chat.questions.count()) === 2)
    assert.ok((await chat.questions.last().textContent())?.includes(question))
    await visible(chat.answers.nth(1))
    assert.equal(await chat.message.inputValue(), '')
  })

  test("submitting a form from its button keeps keyboard focus on the page (Create key: on to the key's Copy)", {
    timeout: 90_000,
  }, async () => {
    const s = await signedUp(suite, uniqueEmail('submit-focus'))
    const account = new AccountPage(s.page)
    await account.goto()
    await account.keyName.fill('CI job')
    await account.keyPassword.fill(GOOD_PASSWORD)
    await account.createKey.focus()
    await s.page.keyboard.press('Enter')
    await visible(account.copyKey)
    // The key is shown once: the keyboard is taken to it (its Copy), not left on the form below.
    assert.equal(await focused(s.page), 'BUTTON Copy')
    // Still one key: the pending button did not let a second submit through.
    await waitUntil('the key listed', async () => (await account.apiKeys.count()) === 1)
    await s.page.waitForLoadState('networkidle')
    assert.equal(await account.apiKeys.count(), 1)
  })

  test('each session in the Sessions list is named, so its Revoke says whose it is', {
    timeout: 90_000,
  }, async () => {
    const first = await signedIn(suite, ADMIN)
    await signedIn(suite, ADMIN)
    const account = new AccountPage(first.page)
    await account.goto()
    await waitUntil('two sessions', async () => (await account.sessions.count()) === 2)
    const region = account.sessionsRegion
    await visible(region.getByRole('listitem', { name: /\(this device\), signed in / }))
    const other = region.getByRole('listitem', { name: /^[^()]+, signed in / })
    await visible(other)
    await visible(other.getByRole('button', { name: 'Revoke', exact: true }))
  })

  test('the audit log and feedback filters put each label beside its field, not centred above it', {
    timeout: 90_000,
  }, async () => {
    const s = await signedIn(suite, ADMIN)
    await s.page.setViewportSize({ width: 390, height: 844 })
    for (const [path, labels] of [
      ['/admin/audit', ['Event type', 'User id']],
      ['/admin/feedback', ['Rating']],
    ] as const) {
      await s.page.goto(path)
      for (const name of labels) {
        const field = s.page.getByLabel(name, { exact: true })
        await visible(field)
        const label = s.page.locator(`label[for="${await field.getAttribute('id')}"]`)
        const [l, f] = [await label.boundingBox(), await field.boundingBox()]
        assert.ok(l && f)
        const middle = l.y + l.height / 2
        assert.ok(middle > f.y && middle < f.y + f.height, `${path}: "${name}" is not beside its field`)
        assert.ok(l.x + l.width <= f.x, `${path}: "${name}" is not left of its field`)
        assert.ok(l.height < f.height / 1.5, `${path}: "${name}" wraps onto two lines`)
      }
    }
  })

  test('deleting your account lands on a plain /sign-in that says the account was deleted', {
    timeout: 90_000,
  }, async () => {
    const s = await signedUp(suite, uniqueEmail('leaver'))
    const account = new AccountPage(s.page)
    await account.goto()
    const remove = new DeleteAccountSection(s.page)
    await remove.deleteButton.click()
    await remove.currentPassword.fill(GOOD_PASSWORD)
    await remove.deleteButton.click()
    await atPath(s.page, '/sign-in')
    await visible(s.page.getByText('Your account was deleted.', { exact: true }))
    // Nothing to come back to: no `next=/account`.
    assert.equal(new URL(s.page.url()).search, '')
    assert.deepEqual(s.unexpected(), [])
  })

  test('deleting a conversation that is not open moves focus to the next one in the list', {
    timeout: 120_000,
  }, async () => {
    const s = await signedUp(suite, uniqueEmail('tidy'))
    const chat = new ChatPage(s.page)
    for (const question of ['How do I run the Docker container?', 'How are passwords and sessions stored?']) {
      await chat.newChat.click()
      await chat.ask(question)
      await chat.waitForAnswer()
    }
    await chat.newChat.click()
    // Newest first: the passwords conversation, then the Docker one.
    const first = chat.conversation('How are passwords')
    await first.getByRole('button', { name: 'Delete', exact: true }).click()
    await first.getByRole('group').getByRole('button', { name: 'Delete', exact: true }).click()
    await waitUntil('the conversation gone', async () => (await first.count()) === 0)
    assert.equal(await focused(s.page), 'A How do I run the Docker container?')
  })

  test('a document says when it was added as every other page does (date and time, not 12/6/2026)', {
    timeout: 90_000,
  }, async () => {
    const s = await signedUp(suite, uniqueEmail('reader'))
    const chat = new ChatPage(s.page)
    await chat.ask('How do I deploy this to Hugging Face Spaces?')
    const answer = await chat.waitForAnswer()
    await chat.citations(answer).first().click()
    const added = s.page.getByText(/^Added /)
    await visible(added)
    assert.match(
      (await added.first().textContent()) ?? '',
      /^Added [A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}/,
    )
  })

  test('declining an invitation says so and leaves focus on the Invitations heading', {
    timeout: 90_000,
  }, async () => {
    const ownerEmail = uniqueEmail('inviter')
    const guestEmail = uniqueEmail('guest')
    const owner = await signedUp(suite, ownerEmail)
    const guest = await signedUp(suite, guestEmail)
    const created = await owner.page.request.post('/api/spaces', { data: { name: 'Book club' } })
    assert.equal(created.status(), 201)
    const { id } = await created.json()
    const invited = await owner.page.request.put(`/api/spaces/${id}/members`, {
      data: { email: guestEmail, role: 'viewer' },
    })
    assert.equal(invited.status(), 202)
    await guest.page.goto('/spaces')
    const invitations = guest.page.getByRole('region', { name: 'Invitations', exact: true })
    const item = invitations.getByRole('listitem', { name: 'Book club', exact: true })
    await item.getByRole('button', { name: 'Decline', exact: true }).click()
    await visible(
      invitations.getByRole('status').filter({ hasText: 'You declined the invitation to Book club.' }),
    )
    assert.equal(await focused(guest.page), 'H2 Invitations')
  })

  test('each document in a space is a list item named after it, holding its Delete', {
    timeout: 90_000,
  }, async () => {
    const s = await signedUp(suite, uniqueEmail('librarian'))
    await s.page.goto('/spaces/mine')
    await s.page.getByLabel('File', { exact: true }).setInputFiles({
      name: 'heron.md',
      mimeType: 'text/markdown',
      buffer: Buffer.from('# Heron notes\n\nThe Heron budget is 12,500 euros.\n'),
    })
    await s.page.getByRole('button', { name: 'Upload', exact: true }).click()
    const item = s.page.getByRole('listitem', { name: 'Heron notes', exact: true })
    await visible(item)
    await visible(item.getByRole('button', { name: 'Delete', exact: true }))
  })

  test('a document that is gone still has a page heading, as a space that is gone does', {
    timeout: 60_000,
  }, async () => {
    const s = await signedUp(suite, uniqueEmail('lost'))
    await s.page.goto('/documents/00000000-0000-7000-8000-000000000099')
    await visible(s.page.getByText('This document does not exist or was deleted.'))
    await visible(s.page.getByRole('heading', { level: 1, name: 'Document', exact: true }))
  })

  test('a cited passage that is gone is a warning on the document page, not a green success', {
    timeout: 60_000,
  }, async () => {
    const s = await signedUp(suite, uniqueEmail('gone-passage'))
    const list = await s.page.request.get('/api/documents')
    const [doc] = (await list.json()).documents as Array<{ id: string }>
    assert.ok(doc)
    await s.page.goto(`/documents/${doc.id}?chunk=00000000-0000-7000-8000-000000000099`)
    const notice = s.page
      .getByRole('status')
      .filter({ hasText: 'The cited passage is no longer in this document' })
    await visible(notice)
    const colours = await notice.evaluate((el) => {
      // The success colours, as the page resolves them.
      const probe = document.createElement('p')
      probe.className = 'notice'
      document.body.append(probe)
      const ok = getComputedStyle(probe)
      const success = { color: ok.color, background: ok.backgroundColor }
      probe.remove()
      const own = getComputedStyle(el)
      return { success, color: own.color, background: own.backgroundColor }
    })
    assert.notEqual(colours.color, colours.success.color, 'the notice is written in the success green')
    assert.notEqual(colours.background, colours.success.background, 'the notice sits on the success green')
  })

  test('removing an item (API key, session, document, member) leaves focus on its list heading', {
    timeout: 150_000,
  }, async () => {
    const email = uniqueEmail('pruner')
    const s = await signedUp(suite, email)
    const other = await suite.session()
    const otherSignIn = new SignInPage(other.page)
    await otherSignIn.goto()
    await otherSignIn.signIn(email, GOOD_PASSWORD)
    await atPath(other.page, '/chat')

    const account = new AccountPage(s.page)
    await account.goto()
    await account.keyName.fill('CI job')
    await account.keyPassword.fill(GOOD_PASSWORD)
    await account.createKey.click()
    await visible(account.apiKey('CI job'))
    await account.revokeApiKey('CI job')
    await waitUntil('the key gone', async () => (await account.apiKeys.count()) === 0)
    assert.equal(await focused(s.page), 'H2 API keys')

    await waitUntil('two sessions', async () => (await account.sessions.count()) === 2)
    await account.revokeButtons.first().click()
    await waitUntil('one session', async () => (await account.sessions.count()) === 1)
    assert.equal(await focused(s.page), 'H2 Sessions')

    await s.page.goto('/spaces/mine')
    await s.page.getByLabel('File', { exact: true }).setInputFiles({
      name: 'notes.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('The Kestrel team meets every Thursday.\n'),
    })
    await s.page.getByRole('button', { name: 'Upload', exact: true }).click()
    const doc = s.page.getByRole('listitem', { name: 'notes', exact: true })
    await doc.getByRole('button', { name: 'Delete', exact: true }).click()
    await doc.getByRole('button', { name: 'Confirm delete', exact: true }).click()
    await waitUntil('the document gone', async () => (await doc.count()) === 0)
    assert.match(await focused(s.page), /^H2 Documents/)

    const created = await s.page.request.post('/api/spaces', { data: { name: 'Reading group' } })
    const { id } = await created.json()
    const invitee = uniqueEmail('invitee')
    await s.page.request.put(`/api/spaces/${id}/members`, { data: { email: invitee, role: 'viewer' } })
    await s.page.goto(`/spaces/${id}`)
    const member = s.page.getByRole('list', { name: 'Members' }).getByRole('listitem', { name: invitee })
    await member.getByRole('button', { name: 'Remove', exact: true }).click()
    await member.getByRole('button', { name: 'Confirm remove', exact: true }).click()
    await waitUntil('the invitation withdrawn', async () => (await member.count()) === 0)
    assert.equal(await focused(s.page), 'H2 Members')
  })
})
