import { describe, expect, it } from 'vitest'
import { parseFragmentToken, withoutFragment } from './fragment-token'

const TOKEN = 'Vq3k9-_xY2bN8sQ1wE4rT6yU0iO7pA5sD3fG1hJ2kL0'

describe('parseFragmentToken', () => {
  it('reads the token of #token=…, with or without the #', () => {
    expect(parseFragmentToken(`#token=${TOKEN}`)).toBe(TOKEN)
    expect(parseFragmentToken(`token=${TOKEN}`)).toBe(TOKEN)
  })

  it('finds token among other fragment parameters', () => {
    expect(parseFragmentToken(`#from=mail&token=${TOKEN}&x=1`)).toBe(TOKEN)
  })

  it('percent-decodes, and keeps a + (URLSearchParams would make it a space)', () => {
    expect(parseFragmentToken('#token=ab%2Bcd%3D')).toBe('ab+cd=')
    expect(parseFragmentToken('#token=ab+cd')).toBe('ab+cd')
  })

  it('trims what a mail client may add around a copied link', () => {
    expect(parseFragmentToken(`#token=%20${TOKEN}%0A`)).toBe(TOKEN)
  })

  it('answers null for no fragment, no token, an empty one, or a parameter merely ending in token', () => {
    for (const hash of [
      '',
      '#',
      '#token',
      '#token=',
      '#token=%20',
      '#xtoken=abc',
      '#tokens=abc',
      '#other=1',
    ]) {
      expect(parseFragmentToken(hash), hash).toBeNull()
    }
  })

  it('refuses malformed percent-encoding, controls, spaces inside, and absurd lengths', () => {
    for (const hash of [
      '#token=%E0%A4%A',
      '#token=ab%00cd',
      '#token=ab%20cd',
      '#token=é',
      `#token=${'a'.repeat(513)}`,
    ]) {
      expect(parseFragmentToken(hash), hash).toBeNull()
    }
    expect(parseFragmentToken(`#token=${'a'.repeat(512)}`)).toBe('a'.repeat(512))
  })
})

describe('withoutFragment', () => {
  it('keeps path and query, drops the fragment', () => {
    expect(withoutFragment({ pathname: '/reset-password', search: '' })).toBe('/reset-password')
    expect(withoutFragment({ pathname: '/verify-email', search: '?a=1' })).toBe('/verify-email?a=1')
  })
})
