import { Link } from 'react-router'
import { citationHref, citationLabel, usedCitations } from '../lib/citations'
import type { AnswerMode, Citation } from '../lib/types'
import { Markdown } from './markdown'

const MODE_HELP: Record<AnswerMode, string> = {
  llm: 'Written by a language model from the cited passages',
  extractive: 'Offline mode: the best-matching sentences from the cited passages, no language model',
}

export function UserMessage({ content }: { content: string }) {
  return (
    <article className="message message-user" aria-label="You said">
      <p className="message-text">{content}</p>
    </article>
  )
}

interface AssistantMessageProps {
  content: string
  citations: Citation[]
  mode?: AnswerMode | null | undefined
  streaming?: boolean
  note?: string | null | undefined
  error?: string | null | undefined
}

export function AssistantMessage({
  content,
  citations,
  mode,
  streaming,
  note,
  error,
}: AssistantMessageProps) {
  const sources = streaming ? [] : usedCitations(content, citations)
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
      {note || mode ? (
        <p className="message-meta">
          {note ? <span>{note}</span> : null}
          {mode ? (
            <span className="mode-badge" title={MODE_HELP[mode]}>
              {mode}
            </span>
          ) : null}
        </p>
      ) : null}
    </article>
  )
}

/** Each source links to the cited passage; the link name is the title, not `[n]`, so `[n]` stays unique per answer. */
function Sources({ citations }: { citations: Citation[] }) {
  return (
    <div className="sources">
      <p className="sources-title">Sources</p>
      <ol>
        {citations.map((citation) => {
          const { title, heading } = citationLabel(citation, citations)
          return (
            <li key={`${citation.index}-${citation.chunk_id}`} value={citation.index}>
              <Link to={citationHref(citation)} title={citation.snippet}>
                {title}
                {heading ? <span className="source-heading"> — {heading}</span> : null}
              </Link>
            </li>
          )
        })}
      </ol>
    </div>
  )
}
