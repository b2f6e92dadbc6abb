import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { axeInBothSchemes } from './helpers/axe'
import { failedResource, type Session } from './helpers/browser'
import { focused } from './helpers/focus'
import { type OpenAiChatServer, startOpenAiChatServer } from './helpers/openai-server'
import { setupSuite, signedIn, signedUp } from './helpers/suite'
import { atPath, GOOD_PASSWORD, gone, uniqueEmail, visible, waitUntil } from './helpers/wait'
import { AdminFeedbackPage } from './pages/admin-feedback-page'
import { SignInPage } from './pages/auth-pages'
import { ChatPage } from './pages/chat-page'

const ADMIN = 'chat-ux-admin@example.com'
const MODE_WORDS = "Answered from the documents' sentences — no language model configured"

async function conversationJson(
  s: Session,
): Promise<{ messages: Array<{ id: string; role: string; content: string }> }> {
  const id = new URL(s.page.url()).pathname.split('/').pop()
  const response = await s.page.request.get(`/api/chat/conversations/${id}`)
  assert.equal(response.status(), 200)
  return response.json()
}

describe('the chat people expect', () => {
  const suite = setupSuite({ adminEmails: [ADMIN] })

  test('a signed-out visit to /, /sign-in and /chat logs no console error; auth pages pass axe', {
    timeout: 90_000,
  }, async () => {
    const s = await suite.session()
    for (const path of ['/', '/sign-in', '/chat', '/sign-up']) {
      await s.page.goto(path)
      await s.page.waitForLoadState('networkidle')
    }
    await atPath(s.page, '/sign-up')
    assert.deepEqual(s.unexpected(), [])
    for (const path of ['/sign-in', '/sign-up', '/no-such-page']) {
      await s.page.goto(path)
      await s.page.waitForLoadState('networkidle')
      assert.deepEqual(await axeInBothSchemes(s.page), [], path)
    }
  })

  test('a `next` after sign-in and links in answers go through the router only for plain in-app paths, never API ones', {
    timeout: 120_000,
  }, async () => {
    const email = uniqueEmail('links')
    const first = await signedUp(suite, email)
    const chat = new ChatPage(first.page)
    await chat.ask('How do I run the Docker container?')
    await chat.waitForAnswer()
    const chatPath = new URL(first.page.url()).pathname
    // The saved answer, as the server might return a model's Markdown with look-alike paths.
    await first.page.route('**/api/chat/conversations/*', async (route) => {
      const response = await route.fetch()
      const body = await response.json()
      const last = body.messages[body.messages.length - 1]
      last.content = '[tab](/%09/evil.example) [slash](/\\evil.example) [ours](/account)'
      await route.fulfill({ response, json: body })
    })
    await first.page.goto(chatPath)
    const answer = await chat.waitForAnswer()
    for (const name of ['tab', 'slash']) {
      const link = answer.getByRole('link', { name, exact: true })
      assert.equal(await link.getAttribute('target'), '_blank', name)
      assert.equal(await link.getAttribute('rel'), 'noopener noreferrer', name)
    }
    const ours = answer.getByRole('link', { name: 'ours', exact: true })
    assert.equal(await ours.getAttribute('target'), null)
    await ours.click()
    await atPath(first.page, '/account')
    assert.deepEqual(first.unexpected(), [])

    // Nor to the server's own routes (raw JSON, not a page), however they are spelled.
    for (const next of [
      '/%09/evil.example',
      '/\\evil.example',
      '/api/auth/me',
      '/%61pi/auth/me',
      '/API/auth/me',
      '/v1/models',
      '/health',
      '/docs',
      '/openapi.json',
    ]) {
      const s = await suite.session()
      const signIn = new SignInPage(s.page)
      await signIn.goto(next)
      await signIn.signIn(email, GOOD_PASSWORD)
      await atPath(s.page, '/chat', 15_000)
      assert.equal(new URL(s.page.url()).host, new URL(suite.server.baseURL).host)
      await visible(s.page.getByRole('button', { name: 'New chat', exact: true }))
    }
  })

  test('feedback: Good answer with a comment is kept after reload and listed for the admin with an export', {
    timeout: 150_000,
  }, async () => {
    const s = await signedIn(suite, ADMIN)
    const chat = new ChatPage(s.page)
    const question = 'Which port does the Docker container listen on?'
    await chat.ask(question)
    let answer = await chat.waitForAnswer()
    await visible(answer.getByText(MODE_WORDS))
    await visible(answer.locator('time'))
    await chat.answerButton('Good answer').click()
    await waitUntil(
      'Good answer pressed',
      async () => (await chat.answerButton('Good answer').getAttribute('aria-pressed')) === 'true',
    )
    await visible(answer.getByText(/shared, with their question, with the administrators/))
    await answer.getByLabel('Comment (optional)').fill('Exactly what I needed.')
    await answer.getByRole('button', { name: 'Send comment', exact: true }).click()
    await visible(answer.getByText('“Exactly what I needed.”'))

    await s.page.reload()
    answer = await chat.waitForAnswer()
    await visible(answer.getByText(MODE_WORDS))
    assert.equal(await chat.answerButton('Good answer').getAttribute('aria-pressed'), 'true')
    assert.equal(await chat.answerButton('Bad answer').getAttribute('aria-pressed'), 'false')
    await visible(answer.getByText('“Exactly what I needed.”'))
    assert.deepEqual(await axeInBothSchemes(s.page), [], '/chat/{id} with a rated answer')

    await s.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Feedback' }).click()
    const admin = new AdminFeedbackPage(s.page)
    await visible(admin.heading)
    const item = admin.item(question)
    await visible(item)
    await visible(item.getByText('Good answer'))
    await visible(item.getByText('Exactly what I needed.'))
    await visible(item.getByRole('list', { name: 'Citations' }).getByRole('link').first())
    assert.deepEqual(await axeInBothSchemes(s.page), [], '/admin/feedback')

    const href = await admin.exportLink('JSON Lines').getAttribute('href')
    assert.ok(href)
    const exported = await s.page.request.get(href)
    assert.equal(exported.status(), 200)
    const lines = (await exported.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    assert.ok(
      lines.some(
        (l) => l.question === question && l.comment === 'Exactly what I needed.' && l.rating === 'up',
      ),
    )
    const csv = await s.page.request.get((await admin.exportLink('CSV').getAttribute('href')) ?? '')
    assert.match(await csv.text(), /Exactly what I needed\./)

    // Withdrawing: pressing the chosen rating again.
    await chat.goto()
    await chat.conversation(question).getByRole('link').click()
    await chat.waitForAnswer()
    await chat.answerButton('Good answer').click()
    await waitUntil(
      'rating withdrawn',
      async () => (await chat.answerButton('Good answer').getAttribute('aria-pressed')) === 'false',
    )
    await s.page.reload()
    await chat.waitForAnswer()
    assert.equal(await chat.answerButton('Good answer').getAttribute('aria-pressed'), 'false')
    assert.deepEqual(s.unexpected(), [])
  })

  test("a rated answer's comment can be added and edited later, after a reload too; Enter sends it", {
    timeout: 120_000,
  }, async () => {
    const s = await signedUp(suite, uniqueEmail('comment-edit'))
    const chat = new ChatPage(s.page)
    await chat.ask('How are passwords stored?')
    let answer = await chat.waitForAnswer()
    const comment = answer.getByLabel('Comment (optional)', { exact: true })
    const savedFeedback = async () =>
      (await conversationJson(s)).messages[1] as unknown as { feedback: unknown }

    // Enter sends the comment; Shift+Enter is a new line.
    await chat.answerButton('Bad answer').click()
    await comment.click()
    await s.page.keyboard.type('It left out')
    await s.page.keyboard.press('Shift+Enter')
    await s.page.keyboard.type('the cookie.')
    assert.equal(await comment.inputValue(), 'It left out\nthe cookie.')
    await s.page.keyboard.press('Enter')
    await gone(comment)
    await waitUntil('the comment saved', async () => {
      const feedback = (await savedFeedback()).feedback as { comment?: string } | null
      return feedback?.comment === 'It left out\nthe cookie.'
    })

    // After a reload the comment can be edited, and emptied.
    await s.page.reload()
    answer = await chat.waitForAnswer()
    await answer.getByRole('button', { name: 'Edit comment', exact: true }).click()
    assert.equal(await comment.inputValue(), 'It left out\nthe cookie.')
    assert.equal(await comment.evaluate((el) => el === document.activeElement), true)
    await comment.fill('It left out the session cookie.')
    await comment.press('Enter')
    await visible(answer.getByText('“It left out the session cookie.”', { exact: true }))
    await s.page.reload()
    answer = await chat.waitForAnswer()
    await visible(answer.getByText('“It left out the session cookie.”', { exact: true }))
    assert.equal(await chat.answerButton('Bad answer').getAttribute('aria-pressed'), 'true')
    await answer.getByRole('button', { name: 'Edit comment', exact: true }).click()
    await comment.fill('')
    await answer.getByRole('button', { name: 'Send comment', exact: true }).click()
    await visible(answer.getByRole('button', { name: 'Add comment', exact: true }))
    await waitUntil('the comment removed, the rating kept', async () => {
      const feedback = (await savedFeedback()).feedback as { rating?: string; comment?: string | null } | null
      return feedback?.rating === 'down' && !feedback.comment
    })

    // A rated answer without a comment gets one after a reload; Cancel leaves it as it was.
    await s.page.reload()
    answer = await chat.waitForAnswer()
    const add = answer.getByRole('button', { name: 'Add comment', exact: true })
    await add.click()
    await comment.fill('Never mind.')
    await answer.getByRole('button', { name: 'Cancel', exact: true }).click()
    await gone(comment)
    assert.equal(await add.evaluate((el) => el === document.activeElement), true)
    await add.click()
    await comment.fill('Thanks, now it does.')
    await answer.getByRole('button', { name: 'Send comment', exact: true }).click()
    await visible(answer.getByText('“Thanks, now it does.”', { exact: true }))
    await s.page.reload()
    await visible((await chat.waitForAnswer()).getByText('“Thanks, now it does.”', { exact: true }))
    assert.deepEqual(s.unexpected(), [])
  })

  test('rename (with the full title as tooltip), copy, regenerate, delete with confirmation', {
    timeout: 150_000,
  }, async () => {
    const s = await signedUp(suite, uniqueEmail('ux'))
    await s.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: suite.server.baseURL })
    const chat = new ChatPage(s.page)
    // A suggestion leaves the focus in the message box.
    await s.page.getByRole('button', { name: 'How do I deploy this to Hugging Face Spaces?' }).click()
    assert.equal(await chat.message.evaluate((el) => el === document.activeElement), true)
    await chat.waitForAnswer()
    await atPath(s.page, /^\/chat\/[0-9a-f-]{36}$/)

    const longTitle =
      `Deploying to Spaces — notes for the whole team, with every step ${'and detail '.repeat(8)}`.trim()
    await chat.renameConversation(/Hugging Face/, longTitle)
    const item = chat.conversation(longTitle)
    await visible(item)
    assert.equal(await item.getByRole('link').getAttribute('title'), longTitle)
    await s.page.reload()
    await visible(chat.conversation(longTitle))
    await visible(s.page.getByRole('heading', { name: longTitle, level: 1 }))

    // Copy puts the answer's text on the clipboard.
    await chat.waitForAnswer()
    await chat.answerButton('Copy').click()
    await visible(chat.lastAnswer().getByRole('status').filter({ hasText: 'Copied' }))
    const copied = await s.page.evaluate(() => navigator.clipboard.readText())
    const saved = await conversationJson(s)
    assert.equal(copied, saved.messages[saved.messages.length - 1]?.content)

    // Regenerate answers the last question again, in place of its answer: the conversation keeps
    // one question and one answer, a new one, after a reload too.
    assert.equal(await chat.answers.count(), 1)
    const replaced = saved.messages[saved.messages.length - 1]?.id
    await chat.answerButton('Regenerate').click()
    await waitUntil('the new answer saved in place of the old', async () => {
      const messages = (await conversationJson(s)).messages
      return messages.length === 2 && messages[1]?.role === 'assistant' && messages[1]?.id !== replaced
    })
    await chat.waitForAnswer()
    assert.equal(await chat.answers.count(), 1)
    assert.equal(await chat.questions.count(), 1)
    await visible(chat.answerButton('Regenerate'))
    const after = await conversationJson(s)
    assert.deepEqual(
      after.messages.map((m) => (m.role === 'user' ? m.content : m.role)),
      ['How do I deploy this to Hugging Face Spaces?', 'assistant'],
    )
    await s.page.reload()
    await chat.waitForAnswer()
    assert.equal(await chat.answers.count(), 1)
    assert.equal(await chat.questions.count(), 1)
    // The view follows the new answer down.
    const bottom = await s.page
      .locator('.message-scroll')
      .evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)
    assert.ok(bottom < 80, `scrolled to the new answer (${bottom}px left)`)

    // Delete asks first; Cancel keeps the conversation.
    await item.getByRole('button', { name: 'Delete', exact: true }).click()
    await item.getByRole('button', { name: 'Cancel', exact: true }).click()
    await visible(chat.conversation(longTitle))
    await chat.deleteConversation(longTitle)
    await gone(chat.conversation(longTitle))
    await atPath(s.page, '/chat')
    assert.deepEqual(s.unexpected(), [])
  })

  test('the phone drawer dims the page and closes with its own button', { timeout: 90_000 }, async () => {
    const s = await signedUp(suite, uniqueEmail('drawer'), { width: 390, height: 844 })
    const chat = new ChatPage(s.page)
    await chat.ask('How do I run the Docker container?')
    await chat.waitForAnswer()
    const conversations = s.page.getByRole('navigation', { name: 'Conversations' })
    await s.page.getByRole('button', { name: 'Conversations', exact: true }).click()
    await visible(conversations)
    await visible(s.page.locator('.sidebar-backdrop'))
    assert.deepEqual(await axeInBothSchemes(s.page), [], 'open drawer')
    await s.page.getByRole('button', { name: 'Close', exact: true }).click()
    await gone(conversations)
    await s.page.getByRole('button', { name: 'Conversations', exact: true }).click()
    await visible(conversations)
    await s.page.keyboard.press('Escape')
    await gone(conversations)
    assert.deepEqual(s.unexpected(), [])
  })

  test("a failed upload's bar says it failed, in the error colour, not the blue of one that went in", {
    timeout: 120_000,
  }, async () => {
    const s = await signedUp(suite, uniqueEmail('upload-card'))
    const { page } = s
    await page.goto('/spaces/mine')
    await page.getByLabel('File', { exact: true }).setInputFiles([
      {
        name: 'delta-note.md',
        mimeType: 'text/markdown',
        buffer: Buffer.from('# Delta note\n\nThe delta widget naps at midnight.\n'),
      },
      {
        name: 'photo.png',
        mimeType: 'image/png',
        buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10]),
      },
    ])
    await page.getByRole('button', { name: 'Upload', exact: true }).click()
    const uploads = page.getByRole('list', { name: 'Uploads' })
    await visible(uploads.getByRole('status').filter({ hasText: 'Delta note' }), 60_000)
    const refusal = uploads.getByRole('alert')
    await visible(refusal, 60_000)
    const worked = uploads.getByRole('progressbar', { name: 'Upload of delta-note.md', exact: true })
    const failed = uploads.getByRole('progressbar', { name: 'Upload of photo.png', exact: true })
    assert.equal(await worked.getAttribute('aria-valuetext'), '100%')
    assert.equal(await failed.getAttribute('aria-valuetext'), 'Failed')
    const danger = await refusal.evaluate((el) => getComputedStyle(el).color)
    const bar = (locator: typeof failed) => locator.evaluate((el) => getComputedStyle(el).accentColor)
    assert.equal(await bar(failed), danger, "the failed file's bar is in the error colour")
    assert.notEqual(await bar(worked), danger, "the uploaded file's bar is not")
    assert.deepEqual(s.unexpected([failedResource(415), failedResource(422)]), [])
  })

  test('files dropped anywhere on the "Add a document" card upload, not only on its form', {
    timeout: 120_000,
  }, async () => {
    const s = await signedUp(suite, uniqueEmail('drop-card'))
    const { page } = s
    await page.goto('/spaces/mine')
    // Dropped on the card's heading, not on the form: uploaded all the same.
    const uploads = page.getByRole('list', { name: 'Uploads' })
    const dataTransfer = await page.evaluateHandle(() => {
      const dt = new DataTransfer()
      dt.items.add(
        new File(['# Epsilon note\n\nThe epsilon widget hums at noon.\n'], 'epsilon-note.md', {
          type: 'text/markdown',
        }),
      )
      return dt
    })
    await page
      .getByRole('heading', { name: 'Add a document', exact: true })
      .dispatchEvent('drop', { dataTransfer })
    await visible(uploads.getByRole('status').filter({ hasText: 'Epsilon note' }), 60_000)
    await visible(page.locator('.document-list').getByRole('listitem').filter({ hasText: 'Epsilon note' }))
    assert.deepEqual(s.unexpected(), [])
  })

  test('admin upload takes several files, by drag-and-drop too, with progress; signed-in pages pass axe', {
    timeout: 150_000,
  }, async () => {
    const s = await signedIn(suite, ADMIN)
    const { page } = s
    await page.goto('/admin/documents')
    const file = page.getByLabel('File', { exact: true })
    await file.setInputFiles([
      {
        name: 'alpha-note.md',
        mimeType: 'text/markdown',
        buffer: Buffer.from('# Alpha note\n\nThe alpha widget hums at dawn.\n'),
      },
      {
        name: 'beta-note.txt',
        mimeType: 'text/plain',
        buffer: Buffer.from(
          'Beta note\n\nThe beta widget sleeps at noon.\n\n# of beta widgets: 3 <size> * 2 crates.\n',
        ),
      },
    ])
    await page.getByRole('button', { name: 'Upload', exact: true }).click()
    const uploads = page.getByRole('list', { name: 'Uploads' })
    await visible(uploads.getByRole('status').filter({ hasText: 'Alpha note' }), 60_000)
    await visible(uploads.getByRole('status').filter({ hasText: /Added/ }).nth(1), 60_000)
    assert.equal(await uploads.getByRole('progressbar').count(), 2)

    const dataTransfer = await page.evaluateHandle(() => {
      const dt = new DataTransfer()
      dt.items.add(
        new File(['# Gamma note\n\nThe gamma widget sings at dusk.\n'], 'gamma-note.md', {
          type: 'text/markdown',
        }),
      )
      return dt
    })
    await page.locator('form.upload-form').dispatchEvent('drop', { dataTransfer })
    await visible(uploads.getByRole('status').filter({ hasText: 'Gamma note' }), 60_000)
    await visible(page.locator('.document-list').getByRole('listitem').filter({ hasText: 'Gamma note' }))

    for (const path of ['/chat', '/account', '/admin/documents', '/spaces', '/spaces/mine']) {
      await page.goto(path)
      await page.waitForLoadState('networkidle')
      assert.deepEqual(await axeInBothSchemes(page), [], path)
    }
    const doc = page
      .locator('.document-list')
      .getByRole('listitem')
      .filter({ hasText: 'Gamma note' })
      .getByRole('link')
      .first()
    await page.goto('/admin/documents')
    await doc.click()
    await page.waitForLoadState('networkidle')
    assert.deepEqual(await axeInBothSchemes(page), [], '/documents/{id}')
    // A text file is shown as written: nothing in it is read as Markdown or HTML.
    await page.goto('/admin/documents')
    await page.locator('.document-list').getByRole('link', { name: 'Beta note' }).click()
    await visible(page.getByText('# of beta widgets: 3 <size> * 2 crates.', { exact: true }))
    assert.equal(await page.getByRole('heading', { name: /of beta widgets/ }).count(), 0)
    assert.deepEqual(s.unexpected(), [])
  })
})

describe('an unfinished last turn, with a language model that fails or is stopped', () => {
  let llm: OpenAiChatServer | undefined
  // Read when the suite's server starts, after this file's first `before` has filled it in.
  const env: Record<string, string> = { LLM_MODEL: 'test-model' }
  before(async () => {
    llm = await startOpenAiChatServer()
    env.LLM_BASE_URL = llm.url
  })
  after(async () => {
    await llm?.close()
  })
  const suite = setupSuite({ env })
  const model = () => {
    if (!llm) throw new Error('model server not started')
    return llm
  }

  test('`Try again` answers the question again after a model error, a Stop, and a reload that lost the answer', {
    timeout: 150_000,
  }, async () => {
    const s = await signedUp(suite, uniqueEmail('try-again'))
    const chat = new ChatPage(s.page)
    const tryAgain = s.page.getByRole('button', { name: 'Try again', exact: true })

    // The model fails: the question is saved, the answer is an error, and `Try again` asks again.
    model().setDefault({ status: 500 })
    await chat.ask('How do I run the Docker container?')
    await visible(
      chat.lastAnswer().getByRole('alert').filter({ hasText: 'answer service returned an error' }),
    )
    await atPath(s.page, /^\/chat\/[0-9a-f-]{36}$/)
    // An answer citing no source would be replaced by "The documents do not cover this."
    model().setDefault({ text: 'Start it with docker run [1].' })
    await chat.lastAnswer().getByRole('button', { name: 'Try again', exact: true }).click()
    await visible(chat.lastAnswer().getByText(/Start it with docker run/))
    await chat.waitForAnswer()
    assert.equal(await focused(s.page), 'TEXTAREA Message')
    assert.equal(await tryAgain.count(), 0)
    await visible(chat.answerButton('Regenerate'))
    await s.page.reload()
    await visible(chat.lastAnswer().getByText(/Start it with docker run/))
    assert.equal(await chat.questions.count(), 1)
    assert.equal(await chat.answers.count(), 1)
    assert.deepEqual(
      (await conversationJson(s)).messages.map((m) => m.role),
      ['user', 'assistant'],
    )

    // Stop: the stopped answer offers `Try again`; after a reload the question still has no
    // answer, and `Try again` beside it answers it.
    model().setDefault({ text: 'A slow answer [1]. ', forever: true, intervalMs: 50 })
    const asked = model().requests.length
    await chat.ask('How are passwords stored?')
    await waitUntil('the model asked', () => model().requests.length > asked)
    await chat.stop.click()
    await visible(chat.lastAnswer().getByText('Stopped', { exact: true }))
    await visible(chat.lastAnswer().getByRole('button', { name: 'Try again', exact: true }))
    await s.page.reload()
    await visible(chat.questions.nth(1))
    assert.equal(await chat.answers.count(), 1)
    await visible(s.page.getByText('This question has no answer.', { exact: true }))
    assert.deepEqual(await axeInBothSchemes(s.page), [], 'a question without an answer')
    model().setDefault({ text: 'With Argon2id [1].' })
    await tryAgain.click()
    await visible(chat.lastAnswer().getByText(/With Argon2id/))
    await chat.waitForAnswer()
    assert.equal(await tryAgain.count(), 0)
    await s.page.reload()
    await visible(chat.lastAnswer().getByText(/With Argon2id/))
    assert.equal(await chat.questions.count(), 2)
    assert.equal(await chat.answers.count(), 2)
    assert.deepEqual(
      (await conversationJson(s)).messages.map((m) => m.role),
      ['user', 'assistant', 'user', 'assistant'],
    )
    assert.deepEqual(s.unexpected(), [])
  })
})
