// Ingestion keeps meaning (issue 22.3): plain text and PDF text are read as text, never as
// Markdown (a wrapped "…in\n2024." stays one sentence), headings stay apart from the paragraph
// under them, and tables (HTML, PDF, aligned text columns) become one quotable sentence per row.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseDocument } from '../../src/rag/parse.js'
import { prepareContent } from '../../src/rag/parse-prepare.js'
import { pdfDocument, runsContent } from '../fixtures/pdf.js'

const HARVEST_TXT = `Harvest report

Output fell to 298 tonnes this year, down from 341 tonnes in
2024. The cold store held 40 tonnes.

Membership
Members pay 20 pounds a year and may use the
press on Saturdays.

Steps:
1. Wash the apples.
2. Press them.

Variety    Stored at    Months
Bramley    2.5 °C       6
Quince     0 °C         2
`

/** No line may open like a Markdown list item or heading unless it is a real list item. */
function assertNoStrayMarkers(body: string) {
  for (const line of body.split('\n')) assert.doesNotMatch(line, /^(\d{4}[.)]|#)/, line)
}

describe('plain text is read as text', () => {
  it('joins wrapped lines, keeps headings apart, lists and aligned columns as rows', async () => {
    const doc = await parseDocument(new TextEncoder().encode(HARVEST_TXT), 'text')
    assert.equal(doc.structured, false)
    assert.equal(doc.title, 'Harvest report')
    assert.deepEqual(doc.blocks, [
      { text: 'Harvest report', level: 1 },
      {
        text: 'Output fell to 298 tonnes this year, down from 341 tonnes in 2024. The cold store held 40 tonnes.',
      },
      { text: 'Membership', level: 1 },
      { text: 'Members pay 20 pounds a year and may use the press on Saturdays.' },
      { text: 'Steps:\n1. Wash the apples.\n2. Press them.' },
      { text: 'Variety: Bramley; Stored at: 2.5 °C; Months: 6.' },
      { text: 'Variety: Quince; Stored at: 0 °C; Months: 2.' },
    ])
    assertNoStrayMarkers(doc.body)
  })

  it('chunks under the headings found, without repeating the title', async () => {
    const r = await prepareContent({ content: new TextEncoder().encode(HARVEST_TXT), format: 'text' })
    assert.equal(r.title, 'Harvest report')
    assert.deepEqual(
      r.chunks.map((c) => c.heading),
      [null, 'Membership'],
    )
    assert.match(r.chunks[0]?.content ?? '', /down from 341 tonnes in 2024\. The cold store/)
    const membership = r.chunks[1]?.content ?? ''
    assert.ok(membership.startsWith('Members pay 20 pounds'), membership)
    assert.doesNotMatch(membership, /Membership/)
    assert.match(membership, /^Variety: Quince; Stored at: 0 °C; Months: 2\.$/m)
  })

  it('takes a numbered section title as a heading, and a numbered list as a list', async () => {
    const text = `Garden handbook

1. Membership
Membership runs from April to March. The annual fee is 40 euros.

2. Water
Water is switched on from 1 April.

3.1 Hoses
Hoses may only be used before 10:00.

Rules:

1. Close the gate

2. Clean the tools
`
    const doc = await parseDocument(new TextEncoder().encode(text), 'text')
    assert.deepEqual(doc.blocks, [
      { text: 'Garden handbook', level: 1 },
      { text: '1. Membership', level: 1 },
      { text: 'Membership runs from April to March. The annual fee is 40 euros.' },
      { text: '2. Water', level: 1 },
      { text: 'Water is switched on from 1 April.' },
      { text: '3.1 Hoses', level: 1 },
      { text: 'Hoses may only be used before 10:00.' },
      { text: 'Rules:' },
      { text: '1. Close the gate' },
      { text: '2. Clean the tools' },
    ])
    const r = await prepareContent({ content: new TextEncoder().encode(text), format: 'text' })
    assert.deepEqual(
      r.chunks.map((c) => c.heading),
      ['1. Membership', '2. Water', '3.1 Hoses'],
    )
    assert.match(r.chunks[2]?.content ?? '', /Rules:\n\n1\. Close the gate\n\n2\. Clean the tools$/)
  })

  it("takes a FAQ's numbered questions as the headings of their answers, not a list of questions", async () => {
    const text = `Frequently Asked Questions about zlib

If your question is not there, check the home page.

 1. Is zlib Y2K-compliant?

    Yes.  zlib doesn't handle dates.

 9. Why do I get "undefined reference to gzputc"?

    If "make test" produces something like

       example.o(.text+0x154): undefined reference to gzputc

    check that you don't have old files in /usr/lib.

24. The license says that altered source versions must be "plainly marked". So
    what exactly do I need to do to meet that requirement?

    You need to change the ZLIB_VERSION and ZLIB_VERNUM #defines in zlib.h.

Questions we get:

Is it fast?

Is it free?
`
    const doc = await parseDocument(new TextEncoder().encode(text), 'text')
    assert.deepEqual(
      (doc.blocks ?? []).filter((b) => b.level !== undefined),
      [
        { text: 'Frequently Asked Questions about zlib', level: 1 },
        { text: '1. Is zlib Y2K-compliant?', level: 2 },
        { text: '9. Why do I get "undefined reference to gzputc"?', level: 2 },
        {
          text: '24. The license says that altered source versions must be "plainly marked". So what exactly do I need to do to meet that requirement?',
          level: 2,
        },
      ],
      'a sentence ending "something like" is no heading; questions in a row are a list of them',
    )
    const r = await prepareContent({ content: new TextEncoder().encode(text), format: 'text' })
    const y2k = r.chunks.find((c) => c.content.includes("doesn't handle dates"))
    assert.equal(y2k?.heading, '1. Is zlib Y2K-compliant?')
  })

  it('takes an underlined line as a heading and never a "#" line as Markdown', async () => {
    const doc = await parseDocument(
      'Fees\n====\nPressing costs 5 pounds a crate.\n\n# 1 priority is safety.',
      'text',
    )
    assert.deepEqual(doc.blocks, [
      { text: 'Fees', level: 1 },
      { text: 'Pressing costs 5 pounds a crate.' },
      { text: '# 1 priority is safety.' },
    ])
  })
})

/** A page laid out like a handbook: title, heading, wrapped paragraphs, a table, a page number. */
function handbookPdf(title?: string): Uint8Array {
  const body = (y: number, text: string) => ({ x: 72, y, size: 11, text })
  const page = runsContent([
    { x: 72, y: 740, size: 20, text: 'Orchard Handbook' },
    { x: 72, y: 700, size: 15, text: 'Membership' },
    body(680, 'Output fell to 298 tonnes this year, down from 341 tonnes in'),
    body(667, '2024. The cold store held 40 tonnes of apples through the'),
    body(654, 'winter months.'),
    body(625, 'Members pay 20 pounds a year.'),
    { x: 72, y: 590, size: 15, text: 'Cold store' },
    { x: 72, y: 570, size: 11, text: 'Variety' },
    { x: 200, y: 570, size: 11, text: 'Stored at' },
    { x: 330, y: 570, size: 11, text: 'Months' },
    { x: 72, y: 556, size: 11, text: 'Bramley' },
    { x: 200, y: 556, size: 11, text: '2.5 °C' },
    { x: 330, y: 556, size: 11, text: '6' },
    { x: 72, y: 542, size: 11, text: 'Quince' },
    { x: 200, y: 542, size: 11, text: '0 °C' },
    { x: 330, y: 542, size: 11, text: '2' },
    body(510, 'Apples are checked every week.'),
    { x: 300, y: 40, size: 9, text: '1' },
  ])
  return pdfDocument([page], title ? { title } : {})
}

describe('PDF text is read by its layout', () => {
  it('finds headings by size, joins wrapped lines, reads the table row by row, drops page numbers', async () => {
    const doc = await parseDocument(handbookPdf(), 'pdf')
    assert.equal(doc.title, 'Orchard Handbook')
    assert.equal(doc.structured, false)
    assert.deepEqual(doc.blocks, [
      { text: 'Orchard Handbook', level: 1 },
      { text: 'Membership', level: 2 },
      {
        text: 'Output fell to 298 tonnes this year, down from 341 tonnes in 2024. The cold store held 40 tonnes of apples through the winter months.',
      },
      { text: 'Members pay 20 pounds a year.' },
      { text: 'Cold store', level: 2 },
      { text: 'Variety: Bramley; Stored at: 2.5 °C; Months: 6.' },
      { text: 'Variety: Quince; Stored at: 0 °C; Months: 2.' },
      { text: 'Apples are checked every week.' },
    ])
    assertNoStrayMarkers(doc.body)
  })

  it('drops running headers and footers, so a sentence crossing a page break stays whole', async () => {
    const body = (y: number, text: string) => ({ x: 72, y, size: 11, text })
    const page = (n: number, lines: string[]) =>
      runsContent([
        { x: 72, y: 760, size: 9, text: 'Orchard Handbook - members only' },
        ...lines.map((text, i) => body(700 - 13 * i, text)),
        { x: 72, y: 40, size: 9, text: `Revision 3, page ${n} of 4` },
      ])
    const pdf = pdfDocument([
      page(1, ['The press is open on Saturdays.', 'Members bring their own']),
      page(2, ['bottles and labels.', 'The cold store is kept at 2.5 °C.']),
      page(3, ['Quinces are stored apart.']),
      page(4, ['Orchard Handbook - members only is printed on every page.']),
    ])
    const doc = await parseDocument(pdf, 'pdf')
    assert.equal(
      doc.body,
      'The press is open on Saturdays. Members bring their own bottles and labels. The cold store is kept at 2.5 °C. Quinces are stored apart. Orchard Handbook - members only is printed on every page.',
    )
  })

  it('chunks under "Membership" and "Cold store", not "Orchard Handbook > …"', async () => {
    const r = await prepareContent({ content: handbookPdf('Orchard Handbook'), format: 'pdf' })
    assert.deepEqual(
      r.chunks.map((c) => c.heading),
      ['Membership', 'Cold store'],
    )
    assert.match(r.chunks[0]?.content ?? '', /down from 341 tonnes in 2024\./)
    assert.ok(r.chunks[1]?.content.startsWith('Variety: Bramley; Stored at: 2.5 °C'), r.chunks[1]?.content)
  })
})

describe('HTML tables', () => {
  it('become one sentence per row, each cell named by its header (two bare columns: key and value)', async () => {
    const html = `<html><head><title>Storage</title></head><body><main><h1>Storage</h1>
      <table><caption>Cold rooms</caption>
        <thead><tr><th>Variety</th><th>Stored at</th><th>Months</th></tr></thead>
        <tbody><tr><td>Bramley</td><td>2.5 °C</td><td>6</td></tr>
        <tr><td>Quince</td><td>0 °C</td><td>2</td></tr></tbody></table>
      <table><tr><td>Pressing</td><td>5 pounds a crate</td></tr><tr><td>Bottling</td><td>1 pound a bottle</td></tr></table>
      </main></body></html>`
    const doc = await parseDocument(html, 'html')
    assert.equal(
      doc.body,
      [
        '# Storage',
        'Cold rooms',
        'Variety: Bramley; Stored at: 2.5 °C; Months: 6.',
        'Variety: Quince; Stored at: 0 °C; Months: 2.',
        'Pressing: 5 pounds a crate.',
        'Bottling: 1 pound a bottle.',
      ].join('\n\n'),
    )
  })

  it('that lay out a page are read as its blocks, and a menu of links is left out', async () => {
    // An old page: a menu column and a content column, the FAQ a list whose items hold paragraphs.
    const html = `<html><head><title>FAQ</title></head><body><table><tr>
      <td><ul><li><a href="index.html">Home</a></li><li><a href="a.html">Tutorial</a>, <a href="b.html">Tutorial2</a></li></ul></td>
      <td><h1>FAQ</h1><ol><li><em>Troubles compiling programs</em>
        <p>Use the script to get the flags.</p><p><code>xslt-config --cflags</code></p></li>
        <li><em>Is there C++ bindings ?</em><p>Yes, for example xmlwrapp.</p></li></ol>
        <p>See also:</p><ul><li><a href="x.html">Bindings</a> for other languages</li><li>Tools</li></ul></td>
      </tr></table></body></html>`
    const doc = await parseDocument(html, 'html')
    assert.equal(
      doc.body,
      [
        '# FAQ',
        '- Troubles compiling programs',
        'Use the script to get the flags.',
        '`xslt-config --cflags`',
        '- Is there C++ bindings ?',
        'Yes, for example xmlwrapp.',
        'See also:',
        '- Bindings for other languages\n- Tools',
      ].join('\n\n'),
    )
  })

  it("leave out a manual's bar of page links, and keep a paragraph that only mentions links", async () => {
    const html = `<html><body><div class="chapter"><div class="header"><p>
      Next: <a href="Using.html" rel="next">Using libffi</a>, Previous: <a href="index.html" rel="prev">libffi</a>,
      Up: <a href="index.html" rel="up">libffi</a> &nbsp; [<a href="Index.html">Index</a>]</p></div><hr>
      <h2>1 What is libffi?</h2><p>The <code>libffi</code> library provides a portable interface.</p>
      <p>See <a href="a.html">calls</a> and <a href="b.html">closures</a>.</p></div></body></html>`
    const doc = await parseDocument(html, 'html')
    assert.equal(
      doc.body,
      [
        '## 1 What is libffi?',
        'The `libffi` library provides a portable interface.',
        'See calls and closures.',
      ].join('\n\n'),
    )
  })
})
