import { describe, expect, it } from 'vitest'
import type { Conversation } from './types'
import { savedSince } from './use-chat-turn'

const message = (role: 'user' | 'assistant', content: string) =>
  ({
    id: content,
    role,
    content,
    citations: [],
    feedback: null,
    mode: null,
    created_at: '2026-12-06T00:00:00Z',
  }) as Conversation['messages'][number]

const conversation = (...messages: Conversation['messages']): Conversation =>
  ({ id: 'c', title: 't', space_ids: null, created_at: '2026-12-06T00:00:00Z', messages }) as Conversation

describe('savedSince (a Stop that came too late to keep the server from saving)', () => {
  const before = conversation(message('user', 'Q1'), message('assistant', 'A1'))

  it('is true when the question was saved after the messages already shown', () => {
    const after = conversation(...before.messages, message('user', 'Q2'), message('assistant', 'A2'))
    expect(savedSince(after, 'Q2', 2)).toBe(true)
  })

  it('is false when nothing new was saved, or only an older question matches', () => {
    expect(savedSince(before, 'Q2', 2)).toBe(false)
    expect(savedSince(before, 'Q1', 2)).toBe(false)
    expect(savedSince(undefined, 'Q1', 0)).toBe(false)
  })
})
