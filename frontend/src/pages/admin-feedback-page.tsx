import { useInfiniteQuery } from '@tanstack/react-query'
import { useId } from 'react'
import { Link } from 'react-router'
import { AdminPage } from '../components/admin-page'
import { FormError } from '../components/form-error'
import { LoadMore } from '../components/load-more'
import { Markdown } from '../components/markdown'
import { Loading } from '../components/spinner'
import { api, feedbackExportUrl } from '../lib/api'
import { citationHref, headingWithoutTitle } from '../lib/citations'
import { describeError } from '../lib/error-messages'
import { formatDate } from '../lib/format'
import type { Citation, FeedbackItem, Rating } from '../lib/types'
import { useDocumentTitle } from '../lib/use-document-title'
import { useQueryParam } from '../lib/use-query-param'

export function AdminFeedbackPage() {
  return (
    <AdminPage title="Feedback" refusal="Only administrators can read feedback.">
      {() => <AdminFeedbackView />}
    </AdminPage>
  )
}

const RATING_WORDS: Record<Rating, string> = { up: 'Good answer', down: 'Bad answer' }
/** With a Rating chosen, an empty list names it: "No rated answers yet" while the other kind is listed is untrue. */
const EMPTY_WORDS: Record<Rating | 'all', string> = {
  all: 'No rated answers yet.',
  up: 'No answers rated “Good answer” yet.',
  down: 'No answers rated “Bad answer” yet.',
}

/** A citation whose space the admin may read comes whole; any other keeps only its index. */
function isWhole(c: FeedbackItem['citations'][number]): c is Citation {
  return c.document_id !== undefined && c.chunk_id !== undefined && c.space_id !== undefined
}

function AdminFeedbackView() {
  useDocumentTitle('Feedback')
  const filterId = useId()
  // Kept in the URL (?rating=up|down): a reload or Back keeps it.
  const [ratingParam, setRating] = useQueryParam('rating')
  const rating: Rating | null = ratingParam === 'up' || ratingParam === 'down' ? ratingParam : null
  const list = useInfiniteQuery({
    queryKey: ['admin-feedback', rating],
    queryFn: ({ pageParam }) => api.feedback(rating, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  })
  const items = list.data?.pages.flatMap((page) => page.feedback) ?? []
  return (
    <div className="page admin-page">
      <h1>Feedback</h1>
      <p className="muted">Answers people rated, with their question, the sources cited and their comment.</p>
      <div className="feedback-toolbar">
        <div className="field field-inline">
          <label htmlFor={filterId}>Rating</label>
          <select id={filterId} value={rating ?? ''} onChange={(e) => setRating(e.target.value)}>
            <option value="">All</option>
            <option value="up">Good answers</option>
            <option value="down">Bad answers</option>
          </select>
        </div>
        <p className="feedback-export">
          Export: <a href={feedbackExportUrl('jsonl', rating)}>JSON Lines</a> ·{' '}
          <a href={feedbackExportUrl('csv', rating)}>CSV</a>
        </p>
      </div>
      {list.isPending ? <Loading label="Loading feedback…" /> : null}
      <FormError message={list.error ? describeError(list.error) : null} />
      {list.isSuccess && items.length === 0 ? <p className="muted">{EMPTY_WORDS[rating ?? 'all']}</p> : null}
      <ul className="feedback-list" aria-label="Rated answers">
        {items.map((item) => (
          <FeedbackEntry key={item.message_id} item={item} />
        ))}
      </ul>
      <LoadMore list={list} />
    </div>
  )
}

function FeedbackEntry({ item }: { item: FeedbackItem }) {
  const id = useId()
  return (
    <li className="card feedback-item" aria-labelledby={`${id}-q`}>
      <p className="feedback-head">
        <span className={`rating-badge rating-${item.rating}`}>{RATING_WORDS[item.rating]}</span>
        <span className="muted">
          {item.user_email} · {formatDate(item.created_at)}
        </span>
      </p>
      <h2 id={`${id}-q`} className="feedback-question">
        {item.question || '(question not found)'}
      </h2>
      <div className="feedback-answer">
        <Markdown text={item.answer} citations={item.citations.filter(isWhole)} />
      </div>
      {item.citations.length > 0 ? (
        <ol className="feedback-citations" aria-label="Citations">
          {item.citations.map((c) => {
            const heading = c.title ? headingWithoutTitle(c.title, c.heading) : null
            return (
              <li key={`${c.index}-${c.chunk_id}`} value={c.index}>
                {c.document_id && c.chunk_id ? (
                  <Link to={citationHref({ document_id: c.document_id, chunk_id: c.chunk_id })}>
                    {c.title || 'Source'}
                  </Link>
                ) : (
                  <span>Source {c.index}</span>
                )}
                {heading ? <span className="source-heading"> — {heading}</span> : null}
              </li>
            )
          })}
        </ol>
      ) : null}
      <p className="feedback-comment">
        {item.comment ? <>Comment: “{item.comment}”</> : <span className="muted">No comment.</span>}
      </p>
    </li>
  )
}
