import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  checkClaim,
  GroundedFilter,
  MAX_CLAIM_CHARS,
  MAX_HELD_CHARS,
  supports,
} from '../../src/rag/grounding.js'
import type { RetrievedChunk } from '../../src/rag/types.js'

function chunk(id: string, content: string): RetrievedChunk {
  return {
    chunk_id: id,
    document_id: `d-${id}`,
    space_id: 'space',
    title: `T${id}`,
    source: null,
    heading: null,
    content,
    snippet: '',
    score: 1,
  }
}

const PORT = chunk(
  'a',
  'The container listens on port 7860. The image runs as a non-root user with uid 1000.',
)
const HEALTH = chunk('b', 'The HEALTHCHECK calls /health every thirty seconds.')
const REFUSAL = 'The documents do not cover this.'

function run(
  text: string,
  sources: RetrievedChunk[],
  pieces = 3,
): { streamed: string; content: string; cited: number[] } {
  const f = new GroundedFilter(sources, REFUSAL)
  let streamed = ''
  for (let i = 0; i < text.length; i += pieces) streamed += f.push(text.slice(i, i + pieces))
  streamed += f.flush()
  return { streamed, content: f.content, cited: f.cited }
}

describe('grounding', () => {
  it('supports a claim whose names, numbers and most words are in the passage', () => {
    assert.ok(supports('The container listens on port 7860 [1].', PORT.content))
    assert.ok(
      !supports('The container listens on port 9999 [1].', PORT.content),
      'a number the passage lacks',
    )
    assert.ok(
      !supports("The admin's email is root@corp.example [1].", PORT.content),
      'an address the passage lacks',
    )
    assert.ok(!supports('Kubernetes autoscaling spreads replicas across zones [1].', PORT.content))
  })

  it('keeps only the markers whose passage supports the claim', () => {
    assert.deepEqual(checkClaim('It runs as uid 1000 [1][2].', [PORT, HEALTH]), {
      text: 'It runs as uid 1000 [1].',
      supported: true,
    })
    assert.deepEqual(checkClaim('It needs 16 GB of memory [1].', [PORT, HEALTH]), {
      text: 'It needs 16 GB of memory.',
      supported: false,
    })
  })

  it('streams claim by claim; streamed text equals the content; markers renumbered', () => {
    const r = run('Health is checked at /health [2]. The port is 7860 [1]. It needs 16 GB [1].', [
      PORT,
      HEALTH,
    ])
    assert.equal(r.content, 'Health is checked at /health [1]. The port is 7860 [2]. It needs 16 GB.')
    assert.equal(r.streamed, r.content)
    assert.deepEqual(r.cited, [2, 1])
  })

  it('replaces an answer with no supported claim by the refusal, and shows nothing before it', () => {
    const r = run('Sure! The port is 9999 [1]. Autoscaling is on [2].', [PORT, HEALTH])
    assert.equal(r.content, REFUSAL)
    assert.equal(r.streamed, REFUSAL)
    assert.deepEqual(r.cited, [])
    assert.equal(run('The documents do not say.', [PORT]).content, REFUSAL)
  })

  it('releases the text held before the first supported claim together with it', () => {
    const r = run('From the sources: the port is 7860 [1].', [PORT], 5)
    assert.equal(r.content, 'From the sources: the port is 7860 [1].')
  })

  it('gives up on endless unsupported text as the refusal, holding a bounded amount', () => {
    const f = new GroundedFilter([PORT], REFUSAL)
    let pushes = 0
    while (!f.settled && pushes < 100) {
      assert.equal(f.push('x'.repeat(16 * 1024)), '')
      pushes++
    }
    assert.ok(f.settled, 'the filter kept taking unsupported text')
    assert.equal(pushes, 1)
    // Unsupported sentences too, well short of a novel.
    const g = new GroundedFilter([PORT], REFUSAL)
    const sentence = 'Autoscaling is enabled by default here. '
    let fed = 0
    while (!g.settled && fed < 100_000) {
      assert.equal(g.push(sentence), '')
      fed += sentence.length
    }
    assert.ok(g.settled && fed <= MAX_HELD_CHARS + 100, `held ${fed} characters`)
    assert.equal(g.flush(), REFUSAL)
    assert.equal(g.content, REFUSAL)
  })

  it('releases a grounded answer’s endless sentence in bounded pieces', () => {
    const f = new GroundedFilter([PORT], REFUSAL)
    assert.equal(
      f.push('The container listens on port 7860 [1]. '),
      'The container listens on port 7860 [1].',
    )
    let shown = ''
    for (let i = 0; i < 10; i++) shown += f.push('port '.repeat(1000))
    assert.ok(shown.length >= 10 * 5000 - MAX_CLAIM_CHARS, `only ${shown.length} characters shown`)
    assert.ok(!f.settled)
  })
})
