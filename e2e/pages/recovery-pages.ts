import type { Locator, Page } from 'playwright-core'
import { visible } from '../helpers/wait'

/** `/forgot-password` (docs/api.md §9, §12: field Email, button Send reset link). */
export class ForgotPasswordPage {
  readonly email: Locator
  readonly submit: Locator

  constructor(readonly page: Page) {
    this.email = page.getByLabel('Email', { exact: true })
    this.submit = page.getByRole('button', { name: 'Send reset link', exact: true })
  }

  async goto(): Promise<void> {
    await this.page.goto('/forgot-password')
    await visible(this.submit)
  }

  async request(email: string): Promise<void> {
    await this.email.fill(email)
    await this.submit.click()
  }

  /** The neutral answer, the same for an address with or without an account. */
  sent(): Locator {
    return this.page.getByRole('status').filter({ hasText: 'If an account exists' })
  }
}

/** `/reset-password#token=…` (docs/api.md §9, §12: field New password, button Set password). */
export class ResetPasswordPage {
  readonly newPassword: Locator
  readonly submit: Locator

  constructor(readonly page: Page) {
    this.newPassword = page.getByLabel('New password', { exact: true })
    this.submit = page.getByRole('button', { name: 'Set password', exact: true })
  }

  async setPassword(password: string): Promise<void> {
    await this.newPassword.fill(password)
    await this.submit.click()
  }
}

/** `/account`'s "Email address" region (docs/api.md §9, §12: New email, Current password, Change email). */
export class ChangeEmailSection {
  readonly region: Locator
  readonly newEmail: Locator
  readonly currentPassword: Locator
  readonly submit: Locator

  constructor(readonly page: Page) {
    this.region = page.getByRole('region', { name: 'Email address', exact: true })
    this.newEmail = this.region.getByLabel('New email', { exact: true })
    this.currentPassword = this.region.getByLabel('Current password', { exact: true })
    this.submit = this.region.getByRole('button', { name: 'Change email', exact: true })
  }

  async change(newEmail: string, password: string): Promise<void> {
    await this.newEmail.fill(newEmail)
    await this.currentPassword.fill(password)
    await this.submit.click()
  }
}
