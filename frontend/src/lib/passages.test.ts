import { describe, expect, it } from 'vitest'
import { passagesOnce } from './passages'
import type { DocumentChunk } from './types'

const chunk = (ordinal: number, content: string, heading: string | null = 'Membership'): DocumentChunk => ({
  id: `c${ordinal}`,
  ordinal,
  heading,
  content,
})

// As the chunker writes them: the next chunk opens with the end of the previous one.
const first = chunk(0, 'Members pay 20 pounds.\n\nThe press opens at nine. It closes at five.')
const second = chunk(1, 'It closes at five.\n\nBottles cost one pound.')
const third = chunk(2, 'Apples are kept at 2.5 °C.', 'Cold store')

describe('passagesOnce', () => {
  it('shows the overlap once: dropped from the next chunk', () => {
    const texts = passagesOnce([third, second, first]).map((p) => p.text)
    expect(texts).toEqual([first.content, 'Bottles cost one pound.', third.content])
    expect(texts.join('\n').match(/It closes at five/g)).toHaveLength(1)
  })

  it('keeps the cited chunk whole and trims the end of the one before it instead', () => {
    const texts = passagesOnce([first, second, third], 'c1').map((p) => p.text)
    expect(texts).toEqual([
      'Members pay 20 pounds.\n\nThe press opens at nine.',
      second.content,
      third.content,
    ])
  })

  it('matches an overlap whose line breaks were joined into spaces, and leaves other chunks alone', () => {
    const a = chunk(0, 'Wash the apples.\n\n- Step one.\n- Step two.')
    const b = chunk(1, '- Step one. - Step two.\n\nPress them.')
    expect(passagesOnce([a, b]).map((p) => p.text)).toEqual([a.content, 'Press them.'])
    const c = chunk(2, 'Not an overlap.\n\nMore.')
    expect(passagesOnce([a, c]).map((p) => p.text)).toEqual([a.content, c.content])
  })
})
