// A real local HTTP server speaking the OpenAI chat-completions wire protocol (the only kind of
// test double the project allows). Scriptable per test: reply text or exact stream chunks, an
// error status, a delay before the first byte, a stall mid-stream, a stream without end (slow
// or fast); it records every request, and it respects backpressure (waits for 'drain') so a
// test can see how much a reader took.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ScriptedReply {
  /** Reply content (default "OK"). Streamed in pieces of `pieceSize` characters. */
  text?: string
  /** Exact stream deltas (overrides text splitting). */
  chunks?: string[]
  pieceSize?: number
  /** Answer with this HTTP status and an OpenAI-style error body instead. */
  status?: number
  /** Wait this long before sending anything (headers included). */
  delayMs?: number
  /** Streaming: send this many deltas, then stop sending without ending the response. */
  stallAfter?: number
  /** Streaming: after the deltas, send them again and again, never ending the response. */
  forever?: boolean
  /** Streaming: pause between deltas (default 1 ms; 0 = as fast as the reader takes them). */
  intervalMs?: number
}

export interface RecordedRequest {
  path: string
  headers: IncomingMessage['headers']
  body: {
    model?: string
    stream?: boolean
    messages?: Array<{ role: string; content: string }>
    [key: string]: unknown
  }
}

export interface OpenAiChatServer {
  /** Base URL for LLM_BASE_URL, e.g. http://127.0.0.1:1234/v1 */
  url: string
  requests: RecordedRequest[]
  /** How many responses the client closed before they were complete (aborted calls). */
  readonly disconnects: number
  /** Stream bytes the readers have accepted so far (writes wait for 'drain'). */
  readonly bytesSent: number
  /** Responses not yet finished or closed. */
  readonly open: number
  /** Replies for the next requests, in order; afterwards the default reply is used. */
  script(...replies: ScriptedReply[]): void
  setDefault(reply: ScriptedReply): void
  /** Forget recorded requests and queued replies. */
  reset(): void
  close(): Promise<void>
}

function split(reply: ScriptedReply): string[] {
  if (reply.chunks) return reply.chunks
  const text = reply.text ?? 'OK'
  const size = reply.pieceSize ?? 4
  const out: string[] = []
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size))
  return out
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function chunkFrame(id: string, model: string, delta: Record<string, string>, finish: string | null) {
  const body = {
    id,
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, delta, finish_reason: finish }],
  }
  return `data: ${JSON.stringify(body)}\n\n`
}

/** Writes and, when the reader's buffer is full, waits until it drains (or the socket closes). */
async function write(res: ServerResponse, text: string, sent: (n: number) => void): Promise<void> {
  sent(Buffer.byteLength(text))
  if (res.write(text)) return
  await new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done)
      res.off('close', done)
      resolve()
    }
    res.on('drain', done)
    res.on('close', done)
  })
}

async function respond(
  req: RecordedRequest,
  reply: ScriptedReply,
  res: ServerResponse,
  sent: (n: number) => void,
): Promise<void> {
  if (reply.delayMs) await sleep(reply.delayMs)
  if (res.destroyed) return
  if (reply.status && reply.status >= 400) {
    res.writeHead(reply.status, { 'content-type': 'application/json' })
    res.end(
      JSON.stringify({
        error: { message: 'scripted provider failure (secret-internal-detail)', type: 'server_error' },
      }),
    )
    return
  }
  const model = req.body.model ?? 'test-model'
  const id = `chatcmpl-${Date.now()}`
  const parts = split(reply)
  if (!req.body.stream) {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(
      JSON.stringify({
        id,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model,
        choices: [
          { index: 0, message: { role: 'assistant', content: parts.join('') }, finish_reason: 'stop' },
        ],
      }),
    )
    return
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
  await write(res, chunkFrame(id, model, { role: 'assistant', content: '' }, null), sent)
  const interval = reply.intervalMs ?? 1
  for (let i = 0; i < parts.length || reply.forever; i++) {
    if (reply.stallAfter !== undefined && i >= reply.stallAfter) return // keep the socket open, silent
    if (res.destroyed) return
    await write(res, chunkFrame(id, model, { content: parts[i % parts.length] as string }, null), sent)
    if (interval > 0) await sleep(interval)
    else await new Promise((r) => setImmediate(r))
  }
  if (reply.stallAfter !== undefined && parts.length <= reply.stallAfter) return
  res.write(chunkFrame(id, model, {}, 'stop'))
  res.end('data: [DONE]\n\n')
}

export async function startOpenAiChatServer(): Promise<OpenAiChatServer> {
  const requests: RecordedRequest[] = []
  let queue: ScriptedReply[] = []
  let fallback: ScriptedReply = { text: 'OK' }
  let disconnects = 0
  let bytesSent = 0
  let open = 0

  const server: Server = createServer((req, res) => {
    let raw = ''
    req.setEncoding('utf8')
    req.on('data', (d: string) => {
      raw += d
    })
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        res.writeHead(404, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ error: { message: 'not found' } }))
        return
      }
      let body: RecordedRequest['body'] = {}
      try {
        body = JSON.parse(raw)
      } catch {
        // recorded as {}; the test decides whether that matters
      }
      open++
      res.on('close', () => {
        open--
        if (!res.writableFinished) disconnects++
      })
      const recorded: RecordedRequest = { path: req.url, headers: req.headers, body }
      requests.push(recorded)
      const reply = queue.shift() ?? fallback
      const sent = (n: number) => {
        bytesSent += n
      }
      respond(recorded, reply, res, sent).catch(() => res.destroy())
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  // Node's fetch (undici) loads lazily: ~300 ms on the first call, which tests with a 0.3 s
  // LLM_TIMEOUT_SECONDS would misread as a provider timeout. Pay it here.
  await (await fetch(`http://127.0.0.1:${port}/warm-up`)).text()
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    get disconnects() {
      return disconnects
    },
    get bytesSent() {
      return bytesSent
    },
    get open() {
      return open
    },
    script: (...replies) => {
      queue.push(...replies)
    },
    setDefault: (reply) => {
      fallback = reply
    },
    reset: () => {
      requests.length = 0
      queue = []
      disconnects = 0
      bytesSent = 0
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
