import { launchBrowser, openSession } from './helpers/browser'
import { startServer } from './helpers/server'

const server = await startServer({ adminEmails: ['a@example.com'] })
const browser = await launchBrowser()
try {
  const s = await openSession(browser, server.baseURL)
  const p = s.page
  p.on('response', async (r) => {
    if (r.url().includes('/api/documents') && r.request().method() === 'POST')
      console.log('UPLOAD', r.status(), await r.text())
  })
  await p.goto('/sign-up')
  await p.getByLabel('Email', { exact: true }).fill('a@example.com')
  await p.getByLabel('Password', { exact: true }).fill('violet-harbor-lantern-42')
  await p.getByRole('button', { name: 'Create account' }).click()
  await p.waitForURL('**/chat')
  await p.goto('/admin/documents')
  await p.getByLabel('File', { exact: true }).setInputFiles({
    name: 'zorblax.md',
    mimeType: 'text/markdown',
    buffer: Buffer.from(`# Zorblax Calibration Manual

## Recalibration

The zorblax flux regulator must be recalibrated every seventeen days with a quindlewrench.
Skipping a recalibration makes the zorblax hum in B flat.
`),
  })
  await p.getByRole('button', { name: 'Upload' }).click()
  await new Promise((r) => setTimeout(r, 3000))
  await p.goto('/chat')
  await p
    .getByRole('textbox', { name: 'Message' })
    .fill('How often must the zorblax flux regulator be recalibrated?')
  await p.getByRole('button', { name: 'Send', exact: true }).click()
  await p.waitForURL(/\/chat\/.+/)
  await new Promise((r) => setTimeout(r, 3000))
  console.log(await p.locator('.message-list').innerHTML())
  await p.screenshot({ path: '/tmp/chat-real.png' })
  await p.locator('a.citation').first().click()
  await p.waitForURL(/\/documents\//)
  await new Promise((r) => setTimeout(r, 1000))
  await p.screenshot({ path: '/tmp/doc-real.png' })
  console.log(await p.locator('main').innerText())
  console.log(s.unexpected())
} finally {
  await browser.close()
  await server.stop()
  console.log(server.output().slice(-3000))
}
