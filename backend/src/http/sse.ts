// Server-Sent Events over a PassThrough handed to `reply.send`, so Fastify's header handling
// (security headers, request id, rate-limit headers) applies as for any other response.
// Backpressure: `send` resolves once the stream has room again, so a client that reads slowly
// slows the answer down instead of making the server buffer it.
import { PassThrough } from 'node:stream'

/** One SSE frame; JSON.stringify keeps `data` on a single line. */
export function formatEvent(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`
}

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-store',
  'x-accel-buffering': 'no',
} as const

const READY: Promise<void> = Promise.resolve()

/** Comments keep idle proxies (and the HF Spaces edge) from closing a slow answer. */
const HEARTBEAT_MS = 15_000

export class SseStream {
  readonly body = new PassThrough()
  private closed = false
  private heartbeat: NodeJS.Timeout

  constructor(heartbeatMs = HEARTBEAT_MS) {
    this.heartbeat = setInterval(() => {
      // A full buffer is not idle: the client has bytes to read already.
      if (!this.body.writableNeedDrain) void this.write(': keep-alive\n\n')
    }, heartbeatMs)
    this.heartbeat.unref()
  }

  /** Also true when the response destroyed the body first (its socket closed): nobody reads. */
  get isClosed(): boolean {
    return this.closed || this.body.destroyed
  }

  /** Resolves when the stream can take more (at once, unless its buffer is full) or has closed. */
  send(event: string, data: unknown): Promise<void> {
    return this.write(formatEvent(event, data))
  }

  /** An unnamed frame, as OpenAI's streams send them (`data:` only). */
  data(value: unknown): Promise<void> {
    return this.write(`data: ${JSON.stringify(value)}\n\n`)
  }

  /** OpenAI's end-of-stream marker: clients stop reading at it. */
  done(): Promise<void> {
    return this.write('data: [DONE]\n\n')
  }

  end(): void {
    if (this.closed) return
    this.closed = true
    clearInterval(this.heartbeat)
    this.body.end()
  }

  /** The client went away: stop writing, release the stream. */
  abandon(): void {
    this.closed = true
    clearInterval(this.heartbeat)
    this.body.destroy()
  }

  private write(text: string): Promise<void> {
    if (this.isClosed || this.body.write(text)) return READY
    // A destroyed body emits no more 'close': waiting on it would hold the answer (and its
    // provider call) for ever.
    if (this.body.destroyed) return READY
    return new Promise((resolve) => {
      const done = () => {
        this.body.off('drain', done)
        this.body.off('close', done)
        resolve()
      }
      this.body.on('drain', done)
      this.body.on('close', done)
    })
  }
}

export function wantsEventStream(accept: string | undefined): boolean {
  return typeof accept === 'string' && /(^|,)\s*text\/event-stream\s*(;|,|$)/i.test(accept)
}
