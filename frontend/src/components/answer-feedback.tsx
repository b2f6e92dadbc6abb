import { useMutation, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, type KeyboardEvent, useId, useRef, useState } from 'react'
import { api } from '../lib/api'
import { describeError } from '../lib/error-messages'
import type { Feedback, Rating } from '../lib/types'
import { useFocusAfterRender } from '../lib/use-focus-after-render'
import { FormError } from './form-error'
import { ThumbDownIcon, ThumbUpIcon } from './icons'

export const SHARED_NOTICE = 'Rated answers are shared, with their question, with the administrators.'

/**
 * `Good answer` / `Bad answer` (toggle buttons: pressing the chosen one again withdraws it), then
 * an optional comment, which `Add comment` / `Edit comment` open again later (after a reload too):
 * the PUT replaces rating and comment. Saved at once; the conversation is refetched so a reload
 * shows the same.
 */
export function AnswerFeedback({
  messageId,
  conversationId,
  saved,
}: {
  messageId: string
  conversationId: string | null
  saved: Feedback | null
}) {
  const queryClient = useQueryClient()
  const id = useId()
  const [local, setLocal] = useState<Feedback | null | undefined>(undefined)
  const [commenting, setCommenting] = useState(false)
  const [comment, setComment] = useState('')
  const upButton = useRef<HTMLButtonElement>(null)
  const downButton = useRef<HTMLButtonElement>(null)
  const editButton = useRef<HTMLButtonElement>(null)
  const field = useRef<HTMLTextAreaElement>(null)
  const focusAfterRender = useFocusAfterRender()
  const current = local === undefined ? saved : local
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['conversation', conversationId] })
  const save = useMutation({
    mutationFn: (next: Feedback | null) =>
      next ? api.rate({ messageId, rating: next.rating, comment: next.comment }) : api.unrate(messageId),
    onSuccess: refresh,
    onError: () => setLocal(undefined),
  })
  const choose = (rating: Rating) => {
    const next = current?.rating === rating ? null : { rating, comment: current?.comment ?? null }
    setLocal(next)
    setCommenting(next !== null && !next.comment)
    setComment(next?.comment ?? '')
    save.mutate(next)
  }
  const sendComment = (event: FormEvent) => {
    event.preventDefault()
    if (!current) return
    const next = { rating: current.rating, comment: comment.trim() || null }
    setLocal(next)
    setCommenting(false)
    save.mutate(next)
    // The form (and its focused button) goes: keyboard focus returns to the chosen rating.
    const chosen = next.rating === 'up' ? upButton : downButton
    focusAfterRender(chosen)
  }
  const openComment = () => {
    setComment(current?.comment ?? '')
    setCommenting(true)
    focusAfterRender(field)
  }
  const closeComment = () => {
    setCommenting(false)
    focusAfterRender(editButton)
  }
  // Enter sends, as in Message; Shift+Enter is a new line; Escape leaves the comment as it was.
  const onCommentKey = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Escape') {
      event.preventDefault()
      closeComment()
      return
    }
    if (event.key !== 'Enter' || event.shiftKey || event.nativeEvent.isComposing) return
    event.preventDefault()
    event.currentTarget.form?.requestSubmit()
  }

  return (
    <div className="answer-feedback">
      <fieldset className="rating" aria-describedby={`${id}-shared`}>
        <legend className="sr-only">Rate this answer</legend>
        <button
          ref={upButton}
          type="button"
          className="icon-button rating-button"
          aria-pressed={current?.rating === 'up'}
          onClick={() => choose('up')}
          title="Good answer"
        >
          <ThumbUpIcon />
          <span className="sr-only">Good answer</span>
        </button>
        <button
          ref={downButton}
          type="button"
          className="icon-button rating-button"
          aria-pressed={current?.rating === 'down'}
          onClick={() => choose('down')}
          title="Bad answer"
        >
          <ThumbDownIcon />
          <span className="sr-only">Bad answer</span>
        </button>
      </fieldset>
      <p id={`${id}-shared`} className={current ? 'feedback-notice' : 'sr-only'}>
        {current ? `Thanks. ${SHARED_NOTICE}` : SHARED_NOTICE}
      </p>
      {current?.comment && !commenting ? <p className="feedback-comment">“{current.comment}”</p> : null}
      {current && !commenting ? (
        <button
          ref={editButton}
          type="button"
          className="button button-quiet button-small"
          onClick={openComment}
        >
          {current.comment ? 'Edit comment' : 'Add comment'}
        </button>
      ) : null}
      {current && commenting ? (
        <form className="feedback-form" onSubmit={sendComment}>
          <label htmlFor={`${id}-comment`}>Comment (optional)</label>
          <textarea
            ref={field}
            id={`${id}-comment`}
            rows={2}
            maxLength={2000}
            value={comment}
            onChange={(e) => setComment(e.target.value)}
            onKeyDown={onCommentKey}
          />
          <button type="submit" className="button button-quiet">
            Send comment
          </button>
          <button type="button" className="button button-quiet" onClick={closeComment}>
            Cancel
          </button>
        </form>
      ) : null}
      <FormError message={save.error ? describeError(save.error) : null} />
    </div>
  )
}
