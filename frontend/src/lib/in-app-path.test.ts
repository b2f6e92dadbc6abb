import { describe, expect, it } from 'vitest'
import { isInAppPath } from './in-app-path'

describe('isInAppPath', () => {
  it('accepts a slash followed by a letter or digit', () => {
    for (const href of ['/chat', '/documents/1?chunk=2', '/2024/report', '/Chat#x']) {
      expect(isInAppPath(href), href).toBe(true)
    }
  })

  it('refuses what a browser may read as another site, and everything else', () => {
    for (const href of [
      '/\\evil.example',
      '/%09/evil.example',
      '/\t/evil.example',
      '//evil.example',
      '/%2F/evil.example',
      '/ /x',
      '/',
      '/.',
      'https://evil.example',
      'chat',
      '',
      null,
      undefined,
    ]) {
      expect(isInAppPath(href), String(href)).toBe(false)
    }
  })
})
