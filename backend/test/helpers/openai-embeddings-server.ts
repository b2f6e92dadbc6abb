// A real local HTTP server speaking the OpenAI embeddings wire protocol (POST /v1/embeddings).
// Vectors are deterministic hashed bags of words (L2-normalised), so cosine similarity is word
// overlap: texts that share words are near, unrelated texts are orthogonal-ish.
import { createHash } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface EmbeddingsServer {
  /** Base URL for EMBEDDING_BASE_URL, e.g. http://127.0.0.1:1234/v1 */
  url: string
  /** Every request body received, in order. */
  requests: { model: string; input: string[]; dimensions?: number; encoding_format?: string }[]
  /** The next `count` requests fail with this HTTP status. */
  failNext(status: number, count?: number): void
  close(): Promise<void>
}

export function hashedBagOfWords(text: string, dimensions: number): number[] {
  const v = new Array<number>(dimensions).fill(0)
  for (const raw of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    const word = raw.length > 3 ? raw.replace(/s$/, '') : raw
    const h = createHash('sha1').update(word).digest()
    const i = h.readUInt32BE(0) % dimensions
    v[i] = (v[i] as number) + 1
  }
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1
  return v.map((x) => x / norm)
}

export async function startEmbeddingsServer(opts: { dimensions: number }): Promise<EmbeddingsServer> {
  const requests: EmbeddingsServer['requests'] = []
  let failures: { status: number; count: number } | null = null
  const server: Server = createServer((req, res) => {
    const parts: Buffer[] = []
    req.on('data', (c: Buffer) => parts.push(c))
    req.on('end', () => {
      res.setHeader('content-type', 'application/json')
      if (req.method !== 'POST' || !req.url?.endsWith('/embeddings')) {
        res.statusCode = 404
        res.end(JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error' } }))
        return
      }
      const body = JSON.parse(
        Buffer.concat(parts).toString('utf8'),
      ) as EmbeddingsServer['requests'][number] & {
        input: string | string[]
      }
      const input = Array.isArray(body.input) ? body.input : [body.input]
      requests.push({ ...body, input })
      if (failures && failures.count > 0) {
        failures.count--
        res.statusCode = failures.status
        res.end(JSON.stringify({ error: { message: 'scripted failure', type: 'server_error' } }))
        return
      }
      const dims = body.dimensions ?? opts.dimensions
      res.end(
        JSON.stringify({
          object: 'list',
          model: body.model,
          data: input.map((text, index) => ({
            object: 'embedding',
            index,
            embedding: hashedBagOfWords(text, dims),
          })),
          usage: { prompt_tokens: 0, total_tokens: 0 },
        }),
      )
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    failNext(status, count = 1) {
      failures = { status, count }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
