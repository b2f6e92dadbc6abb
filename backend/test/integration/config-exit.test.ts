// docs/api.md §1: invalid configuration stops the process with exit code 1 and one clear line per
// bad variable — all of them at once, never a stack trace.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'

const SERVER = fileURLToPath(new URL('../../src/server.ts', import.meta.url))
// By its resolved location, so the server may also start from another folder.
const TSX = import.meta.resolve('tsx')

function start(env: Record<string, string>, cwd?: string) {
  return spawnSync(process.execPath, ['--import', TSX, SERVER], {
    env: { PATH: process.env.PATH ?? '', DATA_DIR: mkdtempSync(join(tmpdir(), 'rag-auth-cfg-')), ...env },
    encoding: 'utf8',
    timeout: 60_000,
    ...(cwd ? { cwd } : {}),
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

  it('an unusable DATA_DIR stops the server with one line, never a silent ./data instead', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'rag-auth-cwd-'))
    const file = join(cwd, 'not-a-folder')
    writeFileSync(file, '')
    const r = start({ DATA_DIR: file, PORT: '0' }, cwd)
    assert.equal(r.status, 1, r.stdout + r.stderr)
    assert.equal(
      r.stderr.trim(),
      `config error: DATA_DIR: ${file} is not a writable folder; point DATA_DIR at one this user may write (or set DATABASE_URL)`,
    )
    assert.equal(existsSync(join(cwd, 'data')), false, 'no ./data made in its place')
  })
})
