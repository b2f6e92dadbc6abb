import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { Locator } from 'playwright-core'
import { axeInBothSchemes } from './helpers/axe'
import { setupSuite, signedUp } from './helpers/suite'
import { atPath, gone, uniqueEmail, visible, waitUntil } from './helpers/wait'
import { ChatPage } from './pages/chat-page'
import { DocumentPage } from './pages/document-page'
import { SpacePage, SpacesPage } from './pages/spaces-page'

const NOT_COVERED = 'The documents do not cover this.'

/** Made-up words, so that only the uploaded document can answer (the demo corpus is in every run). */
const PERSONAL = {
  title: 'Snorkwood Kettle Notes',
  file: 'snorkwood.md',
  question: 'How often must the snorkwood kettle be descaled?',
  fact: /nineteen days/,
  markdown: `# Snorkwood Kettle Notes

## Descaling

The snorkwood kettle must be descaled every nineteen days with a spoonful of glimmerite.
`,
}

const TEAM = {
  title: 'Frumious Lattice Handbook',
  file: 'frumious.md',
  question: 'How often must the frumious lattice be re-tensioned?',
  fact: /eleven days/,
  markdown: `# Frumious Lattice Handbook

## Maintenance

The frumious lattice must be re-tensioned every eleven days with a brasswhistle.
`,
}

/** The Sources entry of an answer that names `title`, with the space it comes from after the link. */
function source(answer: Locator, title: string): Locator {
  return answer.locator('.sources').getByRole('listitem').filter({ hasText: title })
}

async function textOf(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim()
}

describe('spaces in the browser', () => {
  const suite = setupSuite()

  test('My documents answers its owner only; a team space reaches a second user once they accept the invitation', {
    timeout: 300_000,
  }, async () => {
    const emailA = uniqueEmail('space-owner')
    const emailB = uniqueEmail('space-viewer')
    const teamName = `Lattice crew ${Date.now().toString(36)}`

    // A: "My documents" in the header opens the personal space, where A uploads.
    const a = await signedUp(suite, emailA)
    await a.page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'My documents', exact: true })
      .click()
    await atPath(a.page, '/spaces/mine')
    const mine = new SpacePage(a.page)
    await visible(mine.upload)
    assert.equal(await textOf(mine.heading), 'My documents')
    assert.equal(await mine.addMember.count(), 0, 'a personal space has no members')
    assert.equal(await mine.deleteSpace.count(), 0, 'a personal space cannot be deleted')
    await mine.uploadFile({ name: PERSONAL.file, mimeType: 'text/markdown', content: PERSONAL.markdown })
    await visible(mine.uploaded(PERSONAL.title), 60_000)
    await visible(mine.document(PERSONAL.title))
    assert.deepEqual(await axeInBothSchemes(a.page), [], '/spaces/mine')

    // A asks about it: a cited answer, the source named with its space.
    const chatA = new ChatPage(a.page)
    await chatA.goto()
    assert.equal(await chatA.scope(), 'Answers from: All my spaces')
    await chatA.ask(PERSONAL.question)
    let answer = await chatA.waitForAnswer()
    assert.match(await textOf(answer), PERSONAL.fact)
    assert.match(await textOf(source(answer, PERSONAL.title)), /· in My documents$/)
    await visible(chatA.citations(answer).first())
    await source(answer, PERSONAL.title).getByRole('link').click()
    const doc = new DocumentPage(a.page)
    await visible(doc.citedPassage)
    assert.match(await textOf(doc.citedPassage), /glimmerite/)

    // A creates a team space and uploads a document with another made-up fact.
    const spacesA = new SpacesPage(a.page)
    await spacesA.goto()
    await spacesA.create(teamName, 'Maintenance notes for the lattice crew')
    await atPath(a.page, /^\/spaces\/[0-9a-f-]{36}$/)
    const team = new SpacePage(a.page)
    await visible(team.heading.filter({ hasText: teamName }))
    const teamPath = new URL(a.page.url()).pathname
    await team.uploadFile({ name: TEAM.file, mimeType: 'text/markdown', content: TEAM.markdown })
    await visible(team.uploaded(TEAM.title), 60_000)
    await visible(team.document(TEAM.title))
    await spacesA.goto()
    await visible(spacesA.space(teamName).getByText('1 document'))

    // B reads neither A's documents nor the team space.
    const b = await signedUp(suite, emailB)
    const chatB = new ChatPage(b.page)
    await chatB.ask(PERSONAL.question)
    answer = await chatB.waitForAnswer()
    assert.equal(await textOf(answer.locator('.markdown')), NOT_COVERED)
    assert.equal(await chatB.citations(answer).count(), 0)
    await chatB.newChat.click()
    await chatB.ask(TEAM.question)
    answer = await chatB.waitForAnswer()
    assert.equal(await textOf(answer.locator('.markdown')), NOT_COVERED)
    assert.equal(await chatB.citations(answer).count(), 0)

    // A adds B as a viewer: an invitation, listed as such.
    await team.goto(teamPath)
    await team.add(emailB, 'viewer')
    await visible(a.page.getByRole('status').filter({ hasText: `Invitation sent to ${emailB}` }))
    await visible(team.member(emailB).getByText('Invited', { exact: true }))
    await visible(team.member(emailA).getByText('Owner', { exact: true }))
    assert.deepEqual(await axeInBothSchemes(a.page), [], '/spaces/{id} as its owner')

    // An invitation alone puts nothing into B's answers.
    await chatB.newChat.click()
    await chatB.ask(TEAM.question)
    answer = await chatB.waitForAnswer()
    assert.equal(await textOf(answer.locator('.markdown')), NOT_COVERED)

    // B accepts on /spaces.
    const spacesB = new SpacesPage(b.page)
    await spacesB.goto()
    await visible(spacesB.invitation(teamName))
    assert.match(await textOf(spacesB.invitation(teamName)), /As viewer/)
    assert.deepEqual(await axeInBothSchemes(b.page), [], '/spaces with an invitation')
    await spacesB.answer(teamName, 'Accept')
    await gone(spacesB.invitation(teamName))
    await visible(spacesB.space(teamName))
    await visible(spacesB.space(teamName).getByText('Viewer', { exact: true }))

    // Now B's answer cites the team document, named with its space.
    await chatB.goto()
    await chatB.ask(TEAM.question)
    answer = await chatB.waitForAnswer()
    assert.match(await textOf(answer), TEAM.fact)
    await visible(chatB.citations(answer).first())
    assert.match(await textOf(source(answer, TEAM.title)), new RegExp(`· in ${teamName}$`))

    // A viewer reads the space but changes nothing in it.
    const asViewer = new SpacePage(b.page)
    await asViewer.goto(teamPath)
    await visible(asViewer.document(TEAM.title))
    assert.equal(await asViewer.upload.count(), 0)
    assert.equal(await asViewer.document(TEAM.title).getByRole('button', { name: 'Delete' }).count(), 0)
    assert.equal(await asViewer.addMember.count(), 0)
    assert.equal(await asViewer.deleteSpace.count(), 0)
    // B's view of A's member list is A's: B is a member now, no longer invited.
    await team.goto(teamPath)
    await visible(team.member(emailB).getByText('Viewer', { exact: true }))
    assert.equal(await team.member(emailB).getByText('Invited', { exact: true }).count(), 0)

    assert.deepEqual(a.unexpected(), [], 'no console errors for A')
    assert.deepEqual(b.unexpected(), [], 'no console errors for B')
  })

  test('the Spaces picker limits a conversation to chosen spaces and it remembers them; an owner renames, then deletes the space', {
    timeout: 240_000,
  }, async () => {
    const owner = await signedUp(suite, uniqueEmail('picker'))
    const { page } = owner
    const teamName = `Picker crew ${Date.now().toString(36)}`
    const spaces = new SpacesPage(page)
    await spaces.goto()
    assert.deepEqual(await axeInBothSchemes(page), [], '/spaces')
    await spaces.newSpace.click()
    await visible(spaces.createSpace)
    // A name is required: the error is shown in words, next to the field.
    await spaces.createSpace.click()
    await visible(page.getByRole('alert').first())
    assert.deepEqual(await axeInBothSchemes(page), [], '/spaces with the New space form')
    await spaces.spaceName.fill(teamName)
    await spaces.createSpace.click()
    await atPath(page, /^\/spaces\/[0-9a-f-]{36}$/)
    const team = new SpacePage(page)
    const teamPath = new URL(page.url()).pathname
    await team.uploadFile({ name: TEAM.file, mimeType: 'text/markdown', content: TEAM.markdown })
    await visible(team.uploaded(TEAM.title), 60_000)

    // Only My documents: the team space's fact is out of reach, and the conversation says so.
    const chat = new ChatPage(page)
    await chat.goto()
    await chat.toggleSpace('My documents')
    assert.equal(await chat.scope(), 'Answers from: My documents')
    assert.deepEqual(await axeInBothSchemes(page), [], '/chat with the Spaces picker open')
    await chat.ask(TEAM.question)
    let answer = await chat.waitForAnswer()
    assert.equal(await textOf(answer.locator('.markdown')), NOT_COVERED)
    await atPath(page, /^\/chat\/[0-9a-f-]{36}$/)
    const conversationId = new URL(page.url()).pathname.split('/').pop()
    const saved = await page.request.get(`/api/chat/conversations/${conversationId}`)
    assert.equal((await saved.json()).space_ids.length, 1, 'the conversation remembers its one space')

    await page.reload()
    await chat.waitForAnswer()
    await waitUntil('the remembered scope', async () => (await chat.scope()) === 'Answers from: My documents')

    // Back to all spaces (the conversation forgets its choice), and the same question is answered.
    await chat.toggleSpace('My documents')
    await waitUntil('all spaces again', async () => (await chat.scope()) === 'Answers from: All my spaces')
    const patched = await page.request.get(`/api/chat/conversations/${conversationId}`)
    assert.equal((await patched.json()).space_ids, null)
    await chat.ask(TEAM.question)
    await waitUntil('a second answer', async () => (await chat.answers.count()) === 2)
    answer = await chat.waitForAnswer()
    assert.match(await textOf(answer), TEAM.fact)
    assert.match(await textOf(source(answer, TEAM.title)), new RegExp(`· in ${teamName}$`))

    // Its owner renames it; the page and the list show the saved name.
    const renamed = `${teamName} (archived)`
    await team.goto(teamPath)
    await page.getByRole('button', { name: 'Edit details', exact: true }).click()
    await team.page.getByLabel('Space name', { exact: true }).fill(renamed)
    assert.deepEqual(await axeInBothSchemes(page), [], '/spaces/{id} editing its details')
    await page.getByRole('button', { name: 'Save', exact: true }).click()
    await visible(team.heading.filter({ hasText: renamed }))
    await spaces.goto()
    await visible(spaces.space(renamed))

    // Delete space asks first; Cancel keeps it.
    await team.goto(teamPath)
    await team.deleteSpace.click()
    await page.getByRole('button', { name: 'Cancel', exact: true }).click()
    await visible(team.deleteSpace)
    await team.deleteTheSpace()
    await atPath(page, '/spaces')
    await visible(spaces.space('My documents'))
    await gone(spaces.space(renamed))
    await page.goto(teamPath)
    await visible(page.getByText('This space does not exist, or you cannot open it.'))

    // Its documents are gone from answers at once.
    await chat.goto()
    await chat.ask(TEAM.question)
    answer = await chat.waitForAnswer()
    assert.equal(await textOf(answer.locator('.markdown')), NOT_COVERED)
    // The deleted space's page answered 404 on purpose.
    assert.deepEqual(
      owner.unexpected([/Failed to load resource: the server responded with a status of 404/]),
      [],
    )
  })
})
