// Every patch in patches/ must have been applied by `npm ci` (patch-package --error-on-fail stops
// the install when one does not apply; this also catches a patch file that parses to nothing, or
// a node_modules that was installed without running postinstall).
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const require = createRequire(import.meta.url)
const { parsePatchFile } = require('patch-package/dist/patch/parse') as {
  parsePatchFile: (text: string) => {
    type: string
    path: string
    hunks?: { parts: { type: string; lines: string[] }[] }[]
  }[]
}

describe('patches/', () => {
  const files = readdirSync(join(ROOT, 'patches')).filter((f) => f.endsWith('.patch'))
  for (const file of files) {
    it(`${file} opens with what it fixes and is applied in node_modules`, () => {
      const text = readFileSync(join(ROOT, 'patches', file), 'utf8')
      assert.match(
        text,
        /^# What: [\s\S]*?\n# See it: [\s\S]*?\n# Drop it: /,
        'header: What / See it / Drop it',
      )
      const patches = parsePatchFile(text)
      assert.ok(patches.length > 0, 'the patch parses to at least one file')
      for (const p of patches) {
        const target = readFileSync(join(ROOT, p.path), 'utf8')
        for (const hunk of p.hunks ?? [])
          for (const part of hunk.parts)
            if (part.type === 'insertion')
              for (const line of part.lines)
                assert.ok(target.includes(line), `${p.path} lacks a patched line: ${line.trim()}`)
      }
    })
  }
})
