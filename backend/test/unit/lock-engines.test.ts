// `npm ci` warns (EBADENGINE) for every locked package whose `engines.node` excludes the running
// Node. The README supports what the root package.json's `engines.node` says: every locked
// package must accept each line's first release that this range admits.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { describe, it } from 'node:test'

const root = new URL('../../../', import.meta.url)
const require = createRequire(root)
const semver = require('semver') as {
  minVersion(range: string): { version: string } | null
  satisfies(version: string, range: string): boolean
}

interface LockEntry {
  engines?: { node?: string } | string[]
  optional?: boolean
  os?: string[]
  cpu?: string[]
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(new URL(path, root), 'utf8')) as T
}

describe('locked packages and the supported Node versions', () => {
  const supported = readJson<{ engines: { node: string } }>('package.json').engines.node
  const lowest = semver.minVersion(supported)?.version
  // The first release of each line a range might start at: every one the range admits is checked.
  const candidates = [lowest ?? '0.0.0', '20.19.0', '22.0.0', '22.12.0', '22.13.0', '24.0.0']
  const versions = [...new Set(candidates)].filter((v) => semver.satisfies(v, supported))

  it('the root package.json names a lowest supported Node', () => {
    assert.ok(lowest, `engines.node ${supported} has no lowest version`)
  })

  it('no locked package refuses a supported Node (npm ci prints no EBADENGINE warning)', () => {
    const lock = readJson<{ packages: Record<string, LockEntry> }>('package-lock.json')
    const refusals: string[] = []
    for (const [path, entry] of Object.entries(lock.packages)) {
      const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node
      if (!path || !range) continue
      for (const v of versions) {
        if (!semver.satisfies(v, range)) refusals.push(`${path} (node ${range}) refuses ${v}`)
      }
    }
    assert.deepEqual(refusals, [])
  })
})
