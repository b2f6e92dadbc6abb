import type { Locator, Page } from 'playwright-core'

/** A document in a space's (or the shared library's) document list, by its title. */
export function documentItem(page: Page, title: string | RegExp): Locator {
  return page.locator('.document-list').getByRole('listitem').filter({ hasText: title })
}

/** `Delete` inside the document's list item (§9: one per document); it asks first: `Confirm delete`. */
export async function deleteDocumentItem(item: Locator): Promise<void> {
  await item.getByRole('button', { name: 'Delete', exact: true }).click()
  await item.getByRole('button', { name: 'Confirm delete', exact: true }).click()
}
