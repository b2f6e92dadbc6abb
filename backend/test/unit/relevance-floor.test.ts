// The chat's relevance floor (rag/retrieve.ts): a question's words weighed on a reference
// collection padded to MIN_REFERENCE_CHUNKS, so that a chunk of a tiny space that holds the
// question's words passes, and one holding a single stray word of it does not.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { idf } from '../../src/rag/bm25.js'
import {
  lexicalCoverage,
  MIN_REFERENCE_CHUNKS,
  passesLexicalFloor,
  type QueryTerm,
  referenceTerms,
} from '../../src/rag/retrieve.js'

const held = (...lexemes: string[]) => new Set(lexemes)
const byLexeme = (terms: QueryTerm[]) => new Map(terms.map((t) => [t.lexeme, t.idf]))

// "How often must the lattice be re-tensioned?" over a space whose one chunk says "The lattice
// must be re-tensioned every eleven days." ("often" is the one word it lacks).
const ONE_CHUNK = {
  chunks: 1,
  terms: [
    { lexeme: 'lattic', df: 1 },
    { lexeme: 'often', df: 0 },
    { lexeme: 're', df: 1 },
    { lexeme: 're-tens', df: 1 },
    { lexeme: 'tension', df: 1 },
  ],
}
const LATTICE_CHUNK = held('lattic', 're', 're-tens', 'tension', 'eleven', 'day', 'everi')

describe('relevance floor', () => {
  it('weighs a word a one-chunk space holds nearly as much as one it lacks', () => {
    const raw = byLexeme(referenceTerms(ONE_CHUNK, 1))
    const padded = byLexeme(referenceTerms(ONE_CHUNK))
    // The space's own statistics: every word it holds weighs a fifth of the one it lacks.
    assert.ok((raw.get('lattic') ?? 0) < 0.25 * (raw.get('often') ?? 0))
    assert.ok((padded.get('lattic') ?? 0) > 0.7 * (padded.get('often') ?? 0))
    assert.equal(padded.get('often'), idf(MIN_REFERENCE_CHUNKS, 0))
  })

  it('lets the chunk that holds the question pass, and not one stray word of another question', () => {
    const terms = referenceTerms(ONE_CHUNK)
    const cov = lexicalCoverage(terms, LATTICE_CHUNK)
    assert.equal(cov.matched_terms, 4)
    assert.ok(cov.matched_idf / cov.total_idf > 0.7)
    assert.ok(passesLexicalFloor(cov))
    // "When must the lattice be painted?" over the same chunk: only "lattice".
    const painted = referenceTerms({
      chunks: 1,
      terms: [
        { lexeme: 'lattic', df: 1 },
        { lexeme: 'paint', df: 0 },
      ],
    })
    assert.equal(passesLexicalFloor(lexicalCoverage(painted, LATTICE_CHUNK)), false)
    // "How often must the boiler be inspected?": nothing.
    const boiler = referenceTerms({
      chunks: 1,
      terms: [
        { lexeme: 'boiler', df: 0 },
        { lexeme: 'inspect', df: 0 },
        { lexeme: 'often', df: 0 },
      ],
    })
    assert.deepEqual(lexicalCoverage(boiler, LATTICE_CHUNK), {
      matched_idf: 0,
      total_idf: 3 * idf(MIN_REFERENCE_CHUNKS, 0),
      matched_terms: 0,
    })
    assert.equal(passesLexicalFloor(lexicalCoverage(boiler, LATTICE_CHUNK)), false)
  })

  it('keeps a small collection’s common words light', () => {
    // 20 chunks about the lattice, one of them about paint: "How is the lattice painted?"
    const terms = referenceTerms({
      chunks: 20,
      terms: [
        { lexeme: 'lattic', df: 18 },
        { lexeme: 'paint', df: 1 },
      ],
    })
    const w = byLexeme(terms)
    assert.ok((w.get('lattic') ?? 0) < 0.25 * (w.get('paint') ?? 0))
    assert.equal(passesLexicalFloor(lexicalCoverage(terms, held('lattic'))), false)
    assert.ok(passesLexicalFloor(lexicalCoverage(terms, held('paint'))))
  })

  it('leaves a collection of MIN_REFERENCE_CHUNKS or more weighed as BM25 weighs it', () => {
    for (const chunks of [MIN_REFERENCE_CHUNKS, 5_575, 1_000_000]) {
      const stats = {
        chunks,
        terms: [
          { lexeme: 'capit', df: Math.floor(chunks / 20) },
          { lexeme: 'mongolia', df: 0 },
          { lexeme: 'citi', df: 3 },
        ],
      }
      assert.deepEqual(
        referenceTerms(stats),
        stats.terms.map((t) => ({ ...t, idf: idf(chunks, t.df) })),
      )
      // "capital of Mongolia" matching "capital" alone does not pass.
      assert.equal(passesLexicalFloor(lexicalCoverage(referenceTerms(stats), held('capit'))), false)
    }
  })
})
