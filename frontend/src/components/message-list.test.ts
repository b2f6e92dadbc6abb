// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { MemoryRouter } from 'react-router'
import { describe, expect, it } from 'vitest'
import { mount } from '../lib/test-mount'
import type { ChatMessage } from '../lib/types'
import type { Turn } from '../lib/use-chat-turn'
import { MessageList } from './message-list'

const QUESTION = 'How do I deploy this to Hugging Face Spaces?'

const turn: Turn = {
  key: 1,
  startedIn: null,
  conversationId: 'c1',
  messageId: 'a1',
  mode: 'extractive',
  question: QUESTION,
  answer: 'Create a Docker Space [1].',
  citations: [],
  status: 'done',
  error: null,
  finishedAt: 1,
  questionSaved: false,
  replacing: null,
}

/** The list's markup for these saved messages and live turn (a Regenerate handler when asked). */
function render(messages: ChatMessage[], live: Turn | null = turn, regenerates = false): string {
  const list = createElement(MessageList, {
    conversationId: 'c1',
    messages,
    turn: live,
    modes: {},
    ...(regenerates ? { onRegenerate: () => undefined } : {}),
  })
  const client = new QueryClient()
  return renderToStaticMarkup(
    createElement(MemoryRouter, null, createElement(QueryClientProvider, { client }, list)),
  )
}

const saved = [
  { id: 'q1', role: 'user', content: QUESTION, citations: null, created_at: '2026-12-05T18:57:00Z' },
  {
    id: 'a1',
    role: 'assistant',
    content: 'Create a Docker Space [1].',
    citations: [],
    created_at: '2026-12-05T18:57:01Z',
  },
] as unknown as ChatMessage[]

const questionsShown = (html: string) => html.split('aria-label="You said"').length - 1

describe('MessageList', () => {
  it('Regenerate: the answer being replaced goes while the new one streams; a failed one leaves it', () => {
    const again = (status: Turn['status']): Turn => ({
      ...turn,
      messageId: 'a2',
      answer: 'Choose the Docker SDK [1].',
      status,
      questionSaved: true,
      replacing: 'a1',
    })
    const html = (live: Turn) => render(saved, live)
    const streaming = html(again('streaming'))
    expect(questionsShown(streaming)).toBe(1)
    expect(streaming).not.toContain('Create a Docker Space')
    expect(streaming).toContain('Choose the Docker SDK')
    const failed = html({ ...again('error'), error: 'The answer service returned an error.' })
    expect(failed).toContain('Create a Docker Space')
  })

  it('offers `Try again` on a failed or stopped answer and on a saved last question without one', () => {
    const html = (messages: ChatMessage[], live: Turn | null) => render(messages, live, true)
    const question = saved.slice(0, 1)
    expect(html(question, null)).toContain('Try again')
    expect(html(saved, null)).not.toContain('Try again')
    expect(
      html(question, { ...turn, status: 'error', error: 'The answer service returned an error.' }),
    ).toContain('Try again')
    expect(html(question, { ...turn, status: 'stopped', answer: '' })).toContain('Try again')
    expect(html(question, { ...turn, status: 'streaming' })).not.toContain('Try again')
  })

  it('shows the question once in the render that first has the saved conversation', () => {
    expect(questionsShown(render(saved))).toBe(1)
  })

  it('shows the live question while the saved conversation does not have the turn yet', () => {
    expect(questionsShown(render([]))).toBe(1)
  })

  it("keeps the live answer's element when the saved one replaces it (a rating chosen on it stays)", () => {
    const page = mount()
    const client = new QueryClient()
    const show = (messages: ChatMessage[], live: Turn | null) =>
      page.show(
        createElement(
          MemoryRouter,
          null,
          createElement(
            QueryClientProvider,
            { client },
            createElement(MessageList, { conversationId: 'c1', messages, turn: live, modes: {} }),
          ),
        ),
      )
    const answers = () => [...page.host.querySelectorAll('article[aria-label="Answer"]')]
    show([], turn)
    const live = answers()
    expect(live).toHaveLength(1)
    // The refetch brings the saved turn while the live copy is still held, then the live copy goes.
    show(saved, turn)
    expect(answers()).toEqual(live)
    expect(answers()[0]).toBe(live[0])
    show(saved, null)
    expect(answers()[0]).toBe(live[0])
    page.unmount()
  })
})
