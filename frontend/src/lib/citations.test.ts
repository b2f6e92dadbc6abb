import { describe, expect, it } from 'vitest'
import { citationHref, citationLabel, headingWithoutTitle, splitCitations, usedCitations } from './citations'
import { remarkCitations } from './remark-citations'
import type { Citation } from './types'

const cite = (index: number): Citation => ({
  index,
  document_id: `doc ${index}`,
  space_id: 'space-1',
  chunk_id: `chunk-${index}`,
  title: `Title ${index}`,
  source: null,
  heading: index === 1 ? 'Intro' : null,
  snippet: '',
})

describe('citations', () => {
  it('links to the document with the chunk in the query', () => {
    expect(citationHref(cite(1))).toBe('/documents/doc%201?chunk=chunk-1')
  })

  it('splits only markers that have a citation', () => {
    const segments = splitCitations('A [1] b [9] c[2].', [cite(1), cite(2)])
    expect(segments.map((s) => (s.type === 'text' ? s.value : `<${s.index}>`))).toEqual([
      'A ',
      '<1>',
      ' b [9] c',
      '<2>',
      '.',
    ])
  })

  it('lists the citations that are used, in order, or all when none is marked', () => {
    expect(usedCitations('x [2] y [1] [2]', [cite(2), cite(1), cite(3)]).map((c) => c.index)).toEqual([1, 2])
    expect(usedCitations('no markers', [cite(3), cite(1)]).map((c) => c.index)).toEqual([1, 3])
  })
})

describe('remarkCitations', () => {
  it('replaces markers in text but not in code or existing links', () => {
    const tree = {
      type: 'root',
      children: [
        {
          type: 'paragraph',
          children: [
            { type: 'text', value: 'See [1] and ' },
            { type: 'inlineCode', value: 'arr[1]' },
            { type: 'link', url: 'https://x', children: [{ type: 'text', value: '[1]' }] },
            { type: 'strong', children: [{ type: 'text', value: 'bold [1]' }] },
          ],
        },
      ],
    }
    remarkCitations({ citations: [cite(1)] })(tree)
    const paragraph = tree.children[0] as { children: Array<Record<string, unknown>> }
    expect(paragraph.children.map((n) => n.type)).toEqual([
      'text',
      'link',
      'text',
      'inlineCode',
      'link',
      'strong',
    ])
    expect(paragraph.children[1]).toMatchObject({
      url: '/documents/doc%201?chunk=chunk-1',
      title: 'Title 1 — Intro',
    })
    expect(paragraph.children[4]).toMatchObject({ url: 'https://x' })
    const strong = paragraph.children[5] as { children: Array<{ type: string }> }
    expect(strong.children.map((n) => n.type)).toEqual(['text', 'link'])
  })
})

describe('headingWithoutTitle', () => {
  it('drops a leading copy of the title', () => {
    expect(headingWithoutTitle('Deploying', 'Deploying > Hugging Face Spaces')).toBe('Hugging Face Spaces')
    expect(headingWithoutTitle('Deploying', 'Deploying')).toBeNull()
    expect(headingWithoutTitle('Deploying', 'Install > Docker')).toBe('Install > Docker')
    expect(headingWithoutTitle('Deploying', null)).toBeNull()
  })
})

describe('citationLabel', () => {
  const handbook = (document_id: string, source: string | null, heading: string | null = null) => ({
    document_id,
    title: 'Handbook',
    source,
    heading,
  })

  it('names the file when two cited documents share a title', () => {
    const a = handbook('a', 'uploads/handbook-2023.pdf', 'Handbook > Membership')
    const b = handbook('b', 'handbook-2024.pdf')
    expect(citationLabel(a, [a, b])).toEqual({
      title: 'Handbook (handbook-2023.pdf)',
      heading: 'Membership',
      text: 'Handbook (handbook-2023.pdf) — Membership',
    })
    expect(citationLabel(b, [a, b]).text).toBe('Handbook (handbook-2024.pdf)')
  })

  it('is the title alone when no other cited document has it', () => {
    const a = handbook('a', 'handbook.pdf', 'Membership')
    expect(citationLabel(a, [a, { document_id: 'a', title: 'Handbook' }]).text).toBe('Handbook — Membership')
    expect(citationLabel(a, [a, { document_id: 'c', title: 'Guide' }]).title).toBe('Handbook')
  })
})
