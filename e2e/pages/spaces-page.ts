import type { Locator, Page } from 'playwright-core'
import { visible } from '../helpers/wait'
import { deleteDocumentItem, documentItem } from './document-list'

/**
 * `/spaces` (contract §9, §10: buttons New space, Create space; field Space name; an `Invitations`
 * region with Accept / Decline per invitation, inside a list item named by the space).
 */
export class SpacesPage {
  readonly heading: Locator
  readonly newSpace: Locator
  readonly spaceName: Locator
  readonly description: Locator
  readonly createSpace: Locator
  readonly invitations: Locator

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { name: 'Spaces', level: 1 })
    this.newSpace = page.getByRole('button', { name: 'New space', exact: true })
    this.spaceName = page.getByLabel('Space name', { exact: true })
    this.description = page.getByLabel('Description', { exact: true })
    this.createSpace = page.getByRole('button', { name: 'Create space', exact: true })
    this.invitations = page.getByRole('region', { name: 'Invitations', exact: true })
  }

  async goto(): Promise<void> {
    await this.page.goto('/spaces')
    await visible(this.newSpace)
  }

  /** Creates a team space; the app then shows its page. */
  async create(name: string, description?: string): Promise<void> {
    await this.newSpace.click()
    await this.spaceName.fill(name)
    if (description) await this.description.fill(description)
    await this.createSpace.click()
  }

  invitation(spaceName: string): Locator {
    return this.invitations.getByRole('listitem', { name: spaceName, exact: true })
  }

  async answer(spaceName: string, choice: 'Accept' | 'Decline'): Promise<void> {
    await this.invitation(spaceName).getByRole('button', { name: choice, exact: true }).click()
  }

  /** A space in "Your spaces", by name (its list item is named by the space). */
  space(name: string): Locator {
    return this.page
      .getByRole('region', { name: 'Your spaces', exact: true })
      .getByRole('listitem', { name, exact: true })
  }
}

/**
 * `/spaces/{id}` and `/spaces/mine` (contract §9, §10: field File, button Upload, Delete per document;
 * for owners Member email, Role, Add member, Remove per member, Delete space).
 */
export class SpacePage {
  readonly heading: Locator
  readonly file: Locator
  readonly upload: Locator
  readonly memberEmail: Locator
  readonly role: Locator
  readonly addMember: Locator
  readonly members: Locator
  readonly deleteSpace: Locator

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1 })
    this.file = page.getByLabel('File', { exact: true })
    this.upload = page.getByRole('button', { name: 'Upload', exact: true })
    this.memberEmail = page.getByLabel('Member email', { exact: true })
    this.role = page.getByLabel('Role', { exact: true })
    this.addMember = page.getByRole('button', { name: 'Add member', exact: true })
    this.members = page.getByRole('list', { name: 'Members', exact: true })
    this.deleteSpace = page.getByRole('button', { name: 'Delete space', exact: true })
  }

  async goto(path: string): Promise<void> {
    await this.page.goto(path)
    await visible(this.heading)
  }

  /** The id in `/spaces/{id}`. */
  id(): string {
    return new URL(this.page.url()).pathname.split('/').pop() ?? ''
  }

  async uploadFile(file: { name: string; mimeType: string; content: string }): Promise<void> {
    await this.file.setInputFiles({
      name: file.name,
      mimeType: file.mimeType,
      buffer: Buffer.from(file.content),
    })
    await this.upload.click()
  }

  /** The outcome line of an upload ("Added “Title” …"). */
  uploaded(title: string): Locator {
    return this.page.getByRole('list', { name: 'Uploads' }).getByRole('status').filter({ hasText: title })
  }

  document(title: string | RegExp): Locator {
    return documentItem(this.page, title)
  }

  async deleteDocument(title: string | RegExp): Promise<void> {
    await deleteDocumentItem(this.document(title))
  }

  member(email: string): Locator {
    return this.members.getByRole('listitem', { name: email, exact: true })
  }

  async add(email: string, role: 'viewer' | 'editor' | 'owner'): Promise<void> {
    await this.memberEmail.fill(email)
    await this.role.selectOption(role)
    await this.addMember.click()
  }

  /** `Remove` asks first: `Confirm remove`. */
  async removeMember(email: string): Promise<void> {
    await this.member(email).getByRole('button', { name: 'Remove', exact: true }).click()
    await this.member(email).getByRole('button', { name: 'Confirm remove', exact: true }).click()
  }

  /** `Delete space` asks first; the confirming button has the same name. */
  async deleteTheSpace(): Promise<void> {
    await this.deleteSpace.click()
    await this.page
      .getByRole('group', { name: /^Delete “/ })
      .getByRole('button', { name: 'Delete space', exact: true })
      .click()
  }
}
