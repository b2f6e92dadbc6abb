// HTTP/1.1 over a raw socket: the request target goes on the wire exactly as written (absolute
// form, `//`, `..`, `;`, percent-escapes), which fetch and inject would normalise first.
import { connect } from 'node:net'

export interface RawResponse {
  status: number
  headers: Record<string, string>
  body: string
}

export function rawRequest(
  port: number,
  method: string,
  target: string,
  headers: Record<string, string> = {},
  body = '',
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const lines = [`${method} ${target} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close']
    for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`)
    if (body || ['POST', 'PUT', 'PATCH', 'DELETE'].includes(method))
      lines.push(`Content-Length: ${Buffer.byteLength(body)}`)
    // write, not end: a half-closed connection makes Node's server abort the request in flight;
    // `Connection: close` has the server close it once it has answered.
    const socket = connect(port, '127.0.0.1', () => socket.write(`${lines.join('\r\n')}\r\n\r\n${body}`))
    const chunks: Buffer[] = []
    socket.on('data', (d) => chunks.push(d))
    socket.on('error', reject)
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      const [head = '', ...rest] = text.split('\r\n\r\n')
      const [statusLine = '', ...headerLines] = head.split('\r\n')
      const out: Record<string, string> = {}
      for (const line of headerLines) {
        const i = line.indexOf(':')
        if (i > 0) out[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim()
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers: out, body: rest.join('\r\n\r\n') })
    })
  })
}

/** Every (method, path) the router knows, read from `printRoutes({ commonPrefix: false })`. */
export function routeTable(printed: string): { method: string; path: string }[] {
  const out: { method: string; path: string }[] = []
  const stack: string[] = []
  for (const line of printed.split('\n')) {
    const m = /^((?:│ {3}| {4})*)(?:├── |└── )(.*?)(?: \(([A-Z, ]+)\))?$/.exec(line)
    if (!m) continue
    const depth = (m[1] as string).length / 4
    stack.length = depth
    const path = (stack[depth - 1] ?? '') + (m[2] as string)
    stack[depth] = path
    for (const method of (m[3] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean))
      out.push({ method, path })
  }
  return out
}
