import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import { failedResource } from './helpers/browser'
import { setupSuite, signedIn, signedUp } from './helpers/suite'
import { atPath, gone, uniqueEmail, visible, waitUntil } from './helpers/wait'
import { ChatPage } from './pages/chat-page'
import { DocumentPage } from './pages/document-page'

const ADMIN = 'pages-admin@example.com'

/** No element may carry an inline style attribute (the UI CSP has no 'unsafe-inline'). */
async function inlineStyles(page: Page): Promise<number> {
  return page.evaluate(() => document.querySelectorAll('[style]').length)
}

describe('every page, in the browser', () => {
  const suite = setupSuite({ adminEmails: [ADMIN] })

  test('UI pages are served with a strict CSP and render without console errors or violations', {
    timeout: 120_000,
  }, async () => {
    const html = await fetch(`${suite.server.baseURL}/sign-in`, { headers: { Accept: 'text/html' } })
    const csp = html.headers.get('content-security-policy') ?? ''
    assert.match(csp, /script-src 'self'/)
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/)

    const anon = await suite.session()
    for (const path of ['/sign-in', '/sign-up', '/no-such-page']) {
      await anon.page.goto(path)
      await anon.page.waitForLoadState('networkidle')
      assert.equal(await inlineStyles(anon.page), 0, `inline style on ${path}`)
    }
    assert.deepEqual(anon.unexpected(), [])

    const s = await signedIn(suite, ADMIN)
    const chat = new ChatPage(s.page)
    await chat.ask('Which environment variables can I set?')
    const answer = await chat.waitForAnswer()
    const href = await chat.citations(answer).first().getAttribute('href')
    const visits = [
      '/chat',
      '/account',
      '/admin/documents',
      '/spaces',
      '/spaces/mine',
      href ?? '/chat',
      new URL(s.page.url()).pathname,
    ]
    for (const path of visits) {
      await s.page.goto(path)
      await s.page.waitForLoadState('networkidle')
      assert.equal(await inlineStyles(s.page), 0, `inline style on ${path}`)
    }
    await visible(new DocumentPage(s.page).title)
    assert.deepEqual(s.unexpected(), [])
  })

  test('keyboard: Enter sends, Shift+Enter adds a line; conversations can be deleted', {
    timeout: 90_000,
  }, async () => {
    const s = await signedUp(suite, uniqueEmail('keys'))
    const chat = new ChatPage(s.page)
    await chat.message.focus()
    await s.page.keyboard.type('What is this project?')
    await s.page.keyboard.press('Shift+Enter')
    await s.page.keyboard.type('Answer briefly.')
    assert.equal(await chat.message.inputValue(), 'What is this project?\nAnswer briefly.')
    await s.page.keyboard.press('Enter')
    await chat.waitForAnswer()
    assert.equal(await chat.message.inputValue(), '')
    await atPath(s.page, /^\/chat\/[0-9a-f-]{36}$/)

    await chat.newChat.click()
    await atPath(s.page, '/chat')
    await chat.ask('How are passwords stored?')
    await chat.waitForAnswer()
    await waitUntil('two conversations', async () => (await chat.conversation(/.+/).count()) === 2)

    await chat.deleteConversation(/passwords/i)
    await atPath(s.page, '/chat')
    await waitUntil('one conversation left', async () => (await chat.conversation(/.+/).count()) === 1)
    await gone(chat.conversation(/passwords/i))
    assert.deepEqual(s.unexpected(), [])
  })

  test('Stop aborts a pending answer and gives the question back', { timeout: 60_000 }, async () => {
    const s = await signedUp(suite, uniqueEmail('stop'))
    // Hold the request open so the answer is still "streaming" when Stop is pressed.
    await s.page.route('**/api/chat/message', () => undefined)
    const chat = new ChatPage(s.page)
    await chat.ask('A question that never gets an answer')
    await visible(chat.stop)
    await chat.stop.click()
    await visible(chat.send)
    assert.equal(await chat.message.inputValue(), 'A question that never gets an answer')
  })

  test('429, 5xx and 401 from the chat endpoint are explained in words', { timeout: 60_000 }, async () => {
    const s = await signedUp(suite, uniqueEmail('errors'))
    const chat = new ChatPage(s.page)
    const reply = (status: number, code: string, headers: Record<string, string> = {}) =>
      s.page.route('**/api/chat/message', (route) =>
        route.fulfill({
          status,
          headers: { 'Content-Type': 'application/json', ...headers },
          body: JSON.stringify({ detail: 'nope', code }),
        }),
      )
    await reply(429, 'rate_limited', { 'Retry-After': '42' })
    await chat.ask('First')
    await visible(s.page.getByRole('alert').filter({ hasText: 'Too many requests — try again in 42 s' }))

    await s.page.unrouteAll()
    await reply(502, 'upstream_error')
    await chat.ask('Second')
    await visible(s.page.getByRole('alert').filter({ hasText: 'answer service returned an error' }))

    await s.page.unrouteAll()
    await reply(401, 'invalid_session')
    await chat.ask('Third')
    await atPath(s.page, '/sign-in')
    await visible(s.page.getByText('Your session has ended'))
    assert.deepEqual(s.unexpected([failedResource(429), failedResource(502), failedResource(401)]), [])
  })

  test('an answer that failed after it began is not captioned as written by a language model', {
    timeout: 90_000,
  }, async () => {
    const s = await signedUp(suite, uniqueEmail('failed-caption'))
    const chat = new ChatPage(s.page)
    await chat.ask('How do I run the Docker container?')
    await chat.waitForAnswer()
    await atPath(s.page, /^\/chat\/[0-9a-f-]{36}$/)
    const conversationId = new URL(s.page.url()).pathname.split('/').pop()
    // As from a language model that failed after the stream began: `meta` (mode llm), then an error.
    const meta = { conversation_id: conversationId, message_id: crypto.randomUUID(), mode: 'llm' }
    const error = { code: 'upstream_error', detail: 'The answer service returned an error.' }
    await s.page.route('**/api/chat/message', (route) =>
      route.fulfill({
        status: 200,
        headers: { 'Content-Type': 'text/event-stream' },
        body: `event: meta\ndata: ${JSON.stringify(meta)}\n\nevent: error\ndata: ${JSON.stringify(error)}\n\n`,
      }),
    )
    await chat.ask('How do I stop the Docker container?')
    const failed = chat.answers.nth(1)
    await visible(failed.getByRole('alert').filter({ hasText: 'answer service returned an error' }))
    assert.doesNotMatch((await failed.textContent()) ?? '', /language model/)
    assert.deepEqual(s.unexpected(), [])
  })

  test('a phone-sized screen: conversations behind a toggle, composer in reach', {
    timeout: 90_000,
  }, async () => {
    const s = await signedUp(suite, uniqueEmail('phone'), { width: 390, height: 844 })
    const chat = new ChatPage(s.page)
    await chat.ask('How do I deploy this to Hugging Face Spaces?')
    await chat.waitForAnswer()
    const overflow = await s.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    assert.ok(overflow <= 0, `no horizontal scrolling (overflow ${overflow}px)`)
    const conversations = s.page.getByRole('navigation', { name: 'Conversations' })
    assert.equal(await conversations.isVisible(), false)
    await s.page.getByRole('button', { name: 'Conversations' }).click()
    await visible(conversations)
    await conversations.getByRole('link').first().click()
    assert.equal(await conversations.isVisible(), false)
    const box = await chat.send.boundingBox()
    assert.ok(box && box.y + box.height <= 844, 'Send is on screen')
    assert.deepEqual(s.unexpected(), [])
  })
})
