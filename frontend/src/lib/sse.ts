/**
 * A pure, incremental Server-Sent Events parser (WHATWG "event stream interpretation").
 * Feed it decoded text in chunks of any size — a chunk may end mid-line, mid-field or
 * between the CR and LF of a CRLF — and it calls `onEvent` once per complete event.
 */

export interface SseEvent {
  /** `event:` field, `message` when absent. */
  event: string
  /** All `data:` lines of the event joined with `\n`. */
  data: string
  /** Last `id:` seen, if any. */
  id?: string
}

export interface SseParser {
  push(chunk: string): void
  /** Call at end of stream: a final event without its trailing blank line is discarded, per spec. */
  end(): void
}

export function createSseParser(onEvent: (event: SseEvent) => void): SseParser {
  let buffer = ''
  let skipLeadingLf = false
  let eventType = ''
  let dataLines: string[] = []
  let lastId: string | undefined
  let first = true

  const dispatch = () => {
    if (dataLines.length === 0) {
      eventType = ''
      return
    }
    const event: SseEvent = { event: eventType || 'message', data: dataLines.join('\n') }
    if (lastId !== undefined) event.id = lastId
    eventType = ''
    dataLines = []
    onEvent(event)
  }

  const processLine = (line: string) => {
    if (line === '') return dispatch()
    if (line.startsWith(':')) return
    const colon = line.indexOf(':')
    const field = colon === -1 ? line : line.slice(0, colon)
    let value = colon === -1 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'event') eventType = value
    else if (field === 'data') dataLines.push(value)
    else if (field === 'id' && !value.includes('\0')) lastId = value
    // `retry` and unknown fields are ignored: we never reconnect automatically.
  }

  const push = (chunk: string) => {
    let text = chunk
    if (first && text.length > 0) {
      first = false
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
    }
    if (skipLeadingLf && text.startsWith('\n')) text = text.slice(1)
    skipLeadingLf = false
    buffer += text
    let start = 0
    for (let i = 0; i < buffer.length; i++) {
      const ch = buffer[i]
      if (ch !== '\n' && ch !== '\r') continue
      processLine(buffer.slice(start, i))
      if (ch === '\r') {
        if (i + 1 === buffer.length) skipLeadingLf = true
        else if (buffer[i + 1] === '\n') i++
      }
      start = i + 1
    }
    buffer = buffer.slice(start)
  }

  const end = () => {
    buffer = ''
    eventType = ''
    dataLines = []
  }

  return { push, end }
}

/** Reads a fetch body stream as UTF-8 (multi-byte characters may span chunks) into the parser. */
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
