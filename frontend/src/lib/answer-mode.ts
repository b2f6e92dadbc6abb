import type { AnswerMode } from './types'

/** How an answer was made, in words a reader understands without knowing the modes. */
export const MODE_WORDS: Record<AnswerMode, string> = {
  llm: 'Written by a language model from the cited passages',
  extractive: "Answered from the documents' sentences — no language model configured",
}

/** "14:05", or "3 Dec, 14:05" when not today. */
export function messageTime(iso: string, now = new Date()): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return ''
  const time = date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
  if (date.toDateString() === now.toDateString()) return time
  return `${date.toLocaleDateString(undefined, { day: 'numeric', month: 'short' })}, ${time}`
}
