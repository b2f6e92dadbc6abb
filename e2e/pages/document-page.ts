import type { Locator, Page } from 'playwright-core'

/** `/documents/{id}?chunk={chunk_id}`: the source of a citation, cited passage highlighted. */
export class DocumentPage {
  readonly title: Locator
  /** The cited chunk (a region named "Cited passage"). */
  readonly citedPassage: Locator
  /** Highlighted text inside the cited chunk. */
  readonly highlights: Locator

  constructor(readonly page: Page) {
    this.title = page.getByRole('heading', { level: 1 })
    this.citedPassage = page.getByRole('region', { name: 'Cited passage', exact: true })
    this.highlights = this.citedPassage.locator('mark')
  }
}
