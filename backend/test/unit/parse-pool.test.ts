// The parse worker pool: the time limit terminates the worker and is a 422, the output limit is
// a 422, and the next document is prepared normally by a fresh worker.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { AppError } from '../../src/errors.js'
import { DEFAULT_PARSE_LIMITS } from '../../src/rag/parse.js'
import { prepareInWorker } from '../../src/rag/parse-pool.js'
import { makePdf, pdfDocument } from '../fixtures/pdf.js'
import { ensureBackendBuilt, REPO_ROOT } from '../helpers/processes.js'

function expandingPdf(pages: number): Uint8Array {
  const text = 'Output rose again in the orchard this season. '.repeat(30)
  const lines = Array.from({ length: 780 }, (_, i) => `BT /F1 1 Tf 1 0 0 1 2 ${790 - i} Tm (${text}) Tj ET`)
  return pdfDocument([lines.join('\n')], { repeat: pages, deflate: true })
}

async function refused(p: Promise<unknown>, detail: RegExp) {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof AppError, String(err))
    assert.equal(err.statusCode, 422)
    assert.match(err.message, detail)
    return true
  })
}

describe('prepareInWorker', { timeout: 300_000 }, () => {
  it('prepares a document in a worker: title, hash and chunks', async () => {
    const r = await prepareInWorker({
      content: '# Guide\n\nInstall it.\n\n## Run\n\nStart it.',
      format: 'markdown',
    })
    assert.equal(r.title, 'Guide')
    assert.match(r.hash, /^[0-9a-f]{64}$/)
    assert.deepEqual(
      r.chunks.map((c) => [c.heading, c.content]),
      [
        [null, 'Install it.'],
        ['Run', 'Start it.'],
      ],
    )
  })

  it('stops a document over the time limit with a 422, then prepares the next one', async () => {
    const started = performance.now()
    await refused(
      prepareInWorker(
        // ~86M characters with the output limit lifted: far more than any machine extracts in 4 s,
        // so the time limit (not the output limit, which a fast machine reaches first) ends it.
        { content: expandingPdf(80), format: 'pdf' },
        { ...DEFAULT_PARSE_LIMITS, timeoutMs: 4000, maxOutputChars: 200_000_000 },
      ),
      /took longer than 4 s/,
    )
    assert.ok(performance.now() - started < 6000, `${performance.now() - started} ms`)
    const next = await prepareInWorker({ content: 'Plain words after a timeout.', format: 'text' })
    assert.equal(next.chunks[0]?.content, 'Plain words after a timeout.')
  })

  it('refuses text over the output limit with a 422', async () => {
    await refused(
      prepareInWorker(
        { content: expandingPdf(3), format: 'pdf' },
        { ...DEFAULT_PARSE_LIMITS, maxOutputChars: 1_500_000 },
      ),
      /more than 1,500,000 characters/,
    )
    await refused(
      prepareInWorker(
        { content: 'x '.repeat(600), format: 'text' },
        { ...DEFAULT_PARSE_LIMITS, maxOutputChars: 1000 },
      ),
      /more than 1,000 characters/,
    )
  })

  it('refuses deep nesting before building anything', async () => {
    await refused(
      prepareInWorker({ content: `${'<section>'.repeat(600)}x`, format: 'html' }),
      /nested more than 512 levels/,
    )
    await refused(
      prepareInWorker({ content: `${'  '.repeat(600)}- item`, format: 'markdown' }),
      /nested more than 512 levels/,
    )
  })
})

describe('the parse worker from the built output', { timeout: 300_000 }, () => {
  it('runs under plain node (no tsx, as in the image) next to the compiled pool', async () => {
    await ensureBackendBuilt()
    const ingest = join(REPO_ROOT, 'backend/dist/rag/ingest.js')
    const script = `const { prepareDocument } = await import(${JSON.stringify(ingest)})
const pdf = Buffer.from(process.argv[2], 'base64')
const r = await prepareDocument({ content: new Uint8Array(pdf), format: 'pdf' })
process.stdout.write(JSON.stringify({ title: r.title, chunks: r.chunks.map((c) => c.content) }))`
    const pdf = Buffer.from(makePdf(['Built output works.'], 'Dist')).toString('base64')
    const file = join(mkdtempSync(join(tmpdir(), 'rag-auth-dist-')), 'prepare.mjs')
    writeFileSync(file, script)
    // A clean node: no --import tsx inherited, so only the compiled worker file can serve.
    const out = execFileSync(process.execPath, [file, pdf], {
      env: { PATH: process.env.PATH ?? '' },
      encoding: 'utf8',
    })
    assert.deepEqual(JSON.parse(out), { title: 'Dist', chunks: ['Built output works.'] })
  })
})
