// `npm run gen:api-types`: rewrites frontend/src/lib/api-types.gen.ts from the app's routes.
// Run it after changing a route's schema, and commit the result with the change.
import { readFile, writeFile } from 'node:fs/promises'
import { relative } from 'node:path'
import { openDatabase } from '../src/db/client.js'
import { API_TYPES_FILE, generateApiTypes } from './api-types.js'

// In memory and unmigrated: no route runs, so no table is read.
const db = await openDatabase({ databaseUrl: null, pgliteDir: null })
try {
  const text = await generateApiTypes(db)
  const before = await readFile(API_TYPES_FILE, 'utf8').catch(() => null)
  const name = relative(process.cwd(), API_TYPES_FILE)
  if (before === text) {
    process.stdout.write(`${name} is up to date\n`)
  } else {
    await writeFile(API_TYPES_FILE, text)
    process.stdout.write(`wrote ${name} (${text.split('\n').length} lines)\n`)
  }
} finally {
  await db.close()
}
