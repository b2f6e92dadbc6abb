import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { AppError } from '../../src/errors.js'
import { decodeText, formatFromFilename, normalizeText, parseDocument } from '../../src/rag/parse.js'
import { makePdf } from '../fixtures/pdf.js'

async function refused(p: Promise<unknown>, detail: RegExp) {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof AppError)
    assert.equal(err.code, 'validation_error')
    assert.equal(err.statusCode, 422)
    assert.match(err.message, detail)
    return true
  })
}

describe('parseDocument', () => {
  it('keeps Markdown as is (normalised) and takes the first H1 as title', async () => {
    const doc = await parseDocument('\uFEFF## Intro\r\n\r\n\r\n\r\n# Real Title  \r\nText   \r\n', 'markdown')
    assert.equal(doc.title, 'Real Title')
    assert.equal(doc.body, '## Intro\n\n# Real Title\nText')
    assert.equal(doc.structured, true)
  })

  it('reads plain text without headings or title', async () => {
    const doc = await parseDocument(new TextEncoder().encode('Just text.\n'), 'text')
    assert.deepEqual(doc, {
      title: null,
      body: 'Just text.',
      structured: false,
      blocks: [{ text: 'Just text.' }],
    })
  })

  it('reduces HTML to its main content as Markdown', async () => {
    const html = `<!doctype html><html><head><title> The   Page </title><style>p{}</style><script>alert(1)</script></head>
      <body><header>Site header</header><nav><a href="/">Home</a></nav>
      <main><h1>Guide</h1><p>Intro <b>bold</b> and <code>npm start</code>.</p><h2>Install</h2>
      <pre><code>npm ci
npm start</code></pre><ul><li>first</li><li>second</li></ul>
      <table><tr><th>k</th><th>v</th></tr><tr><td>PORT</td><td>7860</td></tr></table></main>
      <aside>Related links</aside><footer>Copyright</footer></body></html>`
    const doc = await parseDocument(html, 'html')
    assert.equal(doc.title, 'The Page')
    assert.equal(
      doc.body,
      '# Guide\n\nIntro bold and `npm start`.\n\n## Install\n\n```\nnpm ci\nnpm start\n```\n\n- first\n- second\n\nk: PORT; v: 7860.',
    )
  })

  it("leaves out headings' permalinks (#, ¶) but keeps a heading's own # and other links", async () => {
    const html = `<main><h1>Path<span><a class="mark" href="#path" id="path">#</a></span></h1>
      <h2>Install<a class="headerlink" href="#install" title="Permalink">¶</a></h2>
      <p>See <a href="#install">the install section</a> and <a href="#x">#</a>.</p><h2>C#</h2><p>A language.</p></main>`
    const doc = await parseDocument(html, 'html')
    assert.equal(doc.body, '# Path\n\n## Install\n\nSee the install section and .\n\n## C#\n\nA language.')
  })

  it('keeps the space between inline elements and the seam between two listings of one <pre>', async () => {
    const html = `<main><p>Markers are <code>package.json</code> <code>"type"</code> fields, <b>bold</b> <i>and</i> more.</p>
      <pre><code class="cjs">const path = require('node:path');</code><code class="mjs">import path from 'node:path';</code></pre></main>`
    const doc = await parseDocument(html, 'html')
    assert.equal(
      doc.body,
      "Markers are `package.json` `\"type\"` fields, bold and more.\n\n```\nconst path = require('node:path');\n\nimport path from 'node:path';\n```",
    )
  })

  it('finds the content of an HTML page without <main> and drops its chrome', async () => {
    const filler = 'This paragraph is the actual article text about configuring the server. '.repeat(8)
    const html = `<html><body><div id="menu"><nav><a>Home</a><a>Blog</a></nav></div>
      <div class="content"><h1>Article</h1><p>${filler}</p><p>${filler}</p></div>
      <script>track()</script></body></html>`
    const doc = await parseDocument(html, 'html')
    assert.match(doc.body, /^# Article\n\nThis paragraph/)
    assert.doesNotMatch(doc.body, /track\(\)|Home|Blog/)
  })

  it('extracts PDF text and its Title metadata', async () => {
    const pdf = makePdf(['Quarterly report (draft)', 'Revenue grew by 12 percent.'], 'Q3 Report')
    const doc = await parseDocument(pdf, 'pdf')
    assert.equal(doc.title, 'Q3 Report')
    assert.match(doc.body, /Quarterly report \(draft\)\s+Revenue grew by 12 percent\./)
    const untitled = await parseDocument(makePdf(['Only text']), 'pdf')
    assert.equal(untitled.title, null)
  })

  it('refuses unusable content with a 422 that says why', async () => {
    await refused(
      parseDocument(new TextEncoder().encode('%PDF-1.7\ngarbage'), 'pdf'),
      /PDF could not be read/,
    )
    await refused(parseDocument(new TextEncoder().encode('hello'), 'pdf'), /not a PDF/)
    await refused(parseDocument('a PDF as a string', 'pdf'), /uploaded as a file/)
    await refused(parseDocument(new Uint8Array([0x68, 0xff, 0xfe, 0x00]), 'text'), /not valid UTF-8/)
    await refused(parseDocument(new Uint8Array(200).fill(1), 'markdown'), /binary/)
    await refused(parseDocument(' \n\t\n ', 'markdown'), /no text/)
    await refused(parseDocument('<html><body><script>x()</script></body></html>', 'html'), /no text/)
    await refused(parseDocument('--- *** ---', 'markdown'), /no text/)
  })
})

describe('parse helpers', () => {
  it('maps file extensions to formats', () => {
    assert.equal(formatFromFilename('a.MD'), 'markdown')
    assert.equal(formatFromFilename('dir/b.markdown'), 'markdown')
    assert.equal(formatFromFilename('c.txt'), 'text')
    assert.equal(formatFromFilename('d.htm'), 'html')
    assert.equal(formatFromFilename('e.html'), 'html')
    assert.equal(formatFromFilename('f.pdf'), 'pdf')
    assert.equal(formatFromFilename('g.docx'), null)
    assert.equal(formatFromFilename('README'), null)
  })

  it('normalises line endings, trailing spaces, blank runs and NULs', () => {
    assert.equal(normalizeText('a\r\nb\rc  \n\n\n\nd\u0000'), 'a\nb\nc\n\nd')
  })

  it('accepts text with an occasional control character but not binary', () => {
    assert.equal(decodeText(new TextEncoder().encode(`${'x'.repeat(5000)}\u0007`)).length, 5001)
    assert.throws(() => decodeText(new Uint8Array([1, 2, 3, 4, 65, 66])), /binary/)
  })
})
