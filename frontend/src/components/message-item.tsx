import { useState } from 'react'
import { Link } from 'react-router'
import { MODE_WORDS, messageTime } from '../lib/answer-mode'
import { citationHref, citationLabel, usedCitations } from '../lib/citations'
import { copyText } from '../lib/clipboard'
import { citationSpaceName } from '../lib/spaces'
import type { AnswerMode, Citation, Feedback } from '../lib/types'
import { useSpaceNames } from '../lib/use-spaces'
import { AnswerFeedback } from './answer-feedback'
import { Markdown } from './markdown'

function Time({ iso }: { iso: string | null | undefined }) {
  if (!iso) return null
  return (
    <time className="message-time" dateTime={iso} title={new Date(iso).toLocaleString()}>
      {messageTime(iso)}
    </time>
  )
}

export function UserMessage({
  content,
  createdAt,
}: {
  content: string
  createdAt?: string | null | undefined
}) {
  return (
    <article className="message message-user" aria-label="You said">
      <p className="message-text">{content}</p>
      {createdAt ? (
        <p className="message-meta message-meta-user">
          <Time iso={createdAt} />
        </p>
      ) : null}
    </article>
  )
}

/** What a finished, saved answer offers: Copy, Regenerate (last answer only), and feedback. */
export interface AnswerActions {
  messageId: string
  conversationId: string | null
  feedback: Feedback | null
  onRegenerate?: (() => void) | undefined
}

interface AssistantMessageProps {
  content: string
  citations: Citation[]
  mode?: AnswerMode | null | undefined
  streaming?: boolean
  note?: string | null | undefined
  error?: string | null | undefined
  createdAt?: string | null | undefined
  actions?: AnswerActions | null | undefined
  /** A failed or stopped answer: ask for it again (`Try again`). */
  onRetry?: (() => void) | undefined
}

export function AssistantMessage({
  content,
  citations,
  mode,
  streaming,
  note,
  error,
  createdAt,
  actions,
  onRetry,
}: AssistantMessageProps) {
  const sources = streaming ? [] : usedCitations(content, citations)
  // How an answer was made captions an answer: a failed one is not one (the mode came in `meta`,
  // before the failure), so it must not read "Written by a language model from the cited passages".
  const shownMode = error ? null : mode
  return (
    <article className="message message-assistant" aria-label="Answer" aria-busy={streaming || undefined}>
      {content ? (
        <Markdown text={content} citations={citations} />
      ) : streaming ? (
        <p className="typing">
          <span aria-hidden="true" />
          <span aria-hidden="true" />
          <span aria-hidden="true" />
          <span className="sr-only">Thinking…</span>
        </p>
      ) : null}
      {streaming && content ? <span className="caret" aria-hidden="true" /> : null}
      {sources.length > 0 ? <Sources citations={sources} /> : null}
      {error ? (
        <p className="message-error" role="alert">
          {error}
        </p>
      ) : null}
      {note || shownMode || createdAt ? (
        <p className="message-meta">
          {note ? <span>{note}</span> : null}
          {shownMode ? <span className="mode-words">{MODE_WORDS[shownMode]}</span> : null}
          <Time iso={createdAt} />
        </p>
      ) : null}
      {actions && !streaming && content ? <Actions content={content} actions={actions} /> : null}
      {onRetry && !streaming ? <TryAgain onRetry={onRetry} /> : null}
    </article>
  )
}

/**
 * An unfinished last turn (the model failed, Stop, a reload that lost the answer): the question
 * is saved without an answer, and this asks it again instead of making people type it again.
 */
export function TryAgain({ onRetry }: { onRetry: () => void }) {
  return (
    <div className="message-actions">
      <button type="button" className="button button-quiet button-small" onClick={onRetry}>
        Try again
      </button>
    </div>
  )
}

function Actions({ content, actions }: { content: string; actions: AnswerActions }) {
  const [copied, setCopied] = useState<boolean | null>(null)
  const copy = async () => {
    setCopied(await copyText(content))
    window.setTimeout(() => setCopied(null), 2000)
  }
  return (
    <div className="message-actions">
      <button type="button" className="button button-quiet button-small" onClick={() => void copy()}>
        Copy
      </button>
      {actions.onRegenerate ? (
        <button type="button" className="button button-quiet button-small" onClick={actions.onRegenerate}>
          Regenerate
        </button>
      ) : null}
      <span className="copy-status" role="status">
        {copied === null ? '' : copied ? 'Copied' : 'Could not copy'}
      </span>
      <AnswerFeedback
        key={actions.messageId}
        messageId={actions.messageId}
        conversationId={actions.conversationId}
        saved={actions.feedback}
      />
    </div>
  )
}

/**
 * Each source links to the cited passage; the link name is the title, not `[n]`, so `[n]` stays
 * unique per answer. The space it comes from follows the link, so readers know whose documents
 * an answer draws on.
 */
function Sources({ citations }: { citations: Citation[] }) {
  const spaceNames = useSpaceNames()
  return (
    <div className="sources">
      <p className="sources-title">Sources</p>
      <ol>
        {citations.map((citation) => {
          const { title, heading } = citationLabel(citation, citations)
          const space = citationSpaceName(citation, spaceNames)
          return (
            <li key={`${citation.index}-${citation.chunk_id}`} value={citation.index}>
              <Link to={citationHref(citation)} title={citation.snippet}>
                {title}
                {heading ? <span className="source-heading"> — {heading}</span> : null}
              </Link>
              {space ? <span className="source-space"> · in {space}</span> : null}
            </li>
          )
        })}
      </ol>
    </div>
  )
}
