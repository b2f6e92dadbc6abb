// .env.example stays in step with the config schema: every variable is documented there.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { it } from 'node:test'
import { CONFIG_VARIABLES, loadConfig } from '../../src/config.js'

const text = readFileSync(new URL('../../../.env.example', import.meta.url), 'utf8')

it('.env.example names every configuration variable', () => {
  for (const name of CONFIG_VARIABLES) assert.match(text, new RegExp(`^#? ?${name}=`, 'm'), name)
})

it('.env.example values parse', () => {
  const env: Record<string, string> = {}
  for (const line of text.split('\n')) {
    const m = /^([A-Z_]+)=([^#]*)/.exec(line)
    if (m) env[m[1] as string] = (m[2] as string).trim()
  }
  assert.doesNotThrow(() => loadConfig(env))
})

it("README's configuration table names every configuration variable", () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8')
  const rows = readme.split('\n').filter((l) => l.startsWith('| `'))
  for (const name of CONFIG_VARIABLES) {
    assert.ok(
      rows.some((row) => row.split('|')[1]?.includes(`\`${name}\``)),
      `${name} is missing from the README table`,
    )
  }
})

it('AUDIT_RETENTION_DAYS: the default in .env.example and the README is the one config uses', () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8')
  const days = loadConfig({}).config.auditRetentionDays
  assert.match(text, new RegExp(`^AUDIT_RETENTION_DAYS=${days}\\b`, 'm'))
  assert.match(readme, new RegExp(`^\\| \`AUDIT_RETENTION_DAYS\` \\| \`${days}\` \\|`, 'm'))
})
