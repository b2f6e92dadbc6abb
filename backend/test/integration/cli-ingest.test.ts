// `npm run ingest` as an operator runs it: a real child process on a PGlite data directory.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { openDatabase, pgliteDirOf } from '../../src/db/client.js'
import { lockPath, SERVER_RUNNING_MESSAGE } from '../../src/db/lock-file.js'
import { makePdf } from '../fixtures/pdf.js'

const CLI = fileURLToPath(new URL('../../src/cli/ingest.ts', import.meta.url))
const TSX = import.meta.resolve('tsx')

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

function run(cwd: string, args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, CLI, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString()
    })
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString()
    })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

describe('npm run ingest [pglite]', () => {
  let dir: string
  let env: Record<string, string>
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'rag-ingest-cli-'))
    env = { DATA_DIR: join(dir, 'data') }
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
  after(() => rmSync(dir, { recursive: true, force: true }))

  it('prints usage and exits 2 without arguments', async () => {
    const r = await run(dir, [], env)
    assert.equal(r.code, 2)
    assert.match(r.stderr, /usage: npm run ingest -- <file-or-folder>/)
  })

  it('ingests a folder recursively, names the file that failed, exits 1', async () => {
    const r = await run(dir, ['docs'], env)
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
    const r = await run(dir, ['docs', 'missing.md'], env)
    assert.equal(r.code, 1)
    assert.match(r.stdout, /^updated {3}docs\/guide\.md \(2 chunks\)$/m)
    assert.match(r.stdout, /^failed {4}missing\.md: no such file or directory$/m)
    assert.match(r.stdout, /ingested 5 files: 0 new, 1 updated, 3 unchanged, 1 failed \(5 chunks\)/)
    const ok = await run(dir, ['docs/notes.txt'], env)
    assert.equal(ok.code, 0)
    assert.match(ok.stdout, /ingested 1 file: 0 new, 0 updated, 1 unchanged, 0 failed \(1 chunks\)/)
  })

  it('stored the documents under their relative paths', async () => {
    const db = await openDatabase({ databaseUrl: null, pgliteDir: pgliteDirOf(env.DATA_DIR as string) })
    try {
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
    } finally {
      await db.close()
    }
  })

  it('refuses politely while the server holds the data directory', async () => {
    // A live process (this test runner) owns the lock, as a running server would.
    writeFileSync(lockPath(env.DATA_DIR as string), String(process.pid))
    try {
      const r = await run(dir, ['docs'], env)
      assert.equal(r.code, 1)
      assert.ok(r.stderr.includes(SERVER_RUNNING_MESSAGE), r.stderr)
      assert.doesNotMatch(r.stdout, /ingested/)
    } finally {
      unlinkSync(lockPath(env.DATA_DIR as string))
    }
  })
})
