// Which part of the product a request addresses — decided on the route the router matched, never
// on the raw request target. Default deny, CSRF, rate limits, the API's CSP and `no-store` all
// read `request.zone`, so a respelled path (`/%61pi/…`, `http://host/api/…`) that the router
// matches to an /api route is treated exactly like its plain spelling.
//
// A route's zone comes from the path it was registered under (stamped into its config when it is
// added). A request the router matched to no route (a 404), or only to a catch-all (`OPTIONS *`),
// has no registered path to go by: its zone comes from its target normalised the way any
// server, proxy or browser might read it (absolute form stripped, percent-decoded, dot segments
// resolved, doubled slashes and `;` parameters dropped, the first segment lower-cased). So an
// unknown `/API/x`, `//api/x` or `/x/../api/x` is an unknown /api path: 401 without a session.
//
// Adding a zone (e.g. `/v1`, the OpenAI-compatible API) is one entry in ZONE_OF_SEGMENT plus its
// policy in the helpers below.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'

/** `api`: /api/*; `v1`: /v1/*; `docs`: /docs; `site`: everything else (UI, /health, /openapi.json). */
export type Zone = 'api' | 'v1' | 'docs' | 'site'

declare module 'fastify' {
  interface FastifyRequest {
    zone: Zone
  }
  interface FastifyContextConfig {
    /** Set for every route when it is registered, from its path; `undefined` for catch-alls. */
    zone?: Zone
  }
}

const ZONE_OF_SEGMENT: Readonly<Record<string, Zone>> = { api: 'api', v1: 'v1', docs: 'docs' }

/** The zone of a registered route path, or undefined for a catch-all (`*`) that spans zones. */
export function zoneOfRoute(url: string): Zone | undefined {
  if (url === '*' || url.startsWith('/*')) return undefined
  const first = url.split('/')[1] ?? ''
  return ZONE_OF_SEGMENT[first] ?? 'site'
}

/** Percent-decodes what decodes; a malformed escape is left as it is. */
function decodeLoosely(text: string): string {
  return text.replace(/(%[0-9a-f]{2})+/gi, (run) => {
    try {
      return decodeURIComponent(run)
    } catch {
      return run
    }
  })
}

/** The path segments of a request target, read as leniently as any server or proxy might. */
export function normalizedSegments(target: string): string[] {
  let path = target.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '')
  path = path.split(/[?#]/, 1)[0] as string
  // Decoding twice catches a double-encoded `%2561pi`; more layers would be a client's own doing.
  path = decodeLoosely(decodeLoosely(path)).replace(/\\/g, '/')
  const out: string[] = []
  for (const raw of path.split('/')) {
    const segment = (raw.split(';', 1)[0] as string).trim()
    if (segment === '' || segment === '.') continue
    if (segment === '..') out.pop()
    else out.push(segment)
  }
  return out
}

/** The zone of a target that no specific route matched: /api and /v1 (any spelling) or the site. */
export function zoneOfTarget(target: string): Zone {
  const first = normalizedSegments(target)[0]?.toLowerCase() ?? ''
  const zone = ZONE_OF_SEGMENT[first]
  // An unmatched /docs path is no Swagger page: it is answered like the rest of the site.
  return zone === 'api' || zone === 'v1' ? zone : 'site'
}

/** Zones where every route needs a session or API key unless its config says `public: true`. */
export function isGuarded(zone: Zone): boolean {
  return zone === 'api' || zone === 'v1'
}

/** Whether the session cookie counts as credentials here (`/v1` is Bearer only, so no CSRF). */
export function acceptsCookie(zone: Zone): boolean {
  return zone === 'api'
}

/** What the auth plugin may accept from a request: nothing outside the guarded zones. */
export function acceptedCredentials(request: FastifyRequest): 'none' | 'bearer' | 'bearer-or-cookie' {
  if (!isGuarded(request.zone)) return 'none'
  return acceptsCookie(request.zone) ? 'bearer-or-cookie' : 'bearer'
}

async function zonesPlugin(app: FastifyInstance) {
  app.decorateRequest('zone', 'site')
  app.addHook('onRoute', (route) => {
    route.config = { ...route.config, zone: zoneOfRoute(route.url) }
  })
  // First of the request hooks: everything after it reads `request.zone`.
  app.addHook('onRequest', (request: FastifyRequest, _reply, done) => {
    request.zone = request.routeOptions.config.zone ?? zoneOfTarget(request.url)
    done()
  })
}

export default fp(zonesPlugin, { name: 'zones' })
