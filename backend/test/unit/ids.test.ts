import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isUuid, uuidv7 } from '../../src/lib/ids.js'

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

describe('uuidv7', () => {
  it('is a version 7, RFC 9562 variant UUID carrying the milliseconds in its first 48 bits', () => {
    const now = Date.UTC(2026, 10, 28, 13, 12, 0, 123)
    const id = uuidv7(now)
    assert.match(id, V7)
    assert.ok(isUuid(id))
    assert.equal(Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16), now)
    assert.match(uuidv7(0), /^00000000-0000-7/)
  })

  it('sorts by time and never repeats', () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => uuidv7(1_700_000_000_000 + Math.floor(i / 100)))
    assert.equal(new Set(ids).size, ids.length)
    for (let i = 100; i < ids.length; i += 100) assert.ok((ids[i - 1] as string) < (ids[i] as string))
    for (const id of ids.slice(0, 50)) assert.match(id, V7)
  })
})
