// `npm run migrate`: apply pending migrations to DATABASE_URL (or the PGlite data dir) and exit.
// The server also migrates at start; this is for operators who prefer a separate release step.
import { appliedMigrations, listMigrations } from '../db/migrate.js'
import { EXIT_OK, openCliDatabase, parseCliArgs } from './common.js'

const USAGE = `usage: npm run migrate
Applies pending migrations to DATABASE_URL (or the PGlite data dir) and exits.`

if (parseCliArgs({ options: { help: { type: 'boolean', short: 'h' } } }, USAGE).values.help) {
  process.stdout.write(`${USAGE}\n`)
  process.exit(EXIT_OK)
}
const cli = await openCliDatabase()
const tags = await appliedMigrations(cli.db)
console.log(`database is at ${tags.length}/${listMigrations().length} migrations (${tags.at(-1) ?? 'none'})`)
await cli.close()
process.exit(EXIT_OK)
