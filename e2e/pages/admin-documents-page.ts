import type { Locator, Page } from 'playwright-core'
import { visible } from '../helpers/wait'
import { deleteDocumentItem, documentItem } from './document-list'

/** `/admin/documents` (docs/api.md §9: field File; buttons Upload, Delete per document). */
export class AdminDocumentsPage {
  readonly file: Locator
  readonly upload: Locator

  constructor(readonly page: Page) {
    this.file = page.getByLabel('File', { exact: true })
    this.upload = page.getByRole('button', { name: 'Upload', exact: true })
  }

  async goto(): Promise<void> {
    await this.page.goto('/admin/documents')
    await visible(this.upload)
  }

  async uploadFile(file: { name: string; mimeType: string; content: string }): Promise<void> {
    await this.file.setInputFiles({
      name: file.name,
      mimeType: file.mimeType,
      buffer: Buffer.from(file.content),
    })
    await this.upload.click()
  }

  document(title: string | RegExp): Locator {
    return documentItem(this.page, title)
  }

  async deleteDocument(title: string | RegExp): Promise<void> {
    await deleteDocumentItem(this.document(title))
  }
}
