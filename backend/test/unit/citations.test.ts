import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  citationsFor,
  MarkerFilter,
  markersIn,
  repairMarkers,
  stripMarkers,
} from '../../src/rag/citations.js'
import type { RetrievedChunk } from '../../src/rag/types.js'

function chunk(n: number): RetrievedChunk {
  return {
    chunk_id: `c${n}`,
    document_id: `d${n}`,
    space_id: 's',
    title: `Doc ${n}`,
    source: null,
    heading: null,
    content: `content ${n}`,
    snippet: `snippet ${n}`,
    score: 1 / n,
  }
}

/** Feeds pieces one by one; returns what was emitted per piece plus the flush. */
function stream(pieces: string[], sources: number) {
  const f = new MarkerFilter(sources)
  const out = pieces.map((p) => f.push(p))
  out.push(f.flush())
  return { out, joined: out.join(''), f }
}

describe('MarkerFilter', () => {
  it('keeps known markers and renumbers them by first appearance', () => {
    const r = repairMarkers('Docker runs it [3]. Ports are set by env [1]. Again [3].', 3)
    assert.equal(r.content, 'Docker runs it [1]. Ports are set by env [2]. Again [1].')
    assert.deepEqual(r.cited, [3, 1])
  })

  it('removes unknown markers together with the blank before them', () => {
    const r = repairMarkers('It is configured by env [7]. Also [0] here [2].', 2)
    assert.equal(r.content, 'It is configured by env. Also here [1].')
    assert.deepEqual(r.cited, [2])
  })

  it('splits lists like [1, 2] and drops their unknown members', () => {
    assert.equal(repairMarkers('A [1, 9; 2].', 2).content, 'A [1][2].')
    assert.equal(repairMarkers('A [1, 1].', 2).content, 'A [1].')
    assert.equal(repairMarkers('A [8, 9].', 2).content, 'A.')
  })

  it('handles a marker split across tokens without emitting a partial bracket', () => {
    const { out, joined, f } = stream(['Use Docker [', '1', '] and env [', '7', ']', '.'], 1)
    assert.equal(joined, 'Use Docker [1] and env.')
    for (const piece of out) assert.doesNotMatch(piece, /\[(?!\d+\])/)
    assert.equal(f.content, joined)
  })

  it('holds trailing blanks so a dropped marker does not leave a space behind', () => {
    const { joined } = stream(['word ', ' ', '[9', ']', ' next'], 2)
    assert.equal(joined, 'word next')
  })

  it('releases an open bracket that is too long to be a marker', () => {
    const f = new MarkerFilter(3)
    const emitted = f.push(`array [${'1,'.repeat(30)}`)
    assert.ok(emitted.startsWith('array ['))
  })

  it('trims leading and trailing whitespace and the emitted text equals content', () => {
    const { joined, f } = stream(['\n\n  ', 'Hello', ' [1]', '  \n'], 1)
    assert.equal(joined, 'Hello [1]')
    assert.equal(f.content, 'Hello [1]')
  })

  it('never lets a marker through that has no citation (random splits)', () => {
    const text = 'A [1] b [2][5] c [3, 4] d [12] e [2].'
    for (let trial = 0; trial < 200; trial++) {
      const pieces: string[] = []
      let i = 0
      while (i < text.length) {
        const n = 1 + Math.floor(Math.random() * 4)
        pieces.push(text.slice(i, i + n))
        i += n
      }
      const { joined, f } = stream(pieces, 3)
      assert.equal(joined, 'A [1] b [2] c [3] d e [2].')
      const citations = citationsFor(f.cited, [chunk(1), chunk(2), chunk(3)])
      assert.deepEqual(new Set(markersIn(joined)), new Set(citations.map((c) => c.index)))
    }
  })
})

describe('citationsFor', () => {
  it('maps display numbers to the cited chunks', () => {
    const c = citationsFor([2, 1], [chunk(1), chunk(2), chunk(3)])
    assert.deepEqual(
      c.map((x) => [x.index, x.chunk_id]),
      [
        [1, 'c2'],
        [2, 'c1'],
      ],
    )
    assert.deepEqual(Object.keys(c[0] ?? {}).sort(), [
      'chunk_id',
      'document_id',
      'heading',
      'index',
      'snippet',
      'source',
      'title',
    ])
  })
})

describe('stripMarkers', () => {
  it('removes markers from history text', () => {
    assert.equal(stripMarkers('Yes [1]. And [2, 3].'), 'Yes. And.')
  })
})
