// The session lookup runs on every authenticated request: on Postgres it must stay a named
// prepared statement (one Bind/Execute round trip after its first use on a connection, instead
// of Parse/Describe then Bind/Execute), and so must the last-used touch. So must the space reads
// every search, chat and document request makes (its scope, its role in one space, the chunks it
// retrieved), with one statement text whatever the number of ids (one JSON parameter).
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { type Database, openScratchPostgres } from '../../src/db/client.js'
import { migrate } from '../../src/db/migrate.js'
import { chunksByIds } from '../../src/db/queries/chunks.js'
import { findSessionByHash, touchSession } from '../../src/db/queries/sessions.js'
import {
  chunkCountOf,
  defaultSpaceIds,
  readableSpaceIds,
  SHARED_LIBRARY_ID,
  spaceAccess,
  spaceNames,
} from '../../src/db/queries/spaces.js'
import { TEST_DATABASE_URL } from '../helpers/db.js'

function skipReason(): string | false {
  if (TEST_DATABASE_URL) return false
  if (process.env.CI === 'true') throw new Error('CI=true but TEST_DATABASE_URL is not set')
  return 'TEST_DATABASE_URL not set'
}

describe('per-request statements are prepared [postgres]', { skip: skipReason() }, () => {
  let db: Database
  let drop: () => Promise<void>

  before(async () => {
    // One connection, so pg_prepared_statements (per connection) shows what the queries left.
    const name = `t_prep_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`
    const scratch = await openScratchPostgres(TEST_DATABASE_URL as string, name, 1)
    db = scratch.db
    drop = scratch.drop
    await migrate(db)
  })
  after(async () => {
    await drop?.()
  })

  it('the lookup and both touches are named statements on the connection', async () => {
    assert.equal(await findSessionByHash(db, 'a'.repeat(64)), null)
    const id = '00000000-0000-0000-0000-000000000000'
    await touchSession(db, id, new Date(), null)
    await touchSession(db, id, new Date(), new Date())
    const rows = await db.query<{ statement: string }>(
      `select statement from pg_prepared_statements where statement like '%"sessions"%' order by statement`,
    )
    const kinds = rows.map((r) =>
      /^select .* from "sessions" inner join "users"/.test(r.statement)
        ? 'lookup'
        : /"expires_at" =/.test(r.statement)
          ? 'touch and extend'
          : /^update "sessions" set "last_used_at"/.test(r.statement)
            ? 'touch'
            : r.statement,
    )
    assert.deepEqual(kinds.sort(), ['lookup', 'touch', 'touch and extend'])
  })

  it('scope, access, chunk counts, names and fetched chunks are one named statement each', async () => {
    const user = { id: '00000000-0000-7000-8000-0000000000aa', isAdmin: false }
    const other = '00000000-0000-7000-8000-0000000000bb'
    assert.deepEqual(await defaultSpaceIds(db, user.id), [SHARED_LIBRARY_ID])
    assert.deepEqual(await readableSpaceIds(db, user.id, true), [SHARED_LIBRARY_ID])
    assert.equal((await spaceAccess(db, SHARED_LIBRARY_ID, user))?.role, 'viewer')
    // Different numbers of ids, the same statement.
    assert.equal(await chunkCountOf(db, [SHARED_LIBRARY_ID]), 0)
    assert.equal(await chunkCountOf(db, [SHARED_LIBRARY_ID, other]), 0)
    assert.equal((await spaceNames(db, [SHARED_LIBRARY_ID, other])).size, 1)
    assert.equal((await chunksByIds(db, [other])).size, 0)
    assert.equal((await chunksByIds(db, [other, user.id])).size, 0)
    const rows = await db.query<{ statement: string }>(
      `select statement from pg_prepared_statements
       where statement like '%"spaces"%' or statement like '%"space_stats"%' or statement like '%"chunks"%'
         or statement like '%from chunks c join documents d%'`,
    )
    const kinds = rows.map((r) => {
      const s = r.statement
      if (/union/.test(s) && /"space_members"/.test(s)) return 'default scope'
      if (/<> 'personal'|<> \$/.test(s) && !/"space_members"/.test(s)) return 'admin scope'
      if (/left join "space_members"/.test(s)) return 'access'
      if (/"space_stats"/.test(s)) return 'chunk count'
      if (/from chunks c join documents d/.test(s)) return 'chunks by ids'
      if (/select "id", "name" from "spaces"/.test(s)) return 'names'
      return s
    })
    assert.deepEqual(kinds.sort(), [
      'access',
      'admin scope',
      'chunk count',
      'chunks by ids',
      'default scope',
      'names',
    ])
  })
})
