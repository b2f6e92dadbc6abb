import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { unitsOf } from '../../src/rag/answer-units.js'
import { chunkDocument } from '../../src/rag/chunk.js'
import { GroundedFilter } from '../../src/rag/grounding.js'
import { parseDocument } from '../../src/rag/parse.js'
import { inlinePlain, plainLine, plainTextLine } from '../../src/rag/plain-text.js'
import { sentencesOf } from '../../src/rag/sentences.js'
import { snippetSentences } from '../../src/rag/snippet.js'
import type { RetrievedChunk } from '../../src/rag/types.js'

const chunk = (content: string, sentenceLexemes: unknown = null): RetrievedChunk => ({
  chunk_id: 'c',
  document_id: 'd',
  space_id: 's',
  title: 'Guide',
  source: null,
  heading: null,
  content,
  snippet: '',
  score: 1,
  analysis: { queryTerms: [], sentenceLexemes },
})

describe('one Markdown stripper', () => {
  it('drops block prefixes, inline markup and bracketed numbers; keeps code and identifiers', () => {
    assert.equal(plainLine('## The **quick** guide'), 'The quick guide')
    assert.equal(plainLine('> - a [link](http://example.com) and ![alt](x.png)'), 'a link and alt')
    assert.equal(plainLine('1. Set `<neon url>` as _DATABASE_URL_ [2]'), 'Set <neon url> as DATABASE_URL')
    assert.equal(
      plainLine('ADMIN_PASSWORD and snake_case_name stay; ~~gone~~ <b>bold</b>'),
      'ADMIN_PASSWORD and snake_case_name stay; gone bold',
    )
    assert.equal(plainLine('| Plan | **Fee** |'), 'Plan | Fee')
    assert.equal(plainLine('|---|:--:|'), '')
    assert.equal(plainLine('```bash'), '')
    assert.equal(plainLine('~~~'), '')
    assert.equal(inlinePlain('a < b and c > d'), 'a < b and c > d')
    // As an answer shows it: code spans stay code.
    assert.equal(plainLine('1. Run `npm start` **now** [2]', true), 'Run `npm start` now')
  })

  it('removes HTML tags and comments but keeps placeholders that are no HTML element', () => {
    assert.equal(
      inlinePlain('The app answers at https://<user>-<space>.hf.space; connect to <host>:5432.'),
      'The app answers at https://<user>-<space>.hf.space; connect to <host>:5432.',
    )
    assert.equal(inlinePlain('Set <neon url> here'), 'Set <neon url> here')
    // Names of HTML elements used as placeholders: never closed, no attributes.
    assert.equal(
      inlinePlain('Run npm run space:prepare <dir>, then docker run <image> with <title>.'),
      'Run npm run space:prepare <dir>, then docker run <image> with <title>.',
    )
    assert.equal(plainLine('<details>'), '')
    assert.equal(plainLine('</details>'), '')
    assert.equal(inlinePlain('Press <kbd>Ctrl</kbd>+<kbd>C</kbd> or <b >stop</b>.'), 'Press Ctrl+C or stop.')
    assert.equal(
      inlinePlain(
        '<p align="center"><IMG src="logo.png"/></p>A <span class="x">word</span><!-- note --><br>',
      ),
      'A word',
    )
  })

  it('reads a link whose text is code, a link by reference, and a link wrapped over lines as its text', () => {
    assert.equal(
      inlinePlain(
        'such as [`@fastify/helmet`](https://github.com/fastify/fastify-helmet) for [`helmet`](https://x.io/h),',
      ),
      'such as @fastify/helmet for helmet,',
    )
    assert.equal(inlinePlain('see [the guide](./a_(b).md "Guide") now'), 'see the guide now')
    assert.equal(
      inlinePlain('using the [decorateRequest][DecorateRequest] method'),
      'using the decorateRequest method',
    )
    // Wikipedia's notes are not links (nor the text they stand beside): they are dropped, in
    // Markdown and in plain documents alike. Code spans keep what they show, brackets too.
    assert.equal(inlinePlain('debts).[unreliable source?][unreliable source?] Anthony'), 'debts). Anthony')
    assert.equal(plainTextLine('solidarity.[page needed] There [when?]'), 'solidarity. There [when?]')
    assert.equal(inlinePlain('Jerusalem.[citation needed] In modern times'), 'Jerusalem. In modern times')
    assert.equal(inlinePlain('set arr[i] or x[abc] here'), 'set arr[i] or x[abc] here')
    assert.equal(inlinePlain('see `x[a b]` and `y[1]`', true), 'see `x[a b]` and `y[1]`')
    assert.equal(inlinePlain('write `[text](url)` for a link'), 'write [text](url) for a link')
    const { units } = unitsOf(
      chunk(
        'Defaults to the global body limit passed to the [`Fastify\n  factory function`](./Server.md#bodylimit).\n\n> them. Prefer [`@fastify/static`](https://x.io/s)\n> (or `reply.sendFile`) for files.',
      ),
    )
    assert.deepEqual(
      units.map((u) => u.text),
      [
        'Defaults to the global body limit passed to the Fastify factory function.',
        'them.',
        'Prefer @fastify/static (or reply.sendFile) for files.',
      ],
    )
  })

  it('gives headings, titles, snippets and answer units the same text', () => {
    const md =
      '# The `rag-auth` **guide**\n\n## Set *ADMIN_EMAILS*\n\nPut **your** email in [the file](x.md).'
    const [c] = chunkDocument(md, true, { title: 'The rag-auth guide' })
    assert.equal(c?.heading, 'Set ADMIN_EMAILS', 'the title, stripped alike, leaves the heading path')
    assert.deepEqual(snippetSentences(md), [
      'The rag-auth guide',
      'Set ADMIN_EMAILS',
      'Put your email in the file.',
    ])
    const { units } = unitsOf(chunk(md))
    assert.deepEqual(
      units.map((u) => u.text),
      ['The rag-auth guide', 'Set ADMIN_EMAILS', 'Put your email in the file.'],
    )
  })

  it('titles a Markdown document with its first heading as plain text', async () => {
    const doc = await parseDocument('# The **Handbook**\n\nText.', 'markdown')
    assert.equal(doc.title, 'The Handbook')
  })
})

describe('one sentence split', () => {
  it('pairs each sentence as written with its plain text; stored lexemes line up with the texts', () => {
    const content =
      'Intro: run it.\n\n```bash\nnpm run user -- create\n```\n\n| A | B |\n|---|---|\n| 1 | 2 |'
    const s = sentencesOf(content)
    assert.deepEqual(
      s.map((x) => x.text),
      ['Intro: run it.', '', 'npm run user -- create', '', 'A | B', '', '1 | 2'],
    )
    const texts = snippetSentences(content)
    assert.equal(texts.length, 4)
    // One stored list per snippet sentence: the units take them in order.
    const stored = texts.map((_, i) => [`l${i}`])
    const { units, stored: used } = unitsOf(chunk(content, stored))
    assert.ok(used)
    assert.deepEqual(
      units.map((u) => [u.text, [...u.lexemes]]),
      [
        ['Intro: run it.', ['l0']],
        ['npm run user -- create', ['l1']],
        ['A | B', ['l2']],
        ['1 | 2', ['l3']],
      ],
    )
  })

  it('keeps a numbered item with its number, and cuts after a number ending a sentence', () => {
    assert.deepEqual(
      sentencesOf('1. Create a project. Copy its URL.\n2. Put it in DATABASE_URL.').map((x) => x.text),
      ['Create a project.', 'Copy its URL.', 'Put it in DATABASE_URL.'],
    )
    assert.deepEqual(
      sentencesOf('It grew in 1989. 2024 was worse.').map((x) => x.text),
      ['It grew in 1989.', '2024 was worse.'],
    )
  })

  it('cuts an LLM answer into claims where it cuts sentences: not after an initial or a title', () => {
    const src = chunk('Dr. Smith of the U.S. Army founded the depot in 1901.')
    const f = new GroundedFilter([src], 'The documents do not cover this.')
    const out = f.push('Dr. Smith of the U.S. Army founded the depot in 1901 [1]. ') + f.flush()
    assert.equal(out.trim(), 'Dr. Smith of the U.S. Army founded the depot in 1901 [1].')
    assert.deepEqual(f.cited, [1])
  })
})
