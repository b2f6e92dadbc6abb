// docs/api.md §7: parsing runs off the event loop with limits. Through a real listening server, a
// hostile upload (a PDF of thousands of pages, a PDF whose text expands to millions of
// characters, HTML or Markdown nested 100,000 deep) is a 422 that says which limit, nothing of
// it is stored, and /health keeps answering fast while the upload is being read.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { multipartBody } from '../fixtures/multipart.js'
import { pdfDocument, runsContent } from '../fixtures/pdf.js'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { dbKinds } from '../helpers/db.js'
import { bearer, createUserWithSession } from '../helpers/users.js'

/**
 * /health must stay under this while an upload is parsed: a blocked event loop takes seconds
 * (4 s for the nested HTML when parsed on the event loop); the margin is for a busy shared machine.
 */
const HEALTH_MAX_MS = 1000
/** The default parse time limit (DEFAULT_PARSE_LIMITS.timeoutMs) plus the round trip. */
const TIME_LIMIT_MS = 65_000

/** ~1M characters per page: 1-point text, one line per point of the page's height. */
function expandingPdf(pages: number): Uint8Array {
  const text = 'Output rose again in the orchard this season. '.repeat(30)
  const lines = Array.from({ length: 780 }, (_, i) => `BT /F1 1 Tf 1 0 0 1 2 ${790 - i} Tm (${text}) Tj ET`)
  return pdfDocument([lines.join('\n')], { repeat: pages, deflate: true })
}

const manyPagesPdf = () =>
  pdfDocument([runsContent([{ x: 72, y: 700, size: 12, text: 'One more page.' }])], { repeat: 5000 })
const deepHtml = (n: number) => `<html><body>${'<div>'.repeat(n)}deep${'</div>'.repeat(n)}</body></html>`
const deepMarkdown = (n: number) => `# Deep\n\n${'>'.repeat(n)} quoted\n`

for (const kind of dbKinds()) {
  describe(`hostile uploads through a listening server [${kind}]`, { timeout: 300_000 }, () => {
    let t: TestApp
    let base = ''
    let admin: Record<string, string>

    before(async () => {
      // /health is probed every 50 ms: the limits are not what is tested here.
      t = await buildTestApp(kind, { RATE_LIMIT_GLOBAL: '100000/minute', RATE_LIMIT_HEALTH: '100000/minute' })
      const config = (await import('../../src/config.js')).testConfig()
      admin = bearer(
        (await createUserWithSession(t.tdb.db, config, { email: 'admin@example.com', role: 'admin' })).token,
      )
      base = await t.app.listen({ port: 0, host: '127.0.0.1' })
    })
    after(() => t.close())

    /** Uploads a file while probing /health every 50 ms; the slowest probe comes back with the answer. */
    async function uploadWatchingHealth(name: string, content: Uint8Array | string) {
      const mp = multipartBody({ name, content })
      const started = performance.now()
      let done = false
      const upload = fetch(`${base}/api/documents`, {
        method: 'POST',
        headers: { ...admin, ...mp.headers },
        body: new Uint8Array(mp.payload),
      }).then(async (res) => {
        done = true
        return { status: res.status, body: (await res.json()) as { detail: string; code: string } }
      })
      const probes: number[] = []
      while (!done || probes.length < 3) {
        const t0 = performance.now()
        const res = await fetch(`${base}/health`)
        await res.arrayBuffer()
        assert.equal(res.status, 200)
        probes.push(performance.now() - t0)
        await new Promise((r) => setTimeout(r, 50))
      }
      const result = await upload
      return { ...result, ms: performance.now() - started, slowestHealthMs: Math.max(...probes), probes }
    }

    async function documentCount(): Promise<number> {
      const res = await fetch(`${base}/api/documents`, { headers: admin })
      return ((await res.json()) as { documents: unknown[] }).documents.length
    }

    it('ingests a normal upload (which also starts the parse worker)', async () => {
      const r = await uploadWatchingHealth(
        'press.txt',
        'Press notes\n\nThe press opens at nine on Saturdays.\n',
      )
      assert.equal(r.status, 201, JSON.stringify(r.body))
      assert.equal(await documentCount(), 1)
    })

    it('refuses HTML nested 100,000 deep with a 422, /health answering meanwhile', async () => {
      const r = await uploadWatchingHealth('deep.html', deepHtml(100_000))
      assert.equal(r.status, 422, JSON.stringify(r.body))
      assert.equal(r.body.code, 'validation_error')
      assert.match(r.body.detail, /nested more than 512 levels/)
      assert.ok(r.slowestHealthMs < HEALTH_MAX_MS, `slowest /health ${r.slowestHealthMs} ms`)
      assert.equal(await documentCount(), 1)
    })

    it('refuses Markdown nested 100,000 deep with a 422', async () => {
      const r = await uploadWatchingHealth('deep.md', deepMarkdown(100_000))
      assert.equal(r.status, 422, JSON.stringify(r.body))
      assert.match(r.body.detail, /nested more than 512 levels/)
      assert.ok(r.slowestHealthMs < HEALTH_MAX_MS, `slowest /health ${r.slowestHealthMs} ms`)
    })

    it('refuses a PDF of 5,000 pages with a 422 naming the page limit', async () => {
      const r = await uploadWatchingHealth('pages.pdf', manyPagesPdf())
      assert.equal(r.status, 422, JSON.stringify(r.body))
      assert.match(r.body.detail, /5000 pages; at most 2000/)
      assert.ok(r.slowestHealthMs < HEALTH_MAX_MS, `slowest /health ${r.slowestHealthMs} ms`)
      assert.equal(await documentCount(), 1)
    })

    it('refuses a small PDF whose text expands to millions of characters, within the time limit', async () => {
      const pdf = expandingPdf(12)
      assert.ok(pdf.length < 64 * 1024, `${pdf.length} bytes`)
      const r = await uploadWatchingHealth('bomb.pdf', pdf)
      assert.equal(r.status, 422, JSON.stringify(r.body))
      assert.match(r.body.detail, /more than 5,000,000 characters|took longer than/)
      assert.ok(r.ms < TIME_LIMIT_MS, `${r.ms} ms`)
      // Seconds of parsing, and the server answered every probe quickly all along.
      assert.ok(r.probes.length >= 5, `${r.probes.length} probes`)
      assert.ok(r.slowestHealthMs < HEALTH_MAX_MS, `slowest /health ${r.slowestHealthMs} ms`)
      assert.equal(await documentCount(), 1)
    })

    it('still ingests a normal upload afterwards', async () => {
      const r = await uploadWatchingHealth(
        'harvest.txt',
        'Harvest notes\n\nThe press ran for nine days in October.\n',
      )
      assert.equal(r.status, 201, JSON.stringify(r.body))
      assert.equal(await documentCount(), 2)
    })
  })
}
