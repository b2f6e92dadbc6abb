import type { Locator, Page } from 'playwright-core'
import { visible } from '../helpers/wait'

/** `/admin/feedback`: rated answers with question, answer, citations and comment; export links. */
export class AdminFeedbackPage {
  readonly heading: Locator
  readonly items: Locator
  readonly rating: Locator

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { name: 'Feedback', level: 1 })
    this.items = page
      .getByRole('list', { name: 'Rated answers' })
      .getByRole('listitem')
      .filter({ has: page.getByRole('heading') })
    this.rating = page.getByLabel('Rating', { exact: true })
  }

  async goto(): Promise<void> {
    await this.page.goto('/admin/feedback')
    await visible(this.heading)
  }

  item(question: string | RegExp): Locator {
    return this.items.filter({ has: this.page.getByRole('heading', { name: question }) })
  }

  exportLink(name: 'JSON Lines' | 'CSV'): Locator {
    return this.page.getByRole('link', { name, exact: true })
  }
}
