import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { markersIn } from '../../src/rag/citations.js'
import { extractiveAnswer, plainBlocks, sentences, terms } from '../../src/rag/extractive.js'
import type { RetrievedChunk } from '../../src/rag/types.js'

function chunk(id: string, content: string, heading: string | null = null): RetrievedChunk {
  return {
    chunk_id: id,
    document_id: `doc-${id}`,
    space_id: 's',
    title: `Title ${id}`,
    source: null,
    heading,
    content,
    snippet: content.slice(0, 50),
    score: 1,
  }
}

const DEPLOY = chunk(
  'a',
  `# Deploying

The server listens on port 7860 by default. Set the PORT variable to change the port.
Docker images run as a non-root user. The health check calls /health every thirty seconds.

\`\`\`sh
docker run -p 7860:7860 rag-auth
\`\`\``,
)
const CONFIG = chunk(
  'b',
  `Configuration is read from environment variables only. A .env file is read in development.
- Invalid values stop the process at start
- Every bad variable is reported at once`,
)
const UNRELATED = chunk('c', 'Bananas are yellow fruits that grow in tropical climates around the world.')

describe('terms', () => {
  it('lower-cases, drops stopwords and stems lightly', () => {
    assert.deepEqual(terms('How do I configure the ports?'), ['configur', 'port'])
    assert.deepEqual(terms('configuring configured configures'), ['configur', 'configur', 'configur'])
  })
})

describe('plainBlocks / sentences', () => {
  it('drops code blocks and headings, keeps list items as units, strips markdown', () => {
    const blocks = plainBlocks(
      '# Title\n\nSee **bold** and `code` and [a link](http://x).\n\n```\ncode\n```\n- item one\n- item two',
    )
    assert.deepEqual(blocks, ['See bold and code and a link.', 'item one. item two.'])
  })

  it('joins a list item with its wrapped continuation lines', () => {
    assert.deepEqual(
      plainBlocks('- `llm`: a model writes\n  the answer from sources.\n- `extractive`: no model'),
      ['llm: a model writes the answer from sources. extractive: no model.'],
    )
  })

  it('removes bracketed numbers that would read as citation markers', () => {
    assert.deepEqual(sentences('As shown in [3], the value is 42 and stable.'), [
      'As shown in , the value is 42 and stable.',
    ])
  })
})

describe('extractiveAnswer', () => {
  it('picks the sentences that match the question, each followed by its marker', () => {
    const a = extractiveAnswer('Which port does the server listen on?', [DEPLOY, CONFIG, UNRELATED])
    assert.match(a.content, /The server listens on port 7860 by default \[1\]\./)
    assert.doesNotMatch(a.content, /Bananas/)
    assert.deepEqual(
      a.citations.map((c) => [c.index, c.chunk_id]),
      [[1, 'a']],
    )
    assert.deepEqual(new Set(markersIn(a.content)), new Set(a.citations.map((c) => c.index)))
  })

  it('takes at most two sentences per chunk and four overall, in document order', () => {
    const a = extractiveAnswer('port server docker health variable environment values process', [
      DEPLOY,
      CONFIG,
    ])
    const count = (n: number) => markersIn(a.content).filter((m) => m === n).length
    assert.ok(count(1) <= 2 && count(2) <= 2)
    assert.ok(markersIn(a.content).length <= 4)
    const ordered = markersIn(a.content)
    assert.deepEqual(ordered, [...ordered].sort())
    assert.doesNotMatch(a.content, /docker run/) // code is not a sentence
  })

  it('numbers citations 1..n and uses the chosen sentence as the snippet', () => {
    const a = extractiveAnswer('environment variables configuration port', [DEPLOY, CONFIG])
    assert.deepEqual(
      a.citations.map((c) => c.index),
      a.citations.map((_, i) => i + 1),
    )
    for (const c of a.citations) assert.ok(a.content.includes(c.snippet.replace(/[.!?]$/, '')))
  })

  it('leaves out sentences that share only a stray word with the question', () => {
    const a = extractiveAnswer('How do I change my password?', [
      chunk(
        'p',
        'Changing your password signs out every other session. You can change your password on the account page.',
      ),
      chunk('q', 'Sending identical content again changes nothing and returns the existing document.'),
    ])
    assert.deepEqual(
      a.citations.map((c) => c.chunk_id),
      ['p'],
    )
  })

  it('puts the marker after a closing quote, before a plain full stop', () => {
    const a = extractiveAnswer('follow-up questions secrets', [
      chunk('f', 'Follow-up questions work: "and how do I set its secrets?"'),
    ])
    assert.equal(a.content, 'Follow-up questions work: "and how do I set its secrets?" [1]')
  })

  it('still cites the top chunk when no word matches', () => {
    const a = extractiveAnswer('zzz qqq', [UNRELATED])
    assert.equal(a.citations.length, 1)
    assert.match(a.content, /\[1\]/)
  })

  it('points at a chunk that has no readable sentence instead of inventing text', () => {
    const a = extractiveAnswer('docker', [chunk('d', '```\ndocker run x\n```')])
    assert.equal(a.citations.length, 1)
    assert.match(a.content, /Title d/)
  })
})
