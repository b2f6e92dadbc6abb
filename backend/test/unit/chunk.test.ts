import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { countTokens } from 'gpt-tokenizer/encoding/cl100k_base'
import { chunkDocument, HARD_MAX_TOKENS, MAX_TOKENS, STRETCH_TOKENS } from '../../src/rag/chunk.js'
import { splitSentences } from '../../src/rag/sentences.js'

const sentence = (i: number) =>
  `Sentence number ${i} explains one more detail about deploying the service carefully.`
const paragraph = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => sentence(from + i)).join(' ')

describe('chunkDocument', () => {
  it('keeps the heading path of every section', () => {
    const md =
      '# Deploy\n\nIntro.\n\n## Hugging Face Spaces\n\nSpaces text.\n\n### Secrets\n\nSecret text.\n\n## Neon\n\nNeon text.'
    const chunks = chunkDocument(md, true)
    assert.deepEqual(
      chunks.map((c) => [c.heading, c.content]),
      [
        ['Deploy', 'Intro.'],
        ['Deploy > Hugging Face Spaces', 'Spaces text.'],
        ['Deploy > Hugging Face Spaces > Secrets', 'Secret text.'],
        ['Deploy > Neon', 'Neon text.'],
      ],
    )
  })

  it('strips inline markup from headings and skips empty sections', () => {
    const chunks = chunkDocument('# The `npm run` **guide**\n\n## [Links](http://x) here\n\nBody.', true)
    assert.deepEqual(chunks, [{ heading: 'The npm run guide > Links here', content: 'Body.', tokens: 2 }])
  })

  it('splits long sections into ~300-500 token chunks with overlap', () => {
    const md = `# Long\n\n${Array.from({ length: 12 }, (_, i) => paragraph(i * 6, 6)).join('\n\n')}`
    const chunks = chunkDocument(md, true)
    assert.ok(chunks.length >= 3, `${chunks.length} chunks`)
    for (const c of chunks) {
      assert.equal(c.heading, 'Long')
      assert.ok(countTokens(c.content) <= STRETCH_TOKENS, `${countTokens(c.content)} tokens`)
    }
    for (const c of chunks.slice(0, -1))
      assert.ok(countTokens(c.content) >= 250, `${countTokens(c.content)} tokens`)
    // Each following chunk starts with the last sentence(s) of the previous one.
    for (let i = 1; i < chunks.length; i++) {
      const prev = splitSentences((chunks[i - 1] as { content: string }).content)
      const first = splitSentences((chunks[i] as { content: string }).content)[0]
      assert.ok(prev.includes(first as string), `chunk ${i} does not overlap its predecessor`)
    }
    // Nothing lost: every sentence appears somewhere.
    const all = chunks.map((c) => c.content).join(' ')
    for (let i = 0; i < 72; i++) assert.ok(all.includes(sentence(i)), `sentence ${i} lost`)
  })

  it('never splits a fenced code block that fits in the hard limit', () => {
    const code = `\`\`\`js\n${Array.from({ length: 60 }, (_, i) => `const value${i} = compute(${i}) // step ${i}`).join('\n')}\n\`\`\``
    assert.ok(countTokens(code) > MAX_TOKENS / 2 && countTokens(code) < HARD_MAX_TOKENS)
    const md = `# Code\n\n${paragraph(0, 12)}\n\n${code}\n\n${paragraph(100, 4)}`
    const chunks = chunkDocument(md, true)
    const holding = chunks.filter((c) => c.content.includes('const value0 ='))
    assert.equal(holding.length, 1)
    assert.ok(holding[0]?.content.includes(code), 'the code block is whole in one chunk')
    for (const c of chunks) assert.equal((c.content.match(/```/g) ?? []).length % 2, 0, 'fences balanced')
  })

  it('splits a giant code block by lines, each part re-fenced', () => {
    const lines = Array.from({ length: 400 }, (_, i) => `print("line ${i} of a very long generated listing")`)
    const chunks = chunkDocument(`# Big\n\n\`\`\`python\n${lines.join('\n')}\n\`\`\``, true)
    assert.ok(chunks.length > 2)
    for (const c of chunks) {
      assert.match(c.content, /^```python\n[\s\S]*\n```$/)
      assert.ok(countTokens(c.content) <= STRETCH_TOKENS)
    }
  })

  it('chunks plain text by paragraphs with no heading', () => {
    const chunks = chunkDocument('First paragraph.\n\nSecond paragraph.', false)
    assert.deepEqual(chunks, [{ heading: null, content: 'First paragraph.\n\nSecond paragraph.', tokens: 7 }])
    assert.deepEqual(chunkDocument('# not a heading in text\n\nbody', false)[0]?.heading, null)
  })

  it('splits a single huge paragraph without sentence breaks by words', () => {
    const words = Array.from({ length: 2000 }, (_, i) => `word${i}`).join(' ')
    const chunks = chunkDocument(words, false)
    assert.ok(chunks.length >= 4)
    for (const c of chunks) assert.ok(countTokens(c.content) <= STRETCH_TOKENS)
  })
})

describe('chunkDocument: headings and overlaps', () => {
  it('drops the title from heading paths when the first heading repeats it', () => {
    const md = '# Handbook\n\nWelcome.\n\n## Membership\n\nMembers pay.\n\n### Fees\n\nTwenty pounds.'
    assert.deepEqual(
      chunkDocument(md, true, { title: 'handbook' }).map((c) => c.heading),
      [null, 'Membership', 'Membership > Fees'],
    )
    // Another title keeps the path whole.
    assert.deepEqual(
      chunkDocument(md, true, { title: 'Orchard guide' }).map((c) => c.heading),
      ['Handbook', 'Handbook > Membership', 'Handbook > Membership > Fees'],
    )
  })

  it('sections plain documents by the headings their parser found', () => {
    const blocks = [
      { text: 'Handbook', level: 1 },
      { text: 'Membership', level: 2 },
      { text: 'Members pay.' },
      { text: 'Cold store', level: 2 },
      { text: 'Apples at 2.5 °C.' },
    ]
    assert.deepEqual(
      chunkDocument('ignored when blocks are given', false, { title: 'Handbook', blocks }).map((c) => [
        c.heading,
        c.content,
      ]),
      [
        ['Membership', 'Members pay.'],
        ['Cold store', 'Apples at 2.5 °C.'],
      ],
    )
  })

  it('starts each following chunk with the exact end of the previous one', () => {
    const list = Array.from({ length: 8 }, (_, i) => `- Step ${i} of the careful deployment checklist.`).join(
      '\n',
    )
    const md = `# Long\n\n${Array.from({ length: 10 }, (_, i) => `${paragraph(i * 6, 6)}\n\n${list}`).join('\n\n')}`
    const chunks = chunkDocument(md, true)
    assert.ok(chunks.length >= 3)
    let overlaps = 0
    for (let i = 1; i < chunks.length; i++) {
      const head = (chunks[i]?.content ?? '').split('\n\n')[0] as string
      if ((chunks[i - 1]?.content ?? '').endsWith(head)) overlaps++
    }
    assert.equal(overlaps, chunks.length - 1, 'every chunk opens with the verbatim end of its predecessor')
  })
})

describe('splitSentences', () => {
  it('keeps each line of a fenced code block whole', () => {
    assert.deepEqual(
      splitSentences(
        'Set three variables and restart:\n\n```bash\nA=1 KEY=sk-... MODEL=gpt npm start\necho "Done. Next"\n```\n\nAny API works. It is fine.',
      ),
      [
        'Set three variables and restart:',
        '```bash',
        'A=1 KEY=sk-... MODEL=gpt npm start',
        'echo "Done. Next"',
        '```',
        'Any API works.',
        'It is fine.',
      ],
    )
  })

  it('splits at sentence ends and line breaks', () => {
    assert.deepEqual(splitSentences('One. Two! Three? four\nFive'), ['One.', 'Two!', 'Three? four', 'Five'])
    assert.deepEqual(splitSentences('Version 1.2 is out. It works.'), ['Version 1.2 is out.', 'It works.'])
  })

  it('splits before a sentence that opens with inline code or emphasis, not after an abbreviation', () => {
    assert.deepEqual(
      splitSentences('It adds an answer. `Good answer` rates it. **Note**: kept. Say e.g. `x` here.'),
      ['It adds an answer.', '`Good answer` rates it.', '**Note**: kept.', 'Say e.g. `x` here.'],
    )
  })

  it('ends a sentence after its closing quote, bracket or bracketed note, not after an initial in one', () => {
    assert.deepEqual(splitSentences('He said "Go home." Then he left.'), [
      'He said "Go home."',
      'Then he left.',
    ])
    assert.deepEqual(splitSentences('It ended (in 1999.) Then more.'), ['It ended (in 1999.)', 'Then more.'])
    assert.deepEqual(
      splitSentences(
        'Jews gathered in Jerusalem.[citation needed][original research?] In modern times, more.',
      ),
      ['Jews gathered in Jerusalem.[citation needed][original research?]', 'In modern times, more.'],
    )
    assert.deepEqual(splitSentences('Claim one.[1] Claim two [2].'), ['Claim one.[1]', 'Claim two [2].'])
    assert.deepEqual(splitSentences('Led by the (U.S.) Army in (J.) Smith’s time.'), [
      'Led by the (U.S.) Army in (J.) Smith’s time.',
    ])
  })
})
