// The web UI's API types, generated from the OpenAPI document that the app serves at
// /openapi.json (built from the same TypeBox schemas that validate requests), so the UI cannot
// drift from what the server accepts and answers. `npm run gen:api-types` writes them;
// backend/test/integration/api-types.test.ts fails when the committed copy is stale.
import { fileURLToPath } from 'node:url'
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript'
import { buildApp } from '../src/app.js'
import { testConfig } from '../src/config.js'
import type { Database } from '../src/db/client.js'

export const API_TYPES_FILE = fileURLToPath(
  new URL('../../frontend/src/lib/api-types.gen.ts', import.meta.url),
)

export const REGENERATE_COMMAND = 'npm run gen:api-types'

const BANNER = `// Generated from the backend's /openapi.json by \`${REGENERATE_COMMAND}\`: do not edit.
// frontend/src/lib/types.ts names the shapes the UI uses; docs/api.md describes them in words.

`

/**
 * The OpenAPI document exactly as GET /openapi.json serves it. The app is built but never
 * listens and no route runs, so the database is only there because buildApp requires one.
 */
export async function openApiDocument(db: Database): Promise<OpenAPI3> {
  const app = await buildApp({ config: testConfig(), db })
  try {
    const response = await app.inject({ method: 'GET', url: '/openapi.json' })
    if (response.statusCode !== 200) throw new Error(`GET /openapi.json answered ${response.statusCode}`)
    return response.json<OpenAPI3>()
  } finally {
    await app.close()
  }
}

/** The text of frontend/src/lib/api-types.gen.ts for the app as it is. */
export async function generateApiTypes(db: Database): Promise<string> {
  const document = await openApiDocument(db)
  const ast = await openapiTS(document, { silent: true })
  return `${BANNER}${astToString(ast)}`
}
