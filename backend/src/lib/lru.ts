// A bounded map that forgets the least recently used entry first: for values derived from data that
// never changes once written (a chunk's sentence split, a chunk's stored text), never for anything
// an access decision reads.

export class Lru<K, V> {
  private readonly entries = new Map<K, V>()

  constructor(private readonly max: number) {}

  get(key: K): V | undefined {
    const hit = this.entries.get(key)
    if (hit === undefined) return undefined
    // Most recently used last: the first key is the one to evict.
    this.entries.delete(key)
    this.entries.set(key, hit)
    return hit
  }

  set(key: K, value: V): void {
    this.entries.delete(key)
    if (this.entries.size >= this.max) {
      const oldest = this.entries.keys().next()
      if (!oldest.done) this.entries.delete(oldest.value)
    }
    this.entries.set(key, value)
  }

  get size(): number {
    return this.entries.size
  }
}
