import type { Locator, Page } from 'playwright-core'
import { visible } from '../helpers/wait'

/** `/account` (docs/api.md §9: fields Current password, New password; buttons Change password, Revoke, Sign out everywhere). */
export class AccountPage {
  readonly currentPassword: Locator
  readonly newPassword: Locator
  readonly changePasswordButton: Locator
  readonly signOutEverywhere: Locator
  readonly revokeButtons: Locator
  readonly sessions: Locator

  constructor(readonly page: Page) {
    this.currentPassword = page.getByLabel('Current password', { exact: true })
    this.newPassword = page.getByLabel('New password', { exact: true })
    this.changePasswordButton = page.getByRole('button', { name: 'Change password', exact: true })
    this.signOutEverywhere = page.getByRole('button', { name: 'Sign out everywhere', exact: true })
    this.revokeButtons = page.getByRole('button', { name: 'Revoke', exact: true })
    this.sessions = page.locator('.session-list').getByRole('listitem')
  }

  async goto(): Promise<void> {
    await this.page.goto('/account')
    await visible(this.signOutEverywhere)
  }

  async changePassword(current: string, next: string): Promise<void> {
    await this.currentPassword.fill(current)
    await this.newPassword.fill(next)
    await this.changePasswordButton.click()
  }
}
