// docs/api.md §1: invalid configuration stops the process with exit code 1 and one clear line per
// bad variable — all of them at once, never a stack trace.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'

const SERVER = fileURLToPath(new URL('../../src/server.ts', import.meta.url))

function start(env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', SERVER], {
    env: { PATH: process.env.PATH ?? '', DATA_DIR: mkdtempSync(join(tmpdir(), 'rag-auth-cfg-')), ...env },
    encoding: 'utf8',
    timeout: 60_000,
  })
}

describe('configuration errors', () => {
  it('exits 1 with one readable line per bad variable', () => {
    const r = start({
      PORT: 'seventy',
      TRUST_PROXY: 'maybe',
      RATE_LIMIT_CHAT: '20 per fortnight',
      SIGNUP: 'sometimes',
    })
    assert.equal(r.status, 1)
    const lines = r.stderr.trim().split('\n')
    assert.equal(lines.length, 4, r.stderr)
    for (const name of ['PORT', 'TRUST_PROXY', 'RATE_LIMIT_CHAT', 'SIGNUP']) {
      assert.ok(
        lines.some((l) => l.startsWith(`config error: ${name}: `)),
        `${name} in ${r.stderr}`,
      )
    }
    assert.doesNotMatch(r.stderr + r.stdout, /\n\s+at /)
  })

  it('refuses a placeholder SECRET_KEY in production', () => {
    const r = start({ NODE_ENV: 'production', SECRET_KEY: 'your-secret-key-here' })
    assert.equal(r.status, 1)
    assert.match(r.stderr, /^config error: SECRET_KEY: /m)
    assert.doesNotMatch(r.stderr, /\n\s+at /)
  })
})
