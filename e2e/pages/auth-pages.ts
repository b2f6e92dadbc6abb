import type { Locator, Page } from 'playwright-core'
import { visible } from '../helpers/wait'

/** `/sign-in` (docs/api.md §9: fields Email, Password; button Sign in). */
export class SignInPage {
  readonly email: Locator
  readonly password: Locator
  readonly submit: Locator

  constructor(readonly page: Page) {
    this.email = page.getByLabel('Email', { exact: true })
    this.password = page.getByLabel('Password', { exact: true })
    this.submit = page.getByRole('button', { name: 'Sign in', exact: true })
  }

  async goto(next?: string): Promise<void> {
    await this.page.goto(next ? `/sign-in?next=${encodeURIComponent(next)}` : '/sign-in')
    await visible(this.submit)
  }

  async signIn(email: string, password: string): Promise<void> {
    await this.email.fill(email)
    await this.password.fill(password)
    await this.submit.click()
  }

  /** Every error the page shows (field or form level). */
  alerts(): Locator {
    return this.page.getByRole('alert')
  }
}

/** `/sign-up` (docs/api.md §9: fields Name, Email, Password; button Create account). */
export class SignUpPage {
  readonly name: Locator
  readonly email: Locator
  readonly password: Locator
  readonly submit: Locator

  constructor(readonly page: Page) {
    this.name = page.getByLabel('Name', { exact: true })
    this.email = page.getByLabel('Email', { exact: true })
    this.password = page.getByLabel('Password', { exact: true })
    this.submit = page.getByRole('button', { name: 'Create account', exact: true })
  }

  async goto(): Promise<void> {
    await this.page.goto('/sign-up')
    await visible(this.submit)
  }

  async signUp(input: { name?: string; email: string; password: string }): Promise<void> {
    if (input.name) await this.name.fill(input.name)
    await this.email.fill(input.email)
    await this.password.fill(input.password)
    await this.submit.click()
  }

  /** The error shown next to a field, found through the field's aria-describedby. */
  async fieldError(field: Locator): Promise<string> {
    const ids = (await field.getAttribute('aria-describedby')) ?? ''
    const texts = await Promise.all(
      ids
        .split(' ')
        .filter(Boolean)
        .map((id) => this.page.locator(`[id="${id}"][role="alert"]`).allTextContents()),
    )
    return texts.flat().join(' ')
  }
}

/** The sign-in page's second step (docs/api.md §9, §13: field Code, button Verify; Back to the first). */
export class SecondStep {
  readonly code: Locator
  readonly verify: Locator
  readonly useRecoveryCode: Locator
  readonly back: Locator

  constructor(readonly page: Page) {
    this.code = page.getByLabel('Code', { exact: true })
    this.verify = page.getByRole('button', { name: 'Verify', exact: true })
    this.useRecoveryCode = page.getByRole('button', { name: 'Use a recovery code', exact: true })
    this.back = page.getByRole('button', { name: 'Back', exact: true })
  }

  async enter(code: string): Promise<void> {
    await this.code.fill(code)
    await this.verify.click()
  }
}
