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

  async createApiKey(name: string, password: string): Promise<void> {
    await this.keyName.fill(name)
    await this.keyPassword.fill(password)
    await this.createKey.click()
  }
}
