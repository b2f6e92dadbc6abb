import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { Locator, Page } from 'playwright-core'
import { focused } from './helpers/focus'
import { setupSuite, signedIn, signedUp } from './helpers/suite'
import { atPath, GOOD_PASSWORD, gone, uniqueEmail, visible, waitUntil } from './helpers/wait'
import { AccountPage } from './pages/account-page'
import { ChatPage } from './pages/chat-page'
import { DocumentPage } from './pages/document-page'
import { SpacePage, SpacesPage } from './pages/spaces-page'

/** Keyboard only: focus a control and press Enter, as a person tabbing through the page does. */
async function press(page: Page, button: Locator): Promise<void> {
  await button.focus()
  await page.keyboard.press('Enter')
}

/**
 * `name` inside `item` asks first (a group holding `confirm`, which gets focus); Escape, and then
 * Cancel, put the button back with focus on it, and the item stays.
 */
async function asksFirst(page: Page, item: Locator, name: string, confirm: string): Promise<void> {
  const button = item.getByRole('button', { name, exact: true })
  await press(page, button)
  await visible(item.getByRole('group').getByRole('button', { name: confirm, exact: true }))
  assert.equal(await focused(page), `BUTTON ${confirm}`, `${name} asks first`)
  await page.keyboard.press('Escape')
  await visible(button)
  assert.equal(await focused(page), `BUTTON ${name}`, `Escape after ${name}`)
  await press(page, button)
  await press(page, item.getByRole('button', { name: 'Cancel', exact: true }))
  await visible(button)
  assert.equal(await focused(page), `BUTTON ${name}`, `Cancel after ${name}`)
  await visible(item)
}

/** How opaque `locator` is on screen: its own opacity times that of every ancestor. */
function shownOpacity(locator: Locator): Promise<number> {
  return locator.evaluate((el) => {
    let opacity = 1
    for (let node: Element | null = el; node; node = node.parentElement) {
      opacity *= Number(getComputedStyle(node).opacity)
    }
    return opacity
  })
}

describe('the web UI for a keyboard and phone user (focus, words, layout)', () => {
  const ADMIN = 'audit-admin@example.com'
  const suite = setupSuite({ adminEmails: [ADMIN] })

  test("a conversation's Delete puts focus on the question's Cancel; Escape or Cancel gives it back", {
    timeout: 90_000,
  }, async () => {
    const s = await signedUp(suite, uniqueEmail('delete-keys'))
    const chat = new ChatPage(s.page)
    await chat.ask('How are passwords and sessions stored?')
    await chat.waitForAnswer()
    const item = chat.conversation('How are passwords')
    const remove = item.getByRole('button', { name: 'Delete', exact: true })

    await press(s.page, remove)
    await visible(item.getByRole('group', { name: 'Delete this conversation?' }))
    assert.equal(await focused(s.page), 'BUTTON Cancel')
    await s.page.keyboard.press('Escape')
    await visible(remove)
    assert.equal(await focused(s.page), 'BUTTON Delete')

    await press(s.page, remove)
    await s.page.keyboard.press('Enter') // on Cancel
    await visible(remove)
    assert.equal(await focused(s.page), 'BUTTON Delete')
    await visible(chat.conversation('How are passwords'))
    assert.deepEqual(s.unexpected(), [])
  })

  test("the phone's conversation drawer takes keyboard focus when opened and gives it back when closed", {
    timeout: 90_000,
  }, async () => {
    const s = await signedUp(suite, uniqueEmail('drawer-keys'), { width: 390, height: 844 })
    const chat = new ChatPage(s.page)
    await chat.ask('How do I run the Docker container?')
    await chat.waitForAnswer()
    const toggle = s.page.getByRole('button', { name: 'Conversations', exact: true })
    const conversations = s.page.getByRole('navigation', { name: 'Conversations' })

    await press(s.page, toggle)
    await visible(conversations)
    assert.equal(await focused(s.page), 'BUTTON Close')
    await s.page.keyboard.press('Enter')
    await gone(conversations)
    assert.equal(await focused(s.page), 'BUTTON Conversations')

    await press(s.page, toggle)
    await s.page.keyboard.press('Tab') // the first conversation's link
    await s.page.keyboard.press('Escape')
    await gone(conversations)
    assert.equal(await focused(s.page), 'BUTTON Conversations')

    // New chat from inside the page puts focus in Message, and the drawer's close leaves it there.
    await press(s.page, toggle)
    await press(s.page, chat.newChat)
    assert.equal(await focused(s.page), 'TEXTAREA Message')
    assert.deepEqual(s.unexpected(), [])
  })

  test('Add member keeps keyboard focus once the invitation is sent (the emptied field disabled it)', {
    timeout: 90_000,
  }, async () => {
    const s = await signedUp(suite, uniqueEmail('add-member-keys'))
    const spaces = new SpacesPage(s.page)
    await spaces.goto()
    await spaces.create('Keyboard team')
    const space = new SpacePage(s.page)
    await visible(space.memberEmail)
    await space.memberEmail.fill('first-invitee@example.com')
    await press(s.page, space.addMember)
    await visible(space.member('first-invitee@example.com'))
    await visible(s.page.getByText('Invitation sent to first-invitee@example.com', { exact: false }))
    assert.equal(await space.memberEmail.inputValue(), '')
    assert.equal(await focused(s.page), 'BUTTON Add member')
    // With the field empty the button still says it cannot add anyone, and Enter sends nothing.
    assert.equal(await space.addMember.getAttribute('aria-disabled'), 'true')
    await s.page.keyboard.press('Enter')
    assert.equal(await space.members.getByRole('listitem').count(), 2)
    assert.deepEqual(s.unexpected(), [])
  })

  test("a document's Delete, an API key's Revoke and a member's Remove (yourself too) ask first; Escape or Cancel gives focus back", {
    timeout: 150_000,
  }, async () => {
    const email = uniqueEmail('asks-first')
    const s = await signedUp(suite, email)
    const spaces = new SpacesPage(s.page)
    await spaces.goto()
    await spaces.create('Careful team')
    const space = new SpacePage(s.page)
    await visible(space.memberEmail)
    await space.uploadFile({
      name: 'plover.md',
      mimeType: 'text/markdown',
      content: '# Plover plan\n\nThe plover survey starts in March.\n',
    })
    const doc = s.page.getByRole('listitem', { name: 'Plover plan', exact: true })
    await visible(doc)
    await asksFirst(s.page, doc, 'Delete', 'Confirm delete')
    await space.add('second-member@example.com', 'viewer')
    await visible(space.member('second-member@example.com'))
    await asksFirst(s.page, space.member('second-member@example.com'), 'Remove', 'Confirm remove')
    // Removing yourself is leaving the space: it asks too.
    await asksFirst(s.page, space.member(email), 'Remove', 'Confirm remove')
    // Confirmed, the document goes.
    await press(s.page, doc.getByRole('button', { name: 'Delete', exact: true }))
    await press(s.page, doc.getByRole('button', { name: 'Confirm delete', exact: true }))
    await gone(doc)

    const account = new AccountPage(s.page)
    await account.goto()
    await account.createApiKey('Nightly build', GOOD_PASSWORD)
    await press(s.page, account.apiKeysRegion.getByRole('button', { name: 'Done', exact: true }))
    await asksFirst(s.page, account.apiKey('Nightly build'), 'Revoke', 'Confirm revoke')
    const keys = await s.page.request.get('/api/auth/api-keys')
    assert.equal((await keys.json()).api_keys.length, 1, 'Cancel revoked nothing')
    await press(s.page, account.apiKey('Nightly build').getByRole('button', { name: 'Revoke', exact: true }))
    await press(
      s.page,
      account.apiKey('Nightly build').getByRole('button', { name: 'Confirm revoke', exact: true }),
    )
    await gone(account.apiKey('Nightly build'))
    assert.deepEqual(s.unexpected(), [])
  })

  test('a conversation opened from the list puts keyboard focus in Message, ahead of its citation links', {
    timeout: 120_000,
  }, async () => {
    const s = await signedUp(suite, uniqueEmail('open-keys'))
    const chat = new ChatPage(s.page)
    await chat.ask('How do I run the Docker container?')
    await chat.waitForAnswer()
    await chat.newChat.click()
    await chat.ask('How are passwords and sessions stored?')
    await chat.waitForAnswer()
    await atPath(s.page, /^\/chat\/[0-9a-f-]{36}$/)
    const second = s.page.url()

    await press(s.page, chat.conversation('How do I run the Docker').getByRole('link'))
    await waitUntil('the other conversation open', () => s.page.url() !== second)
    await visible(s.page.getByRole('heading', { level: 1, name: /Docker/ }))
    await chat.waitForAnswer()
    assert.equal(await focused(s.page), 'TEXTAREA Message')
    // By pointer too.
    await chat.conversation('How are passwords').getByRole('link').click()
    await waitUntil('back in the second conversation', () => s.page.url() === second)
    await visible(s.page.getByRole('heading', { level: 1, name: /passwords/ }))
    assert.equal(await focused(s.page), 'TEXTAREA Message')
    assert.deepEqual(s.unexpected(), [])
  })

  test('on a phone, a long inline value wraps on the document page and the feedback list (the page scrolled sideways)', {
    timeout: 90_000,
  }, async () => {
    const s = await signedIn(suite, ADMIN)
    await s.page.setViewportSize({ width: 390, height: 844 })
    const sideways = () => s.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    const chat = new ChatPage(s.page)
    // The deploy guide quotes `https://huggingface.co/spaces/<user>/<space>` in one piece of code.
    await chat.ask('How do I deploy this to Hugging Face Spaces?')
    const answer = await chat.waitForAnswer()
    await chat.answerButton('Bad answer', answer).click()
    await chat.citations(answer).first().click()
    await visible(new DocumentPage(s.page).title)
    await visible(s.page.getByText('https://huggingface.co/spaces/<user>/<space>', { exact: true }).first())
    assert.ok((await sideways()) <= 0, `the document page scrolls sideways by ${await sideways()}px`)

    await s.page.goto('/admin/feedback')
    await visible(s.page.getByRole('listitem', { name: 'How do I deploy this to Hugging Face Spaces?' }))
    assert.ok((await sideways()) <= 0, `the feedback list scrolls sideways by ${await sideways()}px`)
    assert.deepEqual(s.unexpected(), [])
  })

  test('Regenerate, pressed from the keyboard, leaves focus in Message while the new answer comes', {
    timeout: 90_000,
  }, async () => {
    const s = await signedUp(suite, uniqueEmail('regenerate-keys'))
    const chat = new ChatPage(s.page)
    await chat.ask('How do I run the Docker container?')
    await chat.waitForAnswer()
    const answered = () =>
      s.page.evaluate(async () => {
        const id = location.pathname.split('/').pop()
        const body = (await (await fetch(`/api/chat/conversations/${id}`)).json()) as {
          messages: { id: string; role: string }[]
        }
        return body.messages.filter((m) => m.role === 'assistant').map((m) => m.id)
      })
    const before = await answered()
    await press(s.page, chat.answerButton('Regenerate'))
    assert.equal(await focused(s.page), 'TEXTAREA Message')
    await waitUntil('the answer replaced', async () => {
      const now = await answered()
      return now.length === 1 && now[0] !== before[0]
    })
    await chat.waitForAnswer()
    assert.equal(await chat.answers.count(), 1)
    assert.equal(await focused(s.page), 'TEXTAREA Message')
    assert.deepEqual(s.unexpected(), [])
  })

  test('Send comment, pressed from the keyboard, gives focus back to the chosen rating', {
    timeout: 90_000,
  }, async () => {
    const s = await signedUp(suite, uniqueEmail('comment-keys'))
    const chat = new ChatPage(s.page)
    await chat.ask('How are passwords and sessions stored?')
    const answer = await chat.waitForAnswer()
    await press(s.page, chat.answerButton('Bad answer', answer))
    const comment = answer.getByLabel('Comment (optional)', { exact: true })
    await comment.fill('It left out the cookie.')
    await press(s.page, answer.getByRole('button', { name: 'Send comment', exact: true }))
    await visible(answer.getByText('“It left out the cookie.”', { exact: true }))
    assert.equal(await focused(s.page), 'BUTTON Bad answer')
    assert.deepEqual(s.unexpected(), [])
  })

  test("a conversation's title has its row's width at 1280 px; Rename and Delete show on hover and keyboard focus, always on a phone", {
    timeout: 90_000,
  }, async () => {
    const s = await signedUp(suite, uniqueEmail('titles'))
    const chat = new ChatPage(s.page)
    await chat.ask('How are passwords and sessions stored?')
    await chat.waitForAnswer()
    const title = 'Passwords and API keys'
    await chat.renameConversation(/passwords/i, title)
    const item = chat.conversation(title)
    const link = item.getByRole('link', { name: title, exact: true })
    const rename = item.getByRole('button', { name: 'Rename', exact: true })
    const remove = item.getByRole('button', { name: 'Delete', exact: true })
    // Nothing points at the row, and the keyboard is elsewhere.
    await chat.message.focus()
    await s.page.mouse.move(900, 300)
    const cut = await link.evaluate((el) => el.scrollWidth - el.clientWidth)
    assert.ok(cut <= 0, `the title is not cut (${cut}px hidden)`)
    await waitUntil('the actions hidden', async () => (await shownOpacity(rename)) === 0)
    assert.equal(await shownOpacity(remove), 0)

    await item.hover()
    await waitUntil('the actions shown on hover', async () => (await shownOpacity(rename)) === 1)
    assert.equal(await shownOpacity(remove), 1)
    await s.page.mouse.move(900, 300)
    await waitUntil('hidden again', async () => (await shownOpacity(rename)) === 0)

    // From the keyboard: Tab from the title reaches Rename, then Delete, both shown.
    await link.focus()
    assert.equal(await shownOpacity(rename), 1)
    await s.page.keyboard.press('Tab')
    assert.equal(await focused(s.page), 'BUTTON Rename')
    await s.page.keyboard.press('Tab')
    assert.equal(await focused(s.page), 'BUTTON Delete')
    assert.equal(await shownOpacity(remove), 1)

    // A phone's drawer: nothing hovers there, so they are always shown.
    const phone = await signedUp(suite, uniqueEmail('titles-phone'), { width: 390, height: 844 })
    const phoneChat = new ChatPage(phone.page)
    await phoneChat.ask('How do I run the Docker container?')
    await phoneChat.waitForAnswer()
    await phone.page.getByRole('button', { name: 'Conversations', exact: true }).click()
    const phoneItem = phoneChat.conversation(/Docker/)
    await visible(phoneItem)
    await phone.page.mouse.move(380, 800)
    assert.equal(await shownOpacity(phoneItem.getByRole('button', { name: 'Rename', exact: true })), 1)
    assert.equal(await shownOpacity(phoneItem.getByRole('button', { name: 'Delete', exact: true })), 1)
    assert.deepEqual(s.unexpected(), [])
    assert.deepEqual(phone.unexpected(), [])
  })
})
