import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { setupSuite } from './helpers/suite'
import { atPath, GOOD_PASSWORD, gone, uniqueEmail, visible, waitUntil } from './helpers/wait'
import { AdminDocumentsPage } from './pages/admin-documents-page'
import { SignInPage, SignUpPage } from './pages/auth-pages'
import { ChatPage } from './pages/chat-page'
import { DocumentPage } from './pages/document-page'

const ADMIN = 'root-admin@example.com'
const TITLE = 'Zorblax Calibration Manual'
const MARKDOWN = `# ${TITLE}

## Recalibration

The zorblax flux regulator must be recalibrated every seventeen days with a quindlewrench.
Skipping a recalibration makes the zorblax hum in B flat.
`

describe('admin documents', () => {
  const suite = setupSuite({ adminEmails: [ADMIN] })

  test('an admin uploads a Markdown file, a question finds it, the admin deletes it', {
    timeout: 120_000,
  }, async () => {
    const s = await suite.session()
    const { page } = s
    // The server made the admin account at start (ADMIN_PASSWORD).
    const signIn = new SignInPage(page)
    await signIn.goto()
    await signIn.signIn(ADMIN, GOOD_PASSWORD)
    await atPath(page, '/chat')

    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Documents', exact: true })
      .click()
    await atPath(page, '/admin/documents')
    const admin = new AdminDocumentsPage(page)
    await visible(admin.upload)
    await admin.uploadFile({ name: 'zorblax.md', mimeType: 'text/markdown', content: MARKDOWN })
    await visible(page.getByRole('status').filter({ hasText: TITLE }), 60_000)
    await visible(admin.document(TITLE))

    const chat = new ChatPage(page)
    await chat.goto()
    await chat.ask('How often must the zorblax flux regulator be recalibrated?', 'enter')
    const answer = await chat.waitForAnswer()
    await visible(answer.getByRole('link', { name: new RegExp(TITLE) }).first())
    const cite = chat.citations(answer).first()
    await visible(cite)
    // Follow the citation that points into the uploaded document.
    const sources = await answer
      .getByRole('link', { name: new RegExp(TITLE) })
      .first()
      .getAttribute('href')
    assert.ok(sources)
    await page.goto(sources)
    const doc = new DocumentPage(page)
    await visible(doc.citedPassage)
    assert.equal(((await doc.title.textContent()) ?? '').trim(), TITLE)
    assert.match((await doc.citedPassage.textContent()) ?? '', /quindlewrench/)

    await admin.goto()
    await admin.deleteDocument(TITLE)
    await gone(admin.document(TITLE))
    assert.deepEqual(s.unexpected(), [])
  })

  test('a non-admin has no Documents link and cannot manage documents', { timeout: 60_000 }, async () => {
    const s = await suite.session()
    const signUp = new SignUpPage(s.page)
    await signUp.goto()
    await signUp.signUp({ email: uniqueEmail('plain'), password: GOOD_PASSWORD })
    await atPath(s.page, '/chat')
    await visible(s.page.getByRole('link', { name: 'Account' }))
    assert.equal(
      await s.page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Documents', exact: true })
        .count(),
      0,
    )
    await s.page.goto('/admin/documents')
    await visible(s.page.getByText('Only administrators can manage documents.'))
    assert.equal(await s.page.getByRole('button', { name: 'Upload' }).count(), 0)
    await waitUntil('no errors', () => s.unexpected().length === 0, 1000)
  })
})
