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
    // Re-authentication forms (§13) ask for a `Current password` too: this one is the section's.
    const section = page.getByRole('region', { name: 'Change password', exact: true })
    this.currentPassword = section.getByLabel('Current password', { exact: true })
    this.newPassword = section.getByLabel('New password', { exact: true })
    this.changePasswordButton = section.getByRole('button', { name: 'Change password', exact: true })
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

/** `/account`'s "Two-factor sign-in" section (docs/api.md §9, §13). */
export class TwoFactorSection {
  readonly region: Locator
  readonly setUp: Locator
  readonly currentPassword: Locator
  readonly continueButton: Locator
  readonly secret: Locator
  readonly qrCode: Locator
  readonly code: Locator
  readonly turnOn: Locator
  readonly recoveryCodes: Locator
  readonly download: Locator
  readonly copy: Locator
  readonly done: Locator
  readonly turnOff: Locator
  readonly newRecoveryCodes: Locator

  constructor(readonly page: Page) {
    this.region = page.getByRole('region', { name: 'Two-factor sign-in', exact: true })
    const button = (name: string) => this.region.getByRole('button', { name, exact: true })
    this.setUp = button('Set up two-factor')
    this.currentPassword = this.region.getByLabel('Current password', { exact: true })
    this.continueButton = button('Continue')
    this.secret = this.region.locator('.totp-secret')
    this.qrCode = this.region.getByRole('img', { name: 'QR code for your authenticator app' })
    this.code = this.region.getByLabel('Code', { exact: true })
    this.turnOn = button('Turn on')
    this.recoveryCodes = this.region.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem')
    this.download = this.region.getByRole('link', { name: 'Download', exact: true })
    this.copy = button('Copy')
    this.done = button('Done')
    this.turnOff = button('Turn off two-factor')
    this.newRecoveryCodes = button('New recovery codes')
  }
}

/** `/account`'s "Delete account" section. */
export class DeleteAccountSection {
  readonly region: Locator
  readonly deleteButton: Locator
  readonly currentPassword: Locator

  constructor(readonly page: Page) {
    this.region = page.getByRole('region', { name: 'Delete account', exact: true })
    this.deleteButton = this.region.getByRole('button', { name: 'Delete account', exact: true })
    this.currentPassword = this.region.getByLabel('Current password', { exact: true })
  }
}
