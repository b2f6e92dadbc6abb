import { useEffect, useRef } from 'react'
import type { AnswerMode, ChatMessage } from '../lib/types'
import type { Turn } from '../lib/use-chat-turn'
import { AssistantMessage, UserMessage } from './message-item'

interface MessageListProps {
  messages: ChatMessage[]
  turn: Turn | null
  modes: Record<string, AnswerMode>
}

/** Saved messages plus the live turn; follows the stream unless the reader scrolled up. */
export function MessageList({ messages, turn, modes }: MessageListProps) {
  const ref = useRef<HTMLDivElement>(null)
  const pinned = useRef(true)
  const answerLength = turn?.answer.length ?? 0

  // biome-ignore lint/correctness/useExhaustiveDependencies: these values are the triggers (new message, more text)
  useEffect(() => {
    const el = ref.current
    if (el && pinned.current) el.scrollTop = el.scrollHeight
  }, [messages.length, answerLength, turn?.status])

  const onScroll = () => {
    const el = ref.current
    if (el) pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80
  }

  const showAnswer = turn && !(turn.messageId && messages.some((m) => m.id === turn.messageId))
  return (
    <div className="message-scroll" ref={ref} onScroll={onScroll}>
      <div className="message-list">
        {messages.map((message) =>
          message.role === 'user' ? (
            <UserMessage key={message.id} content={message.content} />
          ) : (
            <AssistantMessage
              key={message.id}
              content={message.content}
              citations={message.citations ?? []}
              mode={modes[message.id]}
            />
          ),
        )}
        {turn && !turn.questionSaved ? <UserMessage key={`q-${turn.key}`} content={turn.question} /> : null}
        {showAnswer ? (
          <AssistantMessage
            key={`a-${turn.key}`}
            content={turn.answer}
            citations={turn.citations}
            mode={turn.mode}
            streaming={turn.status === 'streaming'}
            note={turn.status === 'stopped' ? 'Stopped' : null}
            error={turn.error}
          />
        ) : null}
      </div>
    </div>
  )
}
