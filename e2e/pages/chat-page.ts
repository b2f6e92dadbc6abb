import type { Locator, Page } from 'playwright-core'
import { visible, waitUntil } from '../helpers/wait'

/** `/chat` and `/chat/{id}` (docs/api.md §9: field Message; buttons Send, Stop, New chat, Sign out, Delete). */
export class ChatPage {
  readonly message: Locator
  readonly send: Locator
  readonly stop: Locator
  readonly newChat: Locator
  readonly signOut: Locator
  readonly answers: Locator
  readonly questions: Locator
  /** The `Spaces` picker's button; the line it is described by says what answers draw on. */
  readonly spacesButton: Locator

  constructor(readonly page: Page) {
    this.message = page.getByRole('textbox', { name: 'Message', exact: true })
    this.send = page.getByRole('button', { name: 'Send', exact: true })
    this.stop = page.getByRole('button', { name: 'Stop', exact: true })
    this.newChat = page.getByRole('button', { name: 'New chat', exact: true })
    this.signOut = page.getByRole('button', { name: 'Sign out', exact: true })
    this.answers = page.getByRole('article', { name: 'Answer', exact: true })
    this.questions = page.getByRole('article', { name: 'You said', exact: true })
    this.spacesButton = page.getByRole('button', { name: 'Spaces', exact: true })
  }

  /** "Answers from: …" beside the `Spaces` button. */
  async scope(): Promise<string> {
    const id = (await this.spacesButton.getAttribute('aria-describedby')) ?? ''
    return ((await this.page.locator(`[id="${id}"]`).textContent()) ?? '').trim()
  }

  /** Ticks or unticks one space in the `Spaces` picker (opening it if needed). */
  async toggleSpace(name: string): Promise<void> {
    if ((await this.spacesButton.getAttribute('aria-expanded')) !== 'true') await this.spacesButton.click()
    await this.page
      .getByRole('group', { name: 'Spaces', exact: true })
      .getByRole('checkbox', { name, exact: true })
      .click()
  }

  async goto(path = '/chat'): Promise<void> {
    await this.page.goto(path)
    await visible(this.message)
  }

  /** Types a question and sends it with the Send button (or Enter). */
  async ask(question: string, via: 'button' | 'enter' = 'button'): Promise<void> {
    await this.message.fill(question)
    if (via === 'enter') await this.message.press('Enter')
    else await this.send.click()
  }

  lastAnswer(): Locator {
    return this.answers.last()
  }

  /** Waits until the last answer has finished streaming (Send is back, the answer is not busy). */
  async waitForAnswer(timeout = 60_000): Promise<Locator> {
    const answer = this.lastAnswer()
    await visible(answer, timeout)
    await waitUntil(
      'the answer to finish streaming',
      async () => (await answer.getAttribute('aria-busy')) === null && (await this.send.isVisible()),
      timeout,
    )
    return answer
  }

  /** `[n]` citation markers inside an answer: links to /documents/{id}?chunk={chunk_id}. */
  citations(answer: Locator = this.lastAnswer()): Locator {
    return answer.locator('a.citation')
  }

  conversation(title: string | RegExp): Locator {
    return this.page
      .getByRole('navigation', { name: 'Conversations' })
      .getByRole('listitem')
      .filter({ hasText: title })
  }

  /** `Delete` asks first, inside the same list item: the second `Delete` confirms. */
  async deleteConversation(title: string | RegExp): Promise<void> {
    const item = this.conversation(title)
    await item.getByRole('button', { name: 'Delete', exact: true }).click()
    await item
      .getByRole('group', { name: 'Delete this conversation?' })
      .getByRole('button', { name: 'Delete', exact: true })
      .click()
  }

  async renameConversation(title: string | RegExp, newTitle: string): Promise<void> {
    const item = this.conversation(title)
    await item.getByRole('button', { name: 'Rename', exact: true }).click()
    const field = item.getByRole('textbox', { name: 'Title', exact: true })
    await field.fill(newTitle)
    await item.getByRole('button', { name: 'Save', exact: true }).click()
  }

  /** A per-answer control (`Copy`, `Regenerate`, `Good answer`, `Bad answer`). */
  answerButton(
    name: 'Copy' | 'Regenerate' | 'Good answer' | 'Bad answer',
    answer: Locator = this.lastAnswer(),
  ): Locator {
    return answer.getByRole('button', { name, exact: true })
  }
}
