/** Injected time source so expiry, sliding sessions and rate windows can be tested with a fake clock. */
export interface Clock {
  now(): number
}

export const systemClock: Clock = { now: () => Date.now() }

export class FakeClock implements Clock {
  constructor(private t: number = Date.parse('2026-01-01T00:00:00.000Z')) {}
  now(): number {
    return this.t
  }
  advance(ms: number): void {
    this.t += ms
  }
}
