// The subset of autocannon 9 that the bench uses (the package ships no types).
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events'

  namespace autocannon {
    interface Options {
      url: string
      connections?: number
      pipelining?: number
      duration?: number
      amount?: number
      method?: string
      headers?: Record<string, string>
      body?: string
      requests?: unknown[]
      timeout?: number
    }
    interface Result {
      '1xx': number
      '2xx': number
      '3xx': number
      '4xx': number
      '5xx': number
      errors: number
      timeouts: number
      non2xx: number
    }
    interface Instance extends EventEmitter, PromiseLike<Result> {
      stop(): void
    }
  }
  function autocannon(opts: autocannon.Options): autocannon.Instance
  export default autocannon
}
