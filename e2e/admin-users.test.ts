import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { axeInBothSchemes } from './helpers/axe'
import { setupSuite, signedIn, signedUp } from './helpers/suite'
import { atPath, gone, uniqueEmail, visible } from './helpers/wait'
import { AdminAuditPage, AdminUsersPage } from './pages/admin-users-page'

const ADMIN = 'users-admin@example.com'

describe('admin users', () => {
  const suite = setupSuite({ adminEmails: [ADMIN] })

  test('an admin promotes, disables (the user is sent to sign-in), enables, signs out and deletes a user; the audit log shows it', {
    timeout: 120_000,
  }, async () => {
    const victimEmail = uniqueEmail('managed')
    const victim = await signedUp(suite, victimEmail)
    const admin = await signedIn(suite, ADMIN)
    const { page } = admin

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click()
    await atPath(page, '/admin/users')
    const users = new AdminUsersPage(page)
    await visible(users.user(ADMIN))
    assert.deepEqual(await axeInBothSchemes(page), [])

    await users.search.fill(victimEmail.slice(0, 12))
    await visible(users.user(victimEmail))
    await gone(users.user(ADMIN))
    // The admin's own item offers no actions on themself.
    await users.search.fill('')
    await visible(users.user(ADMIN))
    assert.equal(await users.user(ADMIN).getByRole('button').count(), 0)

    await users.confirmed(victimEmail, 'Make admin')
    await visible(users.button(victimEmail, 'Remove admin'))
    await users.confirmed(victimEmail, 'Remove admin')
    await visible(users.button(victimEmail, 'Make admin'))

    await users.confirmed(victimEmail, 'Disable')
    await visible(users.button(victimEmail, 'Enable'))
    // The victim's session ended at once: their next page load goes to sign-in.
    await victim.page.goto('/account')
    await atPath(victim.page, '/sign-in')

    await users.button(victimEmail, 'Enable').click()
    await visible(users.button(victimEmail, 'Disable'))
    await users.button(victimEmail, 'Sign out').click()
    await visible(users.user(victimEmail).getByRole('status'))
    assert.deepEqual(await axeInBothSchemes(page), [])

    await users.confirmed(victimEmail, 'Delete')
    await gone(users.user(victimEmail))

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).click()
    const audit = new AdminAuditPage(page)
    await visible(audit.heading)
    await visible(audit.events.filter({ hasText: 'Account deleted' }).first())
    await visible(audit.events.filter({ hasText: 'Account disabled' }).first())
    await audit.type.selectOption('user_role_changed')
    await visible(audit.events.filter({ hasText: 'Role changed' }).first())
    assert.equal(await audit.events.filter({ hasText: 'Account deleted' }).count(), 0)
    assert.deepEqual(await axeInBothSchemes(page), [])
    assert.deepEqual(admin.unexpected(), [])
  })

  test('a user has no Users link, cannot open the admin pages, and sees their own recent activity', {
    timeout: 60_000,
  }, async () => {
    const s = await signedUp(suite, uniqueEmail('plain'))
    assert.equal(
      await s.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).count(),
      0,
    )
    await s.page.goto('/admin/users')
    await visible(s.page.getByText('Only administrators can manage users.'))
    await s.page.goto('/admin/audit')
    await visible(s.page.getByText('Only administrators can read the audit log.'))
    await s.page.goto('/account')
    await visible(s.page.getByRole('heading', { name: 'Recent activity' }))
    assert.deepEqual(await axeInBothSchemes(s.page), [])
  })
})
