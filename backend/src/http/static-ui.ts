// Serves the built SPA (frontend/dist) and the docs/api.md §0 fallback: a GET/HEAD for an
// extension-less path that accepts text/html (itself or by a wildcard such as curl's `*/*`) gets
// index.html; anything else unknown is 404 JSON.
import { existsSync } from 'node:fs'
import { extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { AppError } from '../errors.js'
import { isGuarded, normalizedSegments } from './zones.js'

export const DEFAULT_UI_DIR = fileURLToPath(new URL('../../../frontend/dist/', import.meta.url))

/**
 * Whether an Accept header admits HTML: `text/html`, or the wildcards `text/*` and `*\/*` that
 * curl, fetch and most HTTP libraries send by default — unless with q=0.
 */
function acceptsHtml(accept: string | undefined): boolean {
  if (!accept) return false
  return accept.split(',').some((item) => {
    const [range = '', ...params] = item.split(';').map((p) => p.trim().toLowerCase())
    if (range !== 'text/html' && range !== 'text/*' && range !== '*/*') return false
    const q = params.find((p) => p.startsWith('q='))
    return q === undefined || Number(q.slice(2)) > 0
  })
}

/**
 * First path segments that belong to the server, not the UI (§0: "a path outside /api, /v1,
 * /health, /docs, /openapi.json is the UI's"): an unknown `/health/x` or `/docs/x` is a 404.
 */
const SERVER_SEGMENTS = new Set(['health', 'docs', 'openapi.json'])

function wantsHtml(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false
  // /api and /v1 (in any spelling) are never the UI's, nor the rest of the server's paths.
  if (isGuarded(request.zone)) return false
  const first = normalizedSegments(request.url)[0]?.toLowerCase() ?? ''
  if (SERVER_SEGMENTS.has(first)) return false
  const path = request.url.split('?')[0] as string
  if (extname(path) !== '') return false
  return acceptsHtml(request.headers.accept)
}

async function staticUi(app: FastifyInstance, opts: { uiDir?: string }) {
  const root = opts.uiDir ?? DEFAULT_UI_DIR
  const hasUi = existsSync(join(root, 'index.html'))
  if (hasUi) {
    await app.register(fastifyStatic, {
      root,
      wildcard: false,
      index: false,
      serveDotFiles: false,
      setHeaders(res, path) {
        // Hashed assets never change; index.html must always be revalidated.
        if (path.includes(`${'/'}assets${'/'}`))
          res.header('cache-control', 'public, max-age=31536000, immutable')
        else res.header('cache-control', 'no-cache')
      },
    })
  } else {
    app.log.warn({ root }, 'web UI not built (frontend/dist missing): run `npm run build`')
  }
  app.setNotFoundHandler(async (request: FastifyRequest, reply: FastifyReply) => {
    if (hasUi && wantsHtml(request)) {
      reply.header('cache-control', 'no-cache')
      return reply.type('text/html; charset=utf-8').sendFile('index.html')
    }
    throw new AppError('not_found')
  })
}

export default fp(staticUi, { name: 'static-ui' })
