import type { Locator, Page } from 'playwright-core'
import { visible } from '../helpers/wait'

/**
 * `/account` (docs/api.md §9, §11): regions `Sessions` (Revoke per other session, Sign out
 * everywhere), `API keys` (Key name, Current password, Create key, the new key with Copy, Revoke
 * per key) and `Change password` (Current password, New password, Change password).
 */
export class AccountPage {
  readonly sessionsRegion: Locator
  readonly apiKeysRegion: Locator
  readonly passwordRegion: Locator
  readonly currentPassword: Locator
  readonly newPassword: Locator
  readonly changePasswordButton: Locator
  readonly signOutEverywhere: Locator
  readonly revokeButtons: Locator
  readonly sessions: Locator
  readonly keyName: Locator
  readonly keyPassword: Locator
  readonly createKey: Locator
  readonly copyKey: Locator
  readonly apiKeys: Locator

  constructor(readonly page: Page) {
    this.sessionsRegion = page.getByRole('region', { name: 'Sessions', exact: true })
    this.apiKeysRegion = page.getByRole('region', { name: 'API keys', exact: true })
    this.passwordRegion = page.getByRole('region', { name: 'Change password', exact: true })
    this.currentPassword = this.passwordRegion.getByLabel('Current password', { exact: true })
    this.newPassword = this.passwordRegion.getByLabel('New password', { exact: true })
    this.changePasswordButton = this.passwordRegion.getByRole('button', {
      name: 'Change password',
      exact: true,
    })
    this.signOutEverywhere = this.sessionsRegion.getByRole('button', {
      name: 'Sign out everywhere',
      exact: true,
    })
    this.revokeButtons = this.sessionsRegion.getByRole('button', { name: 'Revoke', exact: true })
    this.sessions = this.sessionsRegion.getByRole('listitem')
    this.keyName = this.apiKeysRegion.getByLabel('Key name', { exact: true })
    this.keyPassword = this.apiKeysRegion.getByLabel('Current password', { exact: true })
    this.createKey = this.apiKeysRegion.getByRole('button', { name: 'Create key', exact: true })
    this.copyKey = this.apiKeysRegion.getByRole('button', { name: 'Copy', exact: true })
    this.apiKeys = this.apiKeysRegion.getByRole('listitem')
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

  /** The list item of the key named `name` (its accessible name is the key's). */
  apiKey(name: string): Locator {
    return this.apiKeysRegion.getByRole('listitem', { name, exact: true })
  }

  /** `Revoke` inside the key's list item asks first: `Confirm revoke`. */
  async revokeApiKey(name: string): Promise<void> {
    await this.apiKey(name).getByRole('button', { name: 'Revoke', exact: true }).click()
    await this.apiKey(name).getByRole('button', { name: 'Confirm revoke', exact: true }).click()
  }

  async createApiKey(name: string, password: string): Promise<void> {
    await this.keyName.fill(name)
    await this.keyPassword.fill(password)
    await this.createKey.click()
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
