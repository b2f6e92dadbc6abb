// patches/postgres+3.4.9.patch (applied by `npm ci` through patch-package): postgres-js' internal
// queue kept every shifted slot while it never drained, so a pipelining connection under steady
// load grew an array by one slot per query (114,569 slots after 117k queries in 5 s here) and
// each remove() scanned all of it (9 % of the CPU of GET /api/auth/me in the bench profile).
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

interface Queue<T> {
  readonly length: number
  push(x: T): T
  shift(): T | undefined
  remove(x: T | undefined): T | null | undefined
}

const queueModule = new URL('../../../node_modules/postgres/src/queue.js', import.meta.url).href
const { default: Queue } = (await import(queueModule)) as { default: <T>(initial?: T[]) => Queue<T> }

describe('postgres-js queue (patched)', () => {
  it('stays FIFO and bounded while it never drains', () => {
    const q = Queue<number>()
    for (let i = 0; i < 10; i++) q.push(i)
    let expected = 0
    for (let i = 10; i < 100_000; i++) {
      q.push(i)
      assert.equal(q.shift(), expected++)
    }
    assert.equal(q.length, 10)
    // Holes left by shift() are not elements: before the patch remove() found one and returned
    // undefined (the array was 100,000 slots long); with the patch it finds nothing.
    assert.equal(q.remove(undefined), null)
    assert.equal(q.remove(99_995), 99_995)
    assert.equal(q.length, 9)
    const rest: number[] = []
    while (q.length > 0) rest.push(q.shift() as number)
    assert.deepEqual(rest, [99_990, 99_991, 99_992, 99_993, 99_994, 99_996, 99_997, 99_998, 99_999])
  })

  it('removes from the middle and drains to empty', () => {
    const q = Queue(['a', 'b', 'c'])
    assert.equal(q.remove('b'), 'b')
    assert.equal(q.remove('zz'), null)
    assert.equal(q.shift(), 'a')
    assert.equal(q.shift(), 'c')
    assert.equal(q.length, 0)
    assert.equal(q.shift(), undefined)
  })
})
