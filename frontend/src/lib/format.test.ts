import { describe, expect, it } from 'vitest'
import { describeUserAgent, timeAgo } from './format'

describe('describeUserAgent', () => {
  it('names common browsers and systems', () => {
    expect(
      describeUserAgent(
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36',
      ),
    ).toBe('Chrome on Linux')
    expect(
      describeUserAgent(
        'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1',
      ),
    ).toBe('Safari on iOS')
    expect(
      describeUserAgent('Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0'),
    ).toBe('Firefox on Windows')
    expect(describeUserAgent('curl/8.5.0')).toBe('curl')
    expect(describeUserAgent(null)).toBe('Unknown device')
  })
})

describe('timeAgo', () => {
  const now = Date.parse('2026-11-28T12:00:00Z')
  it('reads like a person would say it', () => {
    expect(timeAgo('2026-11-28T11:59:30Z', now)).toBe('just now')
    expect(timeAgo('2026-11-28T11:59:00Z', now)).toBe('1 minute ago')
    expect(timeAgo('2026-11-28T09:00:00Z', now)).toBe('3 hours ago')
    expect(timeAgo('2026-11-25T12:00:00Z', now)).toBe('3 days ago')
    expect(timeAgo(null, now)).toBe('never')
  })
})
