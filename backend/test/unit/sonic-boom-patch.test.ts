// patches/sonic-boom+4.2.1.patch (applied by `npm ci` through patch-package): pino's asynchronous
// destination appends each line to a buffer string while a write is in flight, and before the
// patch it measured that whole buffer (Buffer.byteLength, which also flattens the concatenated
// string) on every line — up to 16 KiB per access line under load, ~10 % of the CPU of a GET
// /health in the bench profile. The patch keeps the buffer's byte length as it grows.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import pino from 'pino'

const dir = mkdtempSync(join(tmpdir(), 'sonic-boom-'))
after(() => rmSync(dir, { recursive: true, force: true }))

function destination(file: string, maxWrite?: number) {
  const dest = pino.destination({ dest: file, sync: false, ...(maxWrite ? { maxWrite } : {}) })
  return new Promise<ReturnType<typeof pino.destination>>((resolve) =>
    dest.once('ready', () => resolve(dest)),
  )
}

const ended = (dest: ReturnType<typeof pino.destination>) =>
  new Promise<void>((resolve) => {
    dest.once('close', () => resolve())
    dest.end()
  })

describe('sonic-boom (patched)', () => {
  it('measures each line once, not the whole pending buffer per line', async () => {
    const dest = await destination(join(dir, 'count.log'))
    const line = `${'x'.repeat(200)}\n`
    const original = Buffer.byteLength
    let calls = 0
    Buffer.byteLength = ((...args: Parameters<typeof Buffer.byteLength>) => {
      calls++
      return original(...args)
    }) as typeof Buffer.byteLength
    try {
      // The first line starts a write; the other 999 queue behind it in the same tick.
      for (let i = 0; i < 1000; i++) dest.write(line)
    } finally {
      Buffer.byteLength = original
    }
    // One call per line (its own length); unpatched, two per queued line (2,000 here).
    assert.ok(calls <= 1000, `Buffer.byteLength called ${calls} times for 1,000 lines`)
    await ended(dest)
  })

  it('writes every line, in order, in chunks no larger than maxWrite', async () => {
    const file = join(dir, 'order.log')
    const dest = await destination(file, 4096)
    const written: number[] = []
    dest.on('write', (n: number) => written.push(n))
    const lines: string[] = []
    for (let i = 0; i < 3000; i++) {
      const line = `{"n":${i},"pad":"${'é'.repeat(i % 37)}"}\n`
      lines.push(line)
      dest.write(line)
      if (i % 500 === 0) await new Promise((r) => setImmediate(r))
    }
    await ended(dest)
    assert.equal(readFileSync(file, 'utf8'), lines.join(''))
    assert.ok(written.length > 1)
    assert.ok(
      written.every((n) => n <= 4096),
      `a write exceeded maxWrite: ${Math.max(...written)}`,
    )
  })
})
