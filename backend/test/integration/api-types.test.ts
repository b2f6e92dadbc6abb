// The web UI's API types (frontend/src/lib/api-types.gen.ts) must be what the routes' schemas
// generate today: a schema change without `npm run gen:api-types` fails here, not in a browser.
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { after, before, describe, it } from 'node:test'
import { API_TYPES_FILE, generateApiTypes, REGENERATE_COMMAND } from '../../scripts/api-types.js'
import { createTestDatabase, type TestDatabase } from '../helpers/db.js'

/** Line number and both versions of the first line that differs, for the failure message. */
function firstDifference(committed: string, generated: string): string {
  const a = committed.split('\n')
  const b = generated.split('\n')
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) {
      return `line ${i + 1}:\n  committed: ${a[i] ?? '(end of file)'}\n  generated: ${b[i] ?? '(end of file)'}`
    }
  }
  return 'no line differs'
}

// PGlite only: the OpenAPI document comes from the routes' schemas and is the same on either driver.
describe('frontend API types', () => {
  let tdb: TestDatabase
  let generated: string
  before(async () => {
    tdb = await createTestDatabase('pglite')
    generated = await generateApiTypes(tdb.db)
  })
  after(() => tdb.cleanup())

  it('cover the routes the UI calls', () => {
    for (const path of ['/api/auth/me', '/api/documents/{id}', '/api/chat/message', '/api/admin/feedback']) {
      assert.ok(generated.includes(`"${path}": {`), `${path} is missing from the generated types`)
    }
  })

  it('are up to date with the routes', async () => {
    const committed = await readFile(API_TYPES_FILE, 'utf8').catch(() => '')
    assert.ok(
      committed === generated,
      `frontend/src/lib/api-types.gen.ts is stale: run \`${REGENERATE_COMMAND}\` and commit it ` +
        `(first difference at ${firstDifference(committed, generated)})`,
    )
  })
})
