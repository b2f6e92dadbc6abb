import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { failedResource } from './helpers/browser'
import { setupSuite } from './helpers/suite'
import { atPath, GOOD_PASSWORD, uniqueEmail, visible, waitUntil } from './helpers/wait'
import { AccountPage } from './pages/account-page'
import { SignInPage, SignUpPage } from './pages/auth-pages'
import { ChatPage } from './pages/chat-page'
import { DocumentPage } from './pages/document-page'

const QUESTION = 'How do I deploy this to Hugging Face Spaces?'

describe('a new user, start to finish', () => {
  const suite = setupSuite()

  test('signs up, gets a streamed cited answer, follows the citation, comes back, revokes a session, signs out', {
    timeout: 180_000,
  }, async () => {
    const first = await suite.session()
    const { page } = first
    const email = uniqueEmail('alice')

    // A protected page sends a stranger to /sign-in, remembering where they were going.
    await page.goto('/chat')
    await atPath(page, '/sign-in')
    assert.equal(new URL(page.url()).searchParams.get('next'), '/chat')
    // Checking for a session on that first visit is the one request allowed to answer 401.
    assert.deepEqual(first.unexpected([failedResource(401)]), [])
    first.problems.console.length = 0

    await page.getByRole('link', { name: 'Create an account' }).click()
    await atPath(page, '/sign-up')
    await new SignUpPage(page).signUp({ name: 'Alice', email, password: GOOD_PASSWORD })
    await atPath(page, '/chat')

    // Ask; the answer arrives as Server-Sent Events and renders with [n] links.
    const chat = new ChatPage(page)
    const streamed = page.waitForResponse((r) => r.url().endsWith('/api/chat/message'))
    await chat.ask(QUESTION)
    const response = await streamed
    assert.equal(response.status(), 200)
    assert.match(response.headers()['content-type'] ?? '', /^text\/event-stream/)
    await atPath(page, /^\/chat\/[0-9a-f-]{36}$/)
    const conversationPath = new URL(page.url()).pathname
    const answer = await chat.waitForAnswer()
    assert.ok(((await answer.textContent()) ?? '').length > 20, 'the answer has text')
    await visible(chat.citations(answer).first())
    const href = (await chat.citations(answer).first().getAttribute('href')) ?? ''
    assert.match(href, /^\/documents\/[^/?]+\?chunk=[^&]+$/)
    // The mode in words (issue 22.7), not the API's llm/extractive.
    assert.match(
      (await answer.locator('.mode-words').textContent()) ?? '',
      /^(Written by a language model from the cited passages|Answered from the documents' sentences — no language model configured)$/,
    )
    await visible(chat.questions.filter({ hasText: QUESTION }))
    await visible(chat.conversation(/Hugging Face|deploy/i))

    // The citation opens the source with the cited passage highlighted.
    await chat.citations(answer).first().click()
    await atPath(page, /^\/documents\/[^/]+\?chunk=/)
    const doc = new DocumentPage(page)
    await visible(doc.citedPassage)
    assert.ok((await doc.highlights.count()) > 0, 'the passage is highlighted')
    assert.ok(
      await doc.citedPassage.evaluate((el) => {
        const box = el.getBoundingClientRect()
        return box.top < window.innerHeight && box.bottom > 0
      }),
      'the cited passage is scrolled into view',
    )

    // Back, then a reload: still signed in, same conversation, answer and citations kept.
    await page.goBack()
    await atPath(page, conversationPath)
    await page.reload()
    await atPath(page, conversationPath)
    await visible(chat.questions.filter({ hasText: QUESTION }))
    const kept = await chat.waitForAnswer()
    await visible(chat.citations(kept).first())

    // A second device signs in; the first sees it on /account and revokes it.
    const second = await suite.session()
    const signIn = new SignInPage(second.page)
    await signIn.goto()
    await signIn.signIn(email, GOOD_PASSWORD)
    await atPath(second.page, '/chat')

    const account = new AccountPage(page)
    await account.goto()
    await waitUntil('two sessions listed', async () => (await account.sessions.count()) === 2)
    assert.equal(await account.revokeButtons.count(), 1, 'only the other session can be revoked')
    await account.revokeButtons.first().click()
    await waitUntil('the other session to disappear', async () => (await account.sessions.count()) === 1)
    assert.equal(await account.revokeButtons.count(), 0)

    // The revoked device is sent back to sign in on its next request.
    await second.page.goto('/account')
    await atPath(second.page, '/sign-in')
    await visible(second.page.getByText('Your session has ended'))
    assert.deepEqual(second.unexpected([failedResource(401)]), [])

    // Sign out from a conversation: the sign-in page leads nowhere back (whoever signs in next on
    // this browser must not land on it); protected pages opened later redirect to /sign-in.
    await page.goto(conversationPath)
    await visible(chat.signOut)
    await chat.signOut.click()
    await atPath(page, '/sign-in')
    // The page being left may redirect after the sign-out's own navigation: let it settle.
    await page.waitForTimeout(800)
    assert.equal(new URL(page.url()).searchParams.get('next'), null)
    for (const path of ['/chat', conversationPath, '/account']) {
      await page.goto(path)
      await atPath(page, '/sign-in')
      assert.equal(new URL(page.url()).searchParams.get('next'), path)
    }
    assert.deepEqual(first.unexpected(), [], 'no console errors, page errors or CSP violations')
  })
})
