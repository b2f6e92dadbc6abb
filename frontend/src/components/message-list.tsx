import { type ReactNode, useEffect, useRef } from 'react'
import type { AnswerMode, ChatMessage } from '../lib/types'
import type { Turn } from '../lib/use-chat-turn'
import { AssistantMessage, TryAgain, UserMessage } from './message-item'

interface MessageListProps {
  conversationId: string | null
  messages: ChatMessage[]
  turn: Turn | null
  modes: Record<string, AnswerMode>
  /**
   * Answer the last question again in place of the answer `replacing` (the last answer's
   * `Regenerate`, or `Try again` where the last question has no answer); absent while an answer
   * streams.
   */
  onRegenerate?: ((question: string, replacing: string | null) => void) | undefined
}

/** The question a message answers: the nearest user message before it. */
function questionBefore(messages: ChatMessage[], index: number): string | null {
  for (let i = index - 1; i >= 0; i--) {
    const m = messages[i]
    if (m?.role === 'user') return m.content
  }
  return null
}

/**
 * Saved messages plus the live turn. Follows the stream unless the reader scrolled up; a new
 * question always brings the view back down to its answer.
 */
export function MessageList({ conversationId, messages, turn, modes, onRegenerate }: MessageListProps) {
  const ref = useRef<HTMLDivElement>(null)
  const pinned = useRef(true)
  const answerLength = turn?.answer.length ?? 0
  const turnKey = turn?.key ?? null

  useEffect(() => {
    if (turnKey !== null) pinned.current = true
  }, [turnKey])

  // biome-ignore lint/correctness/useExhaustiveDependencies: these values are the triggers (new message, more text)
  useEffect(() => {
    const el = ref.current
    if (el && pinned.current) el.scrollTop = el.scrollHeight
  }, [messages.length, answerLength, turn?.status, turnKey])

  // Whatever grows the list while the reader is at the bottom (an answer's sources, a code block,
  // the feedback notice, the saved answer replacing the live one) keeps the view down there.
  useEffect(() => {
    const el = ref.current
    const list = el?.firstElementChild
    if (!el || !list || typeof ResizeObserver === 'undefined') return
    const observer = new ResizeObserver(() => {
      if (pinned.current) el.scrollTop = el.scrollHeight
    })
    observer.observe(list)
    return () => observer.disconnect()
  }, [])

  const onScroll = () => {
    const el = ref.current
    if (el) pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80
  }

  // Decided here, in the render that first shows the saved conversation, not by the turn's
  // reconcile (an effect, one render later): else that render shows the question twice. The server
  // stores the question before the answer, so a saved answer means a saved question.
  const answerSaved = Boolean(turn?.messageId && messages.some((m) => m.id === turn.messageId))
  const showAnswer = turn && !answerSaved
  const liveIsLast = Boolean(showAnswer)
  // Regenerate answers the conversation's last question again: only an answer to it offers it.
  const lastAnswer = messages[messages.length - 1]?.role === 'assistant' ? messages.length - 1 : -1
  // One list, and the live answer is keyed by its message id once the server has given it (the
  // stream's first event): the saved message that replaces it has that key too, so React keeps
  // the same component and a rating chosen (or a comment being typed) on the live answer
  // survives the refetch that brings the saved conversation.
  // The answer a Regenerate replaces goes while the new one streams, and once it is saved; a
  // stopped or failed one leaves it (the server keeps it then).
  const replaced = turn && (turn.status === 'streaming' || turn.status === 'done') ? turn.replacing : null
  const items: ReactNode[] = messages.flatMap((message, index) => {
    if (message.id === replaced) return []
    if (message.role === 'user') {
      return <UserMessage key={message.id} content={message.content} createdAt={message.created_at} />
    }
    const question = index === lastAnswer && !liveIsLast ? questionBefore(messages, index) : null
    return (
      <AssistantMessage
        key={message.id}
        content={message.content}
        citations={message.citations ?? []}
        mode={message.mode ?? modes[message.id]}
        createdAt={message.created_at}
        actions={{
          messageId: message.id,
          conversationId,
          feedback: message.feedback ?? null,
          onRegenerate: question && onRegenerate ? () => onRegenerate(question, message.id) : undefined,
        }}
      />
    )
  })
  if (turn && !turn.questionSaved && !answerSaved) {
    items.push(<UserMessage key={`q-${turn.key}`} content={turn.question} />)
  }
  // A saved last question without an answer (the model failed, Stop, a reload mid-answer) and no
  // live turn answering it: the server answers it again through the same route as Regenerate.
  const last = messages[messages.length - 1]
  if (!turn && last?.role === 'user' && onRegenerate) {
    items.push(
      <div key={`retry-${last.id}`} className="message-unanswered">
        <p className="message-meta">This question has no answer.</p>
        <TryAgain onRetry={() => onRegenerate(last.content, null)} />
      </div>,
    )
  }
  // The live answer failed or was stopped once the server had saved its question (`meta`).
  const retry =
    turn && (turn.status === 'error' || turn.status === 'stopped') && turn.messageId && onRegenerate
      ? () => onRegenerate(turn.question, turn.replacing)
      : undefined
  if (showAnswer) {
    items.push(
      <AssistantMessage
        key={turn.messageId ?? `a-${turn.key}`}
        content={turn.answer}
        citations={turn.citations}
        mode={turn.mode}
        streaming={turn.status === 'streaming'}
        note={turn.status === 'stopped' ? 'Stopped' : null}
        error={turn.error}
        onRetry={retry}
        actions={
          turn.status === 'done' && turn.messageId
            ? {
                messageId: turn.messageId,
                conversationId: turn.conversationId,
                feedback: null,
                onRegenerate: onRegenerate ? () => onRegenerate(turn.question, turn.messageId) : undefined,
              }
            : null
        }
      />,
    )
  }
  return (
    <div className="message-scroll" ref={ref} onScroll={onScroll}>
      <div className="message-list">{items}</div>
    </div>
  )
}
