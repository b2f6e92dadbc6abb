import { describe, expect, it } from 'vitest'
import type { UploadResult } from './types'
import { uploadOutcomeWords } from './upload'

const doc = (chunks: number): UploadResult => ({
  id: '01a24ce4-3fba-75c2-996b-972e6b9bdcd8',
  title: 'Orchard handbook',
  source: 'orchard.md',
  space_id: '01a24ce4-3fba-75c2-996b-972e6b9bdcd9',
  chunks,
  created_at: '2026-12-06T19:45:00.000Z',
})

describe('uploadOutcomeWords', () => {
  it('names a new document and its passages', () => {
    expect(uploadOutcomeWords({ created: true, document: doc(2) })).toBe(
      'Added “Orchard handbook” (2 passages).',
    )
    expect(uploadOutcomeWords({ created: true, document: doc(1) })).toBe(
      'Added “Orchard handbook” (1 passage).',
    )
  })

  it('does not tell someone who uploaded a changed file that nothing happened (a 200 may have replaced it)', () => {
    const words = uploadOutcomeWords({ created: false, document: doc(3) })
    expect(words).toBe(
      "“Orchard handbook” was already in this space: it now has this file's content (3 passages).",
    )
    expect(words).not.toMatch(/is already in this space\.$/)
  })
})
