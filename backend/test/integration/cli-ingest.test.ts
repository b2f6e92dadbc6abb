// `npm run ingest` as an operator runs it: a real child process on a PGlite data directory.
import assert from 'node:assert/strict'
import { mkdirSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { before, describe, it } from 'node:test'
import { lockPath, SERVER_RUNNING_MESSAGE } from '../../src/db/lock-file.js'
import { insertSpace, SHARED_LIBRARY_ID } from '../../src/db/queries/spaces.js'
import { uuidv7 } from '../../src/lib/ids.js'
import { makePdf } from '../fixtures/pdf.js'
import { cliSuite } from '../helpers/cli.js'

describe('npm run ingest [pglite]', () => {
  const cli = cliSuite('pglite')
  let dir: string
  // Run from the scratch folder, so paths are relative to it, as an operator's are to theirs.
  const ingest = (args: string[]) => cli.run('ingest', args, { cwd: dir, env: { NODE_ENV: 'test' } })
  before(() => {
    dir = cli.dir
    mkdirSync(join(dir, 'docs/sub'), { recursive: true })
    writeFileSync(join(dir, 'docs/guide.md'), '# Guide\n\nHow to start the server.\n')
    writeFileSync(join(dir, 'docs/notes.txt'), 'Plain notes about backups.\n')
    writeFileSync(
      join(dir, 'docs/sub/page.html'),
      '<title>Page</title><main><h1>Page</h1><p>Hypertext.</p></main>',
    )
    writeFileSync(join(dir, 'docs/sub/report.pdf'), makePdf(['Annual report text.'], 'Annual Report'))
    writeFileSync(join(dir, 'docs/sub/broken.pdf'), '%PDF-1.4\nthis is not really a pdf')
    writeFileSync(join(dir, 'docs/sub/ignored.docx'), 'not taken from a folder walk')
  })

  it('prints usage and exits 2 without arguments', async () => {
    const r = await ingest([])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /usage: npm run ingest -- \[--space <id or name>\] <file-or-folder>/)
  })

  it('ingests a folder recursively, names the file that failed, exits 1', async () => {
    const r = await ingest(['docs'])
    assert.equal(r.code, 1, r.stderr)
    assert.match(r.stdout, /^new {7}docs\/guide\.md \(1 chunks\)$/m)
    assert.match(r.stdout, /^new {7}docs\/sub\/report\.pdf \(1 chunks\)$/m)
    assert.match(r.stdout, /^failed {4}docs\/sub\/broken\.pdf: The PDF could not be read/m)
    assert.doesNotMatch(r.stdout, /ignored\.docx/)
    assert.match(
      r.stdout,
      /^ingested 5 files: 4 new, 0 updated, 0 unchanged, 1 failed \(4 chunks\) in \d+\.\ds$/m,
    )
  })

  it('is idempotent and replaces the chunks of a changed file', async () => {
    unlinkSync(join(dir, 'docs/sub/broken.pdf'))
    writeFileSync(
      join(dir, 'docs/guide.md'),
      '# Guide\n\nHow to start the server.\n\n## Stop\n\nPress Ctrl-C.\n',
    )
    const r = await ingest(['docs', 'missing.md'])
    assert.equal(r.code, 1)
    assert.match(r.stdout, /^updated {3}docs\/guide\.md \(2 chunks\)$/m)
    assert.match(r.stdout, /^failed {4}missing\.md: no such file or directory$/m)
    assert.match(r.stdout, /ingested 5 files: 0 new, 1 updated, 3 unchanged, 1 failed \(5 chunks\)/)
    const ok = await ingest(['docs/notes.txt'])
    assert.equal(ok.code, 0)
    assert.match(ok.stdout, /ingested 1 file: 0 new, 0 updated, 1 unchanged, 0 failed \(1 chunks\)/)
  })

  it('stored the documents under their relative paths', async () => {
    await cli.withDb(async (db) => {
      const rows = await db.query<{ source: string; chunk_count: number }>(
        'select source, chunk_count from documents order by source',
      )
      assert.deepEqual(
        rows.map((r) => [r.source, r.chunk_count]),
        [
          ['docs/guide.md', 2],
          ['docs/notes.txt', 1],
          ['docs/sub/page.html', 1],
          ['docs/sub/report.pdf', 1],
        ],
      )
    })
  })

  it('ingests into the space named by --space (id or exact name), refusing unknown and ambiguous names', async () => {
    const team = uuidv7()
    await cli.withDb(async (db) => {
      await insertSpace(db, { id: team, name: 'Field notes', kind: 'team' })
      await insertSpace(db, { id: uuidv7(), name: 'Twice', kind: 'team' })
      await insertSpace(db, { id: uuidv7(), name: 'Twice', kind: 'team' })
    })
    writeFileSync(join(dir, 'field.md'), '# Field\n\nHeron sightings by the river.\n')
    const byName = await ingest(['--space', 'Field notes', 'field.md'])
    assert.equal(byName.code, 0, byName.stderr)
    assert.match(byName.stdout, /1 new/)
    // The same content is new in another space (idempotency is per space) and unchanged in its own.
    const shared = await ingest(['field.md'])
    assert.match(shared.stdout, /1 new/)
    const byId = await ingest(['--space', team.toUpperCase(), 'field.md'])
    assert.equal(byId.code, 0, byId.stderr)
    assert.match(byId.stdout, /0 new, 0 updated, 1 unchanged/)
    const unknown = await ingest(['--space', 'Nowhere', 'field.md'])
    assert.equal(unknown.code, 1)
    assert.match(unknown.stderr, /no space with the id or name "Nowhere"/)
    const twice = await ingest(['--space', 'Twice', 'field.md'])
    assert.equal(twice.code, 1)
    assert.match(twice.stderr, /2 spaces are named "Twice"/)
    await cli.withDb(async (db) => {
      const rows = await db.query<{ space_id: string }>(
        "select space_id from documents where source = 'field.md' order by space_id",
      )
      assert.deepEqual(rows.map((r) => String(r.space_id)).sort(), [SHARED_LIBRARY_ID, team].sort())
    })
  })

  it('reads relative paths from the folder `npm run ingest` was typed in, not the package root', async () => {
    // npm runs the script in the package root and says where it was typed (INIT_CWD), which
    // scripts/cli.mjs hands on as RAG_AUTH_INVOKED_FROM; the process itself stays in the root.
    const r = await cli.run('ingest', ['guide.md', 'sub'], {
      env: { NODE_ENV: 'test', RAG_AUTH_INVOKED_FROM: join(dir, 'docs') },
    })
    assert.equal(r.code, 0, r.stdout + r.stderr)
    assert.match(r.stdout, /^unchanged guide\.md \(2 chunks\)$/m)
    assert.match(r.stdout, /^unchanged sub\/report\.pdf \(1 chunks\)$/m)
    assert.match(r.stdout, /ingested 3 files: 0 new, 0 updated, 3 unchanged, 0 failed/)
  })

  it('refuses politely while the server holds the data directory', async () => {
    // A live process (this test runner) owns the lock, as a running server would.
    writeFileSync(lockPath(cli.dataDir), String(process.pid))
    try {
      const r = await ingest(['docs'])
      assert.equal(r.code, 1)
      assert.ok(r.stderr.includes(SERVER_RUNNING_MESSAGE), r.stderr)
      assert.doesNotMatch(r.stdout, /ingested/)
    } finally {
      unlinkSync(lockPath(cli.dataDir))
    }
  })
})
