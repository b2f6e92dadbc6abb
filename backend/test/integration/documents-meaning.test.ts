// Issue 22.3 through the API: uploaded text, HTML and PDF files keep their meaning in the stored
// chunks that GET /api/documents/{id} returns (and answers quote): a wrapped "2024." stays in its
// sentence, table rows carry their headers, headings are chunk headings without the title.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { multipartBody } from '../fixtures/multipart.js'
import { pdfDocument, runsContent } from '../fixtures/pdf.js'
import { buildTestApp, json, type TestApp } from '../helpers/app.js'
import { dbKinds } from '../helpers/db.js'
import { bearer, createUserWithSession } from '../helpers/users.js'

interface Detail {
  id: string
  title: string
  /** How it was read: the UI shows text and PDF chunks as plain paragraphs. */
  format: string
  chunks: Array<{ heading: string | null; content: string }>
}

const REPORT_TXT = `Harvest report

Output fell to 298 tonnes this year, down from 341 tonnes in
2024. Prices rose by a tenth.

Cold store
Apples are kept at 2.5 °C and quinces at 0 °C.
`

const STORAGE_HTML = `<!doctype html><html><head><title>Handbook</title></head><body><main>
<h1>Handbook</h1><h2>Membership</h2><p>Members pay 20 pounds a year.</p>
<h2>Storage</h2><table><tr><th>Variety</th><th>Stored at</th></tr>
<tr><td>Bramley</td><td>2.5 °C</td></tr><tr><td>Quince</td><td>0 °C</td></tr></table>
</main></body></html>`

const pressPdf = () =>
  pdfDocument([
    runsContent([
      { x: 72, y: 740, size: 18, text: 'Press rota' },
      { x: 72, y: 710, size: 11, text: 'The press ran for nine days, two more than in' },
      { x: 72, y: 697, size: 11, text: '2024. Volunteers worked in pairs.' },
    ]),
  ])

for (const kind of dbKinds()) {
  describe(`uploads keep their meaning [${kind}]`, () => {
    let t: TestApp
    let admin: Record<string, string>
    before(async () => {
      t = await buildTestApp(kind)
      const config = (await import('../../src/config.js')).testConfig()
      admin = bearer(
        (await createUserWithSession(t.tdb.db, config, { email: 'admin@example.com', role: 'admin' })).token,
      )
    })
    after(() => t.close())

    async function uploadAndRead(name: string, content: Uint8Array | string): Promise<Detail> {
      const mp = multipartBody({ name, content })
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/documents',
        payload: mp.payload,
        headers: { ...admin, ...mp.headers },
      })
      assert.equal(res.statusCode, 201, res.body)
      const { id } = json<{ id: string }>(res)
      return json<Detail>(await t.app.inject({ method: 'GET', url: `/api/documents/${id}`, headers: admin }))
    }

    it('a .txt: "2024." stays in its sentence, the heading is not glued to its paragraph', async () => {
      const doc = await uploadAndRead('report.txt', REPORT_TXT)
      assert.equal(doc.title, 'Harvest report')
      assert.equal(doc.format, 'text')
      assert.deepEqual(
        doc.chunks.map((c) => [c.heading, c.content]),
        [
          [
            null,
            'Output fell to 298 tonnes this year, down from 341 tonnes in 2024. Prices rose by a tenth.',
          ],
          ['Cold store', 'Apples are kept at 2.5 °C and quinces at 0 °C.'],
        ],
      )
    })

    it('an .html: table rows as sentences with their headers, headings without the title', async () => {
      const doc = await uploadAndRead('handbook.html', STORAGE_HTML)
      assert.equal(doc.title, 'Handbook')
      assert.equal(doc.format, 'html')
      assert.deepEqual(
        doc.chunks.map((c) => [c.heading, c.content]),
        [
          ['Membership', 'Members pay 20 pounds a year.'],
          ['Storage', 'Variety: Bramley; Stored at: 2.5 °C.\n\nVariety: Quince; Stored at: 0 °C.'],
        ],
      )
    })

    it('a .pdf: wrapped lines joined, the large first line is the title', async () => {
      const doc = await uploadAndRead('rota.pdf', pressPdf())
      assert.equal(doc.title, 'Press rota')
      assert.equal(doc.format, 'pdf')
      assert.deepEqual(
        doc.chunks.map((c) => [c.heading, c.content]),
        [[null, 'The press ran for nine days, two more than in 2024. Volunteers worked in pairs.']],
      )
    })

    it("a .txt is read as written in search and answers: its '#' line is no heading, its <rate> no tag", async () => {
      await uploadAndRead(
        'pickers.txt',
        'Orchard crew\n\n# of pickers: 12 in the orchard, paid <rate> a crate.\n',
      )
      const search = await t.app.inject({
        method: 'GET',
        url: `/api/search?q=${encodeURIComponent('pickers orchard')}&k=1`,
        headers: admin,
      })
      const [hit] = json<{ results: { snippet: string }[] }>(search).results
      assert.equal(hit?.snippet, '# of pickers: 12 in the orchard, paid <rate> a crate.')
      const chat = await t.app.inject({
        method: 'POST',
        url: '/api/chat/message',
        headers: admin,
        payload: { message: 'How many pickers are in the orchard?' },
      })
      assert.equal(chat.statusCode, 200, chat.body)
      const { message } = json<{ message: { content: string } }>(chat)
      assert.equal(message.content, '# of pickers: 12 in the orchard, paid <rate> a crate [1].')
    })
  })
}
