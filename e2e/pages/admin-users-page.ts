import type { Locator, Page } from 'playwright-core'
import { visible } from '../helpers/wait'

/** `/admin/users`: search, and per user Make admin/Remove admin, Disable/Enable, Sign out, Delete. */
export class AdminUsersPage {
  readonly heading: Locator
  readonly search: Locator
  readonly list: Locator

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { name: 'Users', level: 1 })
    this.search = page.getByLabel('Search users', { exact: true })
    this.list = page.getByRole('list', { name: 'Users' })
  }

  async goto(): Promise<void> {
    await this.page.goto('/admin/users')
    await visible(this.heading)
  }

  /** The user's list item (its accessible name is the email). */
  user(email: string): Locator {
    return this.list.getByRole('listitem', { name: email, exact: true })
  }

  button(email: string, name: string): Locator {
    return this.user(email).getByRole('button', { name, exact: true })
  }

  /** `Make admin`, `Remove admin`, `Disable` and `Delete` ask first: `Confirm make admin` … */
  async confirmed(email: string, name: string): Promise<void> {
    await this.button(email, name).click()
    await this.button(email, `Confirm ${name.toLowerCase()}`).click()
  }
}

/** `/admin/audit`: events newest first, filtered by type and user. */
export class AdminAuditPage {
  readonly heading: Locator
  readonly events: Locator
  readonly type: Locator

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { name: 'Audit log', level: 1 })
    this.events = page.getByRole('list', { name: 'Audit events' }).getByRole('listitem')
    this.type = page.getByLabel('Event type', { exact: true })
  }

  async goto(): Promise<void> {
    await this.page.goto('/admin/audit')
    await visible(this.heading)
  }
}
