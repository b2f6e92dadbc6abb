import { createParser } from 'eventsource-parser'

/**
 * Server-Sent Events over `fetch` (EventSource cannot POST a body or send the JSON we need).
 * Parsing is `eventsource-parser`'s; this module only gives events the browser's default type
 * and ties the parser to a byte stream.
 */

export interface SseEvent {
  /** `event:` field, `message` when absent (as `EventSource` reports it). */
  event: string
  /** All `data:` lines of the event joined with `\n`. */
  data: string
}

export interface SseParser {
  /** Decoded text in chunks of any size: a chunk may end mid-line, mid-field or between CR and LF. */
  push(chunk: string): void
  /** Call at end of stream: a final event without its trailing blank line is discarded, per spec. */
  end(): void
}

export function createSseParser(onEvent: (event: SseEvent) => void): SseParser {
  // Unknown fields and `retry` are ignored (the default `onError` and `onRetry` do nothing):
  // a chat answer is never resumed by reconnecting.
  const parser = createParser({
    onEvent: (message) => onEvent({ event: message.event ?? 'message', data: message.data }),
  })
  // The parser holds back a CR at the end of a chunk until it sees whether an LF follows; at the
  // end of the stream that CR still ends its line (a lone-CR stream's last blank line), and an
  // LF after it is the same line end, so feeding one releases it without adding a line.
  let pendingCr = false
  return {
    push: (chunk) => {
      if (chunk === '') return
      pendingCr = chunk.endsWith('\r')
      parser.feed(chunk)
    },
    end: () => {
      if (pendingCr) parser.feed('\n')
      pendingCr = false
      parser.reset()
    },
  }
}

/**
 * Reads a fetch body stream into the parser. `TextDecoder` keeps multi-byte characters that
 * span chunks whole and drops a leading byte-order mark, as the SSE spec asks.
 */
export async function readSseStream(
  body: ReadableStream<Uint8Array>,
  onEvent: (event: SseEvent) => void,
): Promise<void> {
  const parser = createSseParser(onEvent)
  const decoder = new TextDecoder()
  const reader = body.getReader()
  let finished = false
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      parser.push(decoder.decode(value, { stream: true }))
    }
    finished = true
    parser.push(decoder.decode())
    parser.end()
  } finally {
    // A handler threw (e.g. on `event: error`): stop the download instead of leaking it.
    if (!finished) await reader.cancel().catch(() => undefined)
    reader.releaseLock()
  }
}
