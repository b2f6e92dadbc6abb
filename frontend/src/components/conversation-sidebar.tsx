import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useEffect, useId, useRef, useState } from 'react'
import { Link, useNavigate } from 'react-router'
import { api } from '../lib/api'
import { describeError } from '../lib/error-messages'
import type { ConversationSummary } from '../lib/types'
import { useFocusAfterRender } from '../lib/use-focus-after-render'
import { FormError } from './form-error'
import { PencilIcon, TrashIcon } from './icons'
import { LoadMore } from './load-more'

export const CONVERSATIONS_KEY = ['conversations'] as const

function titleOf(conversation: ConversationSummary): string {
  return conversation.title?.trim() || 'Untitled conversation'
}

/**
 * Conversations, newest first. Each list item (named by its title) holds its own `Rename` and
 * `Delete` buttons, so the contract's names stay exact and a person or test picks the right one
 * by its list item. `Delete` asks first, inside the same item.
 */
export function ConversationSidebar({
  activeId,
  onNavigate,
}: {
  activeId: string | null
  onNavigate: () => void
}) {
  const queryClient = useQueryClient()
  const navigate = useNavigate()
  const list = useInfiniteQuery({
    queryKey: CONVERSATIONS_KEY,
    queryFn: ({ pageParam }) => api.conversations(pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  })
  const navRef = useRef<HTMLElement>(null)
  // Where keyboard focus goes once a conversation (and the button that deleted it) is gone: the
  // next conversation in the list, else the previous one. Deleting the open one goes to /chat,
  // whose Message field takes focus.
  const focusAfterDelete = useRef<HTMLElement | null>(null)
  const remove = useMutation({
    mutationFn: api.deleteConversation,
    onSuccess: (_void, id) => {
      queryClient.removeQueries({ queryKey: ['conversation', id] })
      void queryClient.invalidateQueries({ queryKey: CONVERSATIONS_KEY })
      if (id === activeId) navigate('/chat', { replace: true })
      else focusAfterDelete.current?.focus()
    },
  })
  const deleteConversation = (id: string) => {
    const links = [...(navRef.current?.querySelectorAll<HTMLAnchorElement>('.conversation-list a') ?? [])]
    const at = links.findIndex((a) => a.getAttribute('href') === `/chat/${id}`)
    focusAfterDelete.current = links[at + 1] ?? links[at - 1] ?? null
    remove.mutate(id)
  }
  const rename = useMutation({
    mutationFn: api.renameConversation,
    onSuccess: (_summary, input) => {
      void queryClient.invalidateQueries({ queryKey: CONVERSATIONS_KEY })
      void queryClient.invalidateQueries({ queryKey: ['conversation', input.id] })
    },
  })
  const conversations = list.data?.pages.flatMap((page) => page.conversations) ?? []
  const error = remove.error ?? rename.error

  return (
    <nav className="sidebar-nav" aria-label="Conversations" ref={navRef}>
      {list.isPending ? <p className="muted sidebar-empty">Loading conversations…</p> : null}
      {list.isError ? <FormError message={describeError(list.error)} /> : null}
      {list.isSuccess && conversations.length === 0 ? (
        <p className="muted sidebar-empty">No conversations yet. Ask your first question.</p>
      ) : null}
      <FormError message={error ? describeError(error) : null} />
      <ul className="conversation-list">
        {conversations.map((conversation) => (
          <ConversationItem
            key={conversation.id}
            conversation={conversation}
            active={conversation.id === activeId}
            onNavigate={onNavigate}
            onDelete={() => deleteConversation(conversation.id)}
            deleting={remove.isPending && remove.variables === conversation.id}
            onRename={(title) => rename.mutate({ id: conversation.id, title })}
          />
        ))}
      </ul>
      <LoadMore list={list} block />
    </nav>
  )
}

function ConversationItem({
  conversation,
  active,
  onNavigate,
  onDelete,
  deleting,
  onRename,
}: {
  conversation: ConversationSummary
  active: boolean
  onNavigate: () => void
  onDelete: () => void
  deleting: boolean
  onRename: (title: string) => void
}) {
  const title = titleOf(conversation)
  const id = useId()
  const [mode, setMode] = useState<'view' | 'rename' | 'confirm'>('view')
  const [draft, setDraft] = useState(title)
  const field = useRef<HTMLInputElement>(null)
  const renameButton = useRef<HTMLButtonElement>(null)
  const deleteButton = useRef<HTMLButtonElement>(null)
  const cancelDelete = useRef<HTMLButtonElement>(null)
  const focusAfterRender = useFocusAfterRender()
  // The button just pressed is replaced by the question: keyboard users land on its Cancel (not
  // on the button that deletes), instead of being dropped to the page's start.
  useEffect(() => {
    if (mode === 'rename') field.current?.select()
    if (mode === 'confirm') cancelDelete.current?.focus()
  }, [mode])

  // Back to the list item, focus on the button that opened the form or the question.
  const back = (to = renameButton) => {
    setMode('view')
    focusAfterRender(to)
  }
  const cancelDeleting = () => back(deleteButton)
  const submit = (event: FormEvent) => {
    event.preventDefault()
    const next = draft.trim()
    if (next && next !== title) onRename(next.slice(0, 200))
    back()
  }

  return (
    <li className={active ? 'conversation active' : 'conversation'} aria-labelledby={`${id}-title`}>
      {mode === 'rename' ? (
        <form className="conversation-rename" onSubmit={submit}>
          <span id={`${id}-title`} hidden>
            {title}
          </span>
          <label htmlFor={`${id}-field`} className="sr-only">
            Title
          </label>
          <input
            id={`${id}-field`}
            ref={field}
            value={draft}
            maxLength={200}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') back()
            }}
          />
          <button type="submit" className="button button-small">
            Save
          </button>
          <button type="button" className="button button-quiet button-small" onClick={() => back()}>
            Cancel
          </button>
        </form>
      ) : (
        <Link
          id={`${id}-title`}
          to={`/chat/${conversation.id}`}
          className="conversation-link"
          aria-current={active ? 'page' : undefined}
          onClick={onNavigate}
          title={title}
        >
          {title}
        </Link>
      )}
      {mode === 'confirm' ? (
        <fieldset
          className="conversation-confirm"
          onKeyDown={(e) => {
            if (e.key !== 'Escape') return
            e.stopPropagation() // closes this question, not the phone's drawer around it
            cancelDeleting()
          }}
        >
          <legend>Delete this conversation?</legend>
          <button
            type="button"
            className="button button-danger button-small"
            onClick={onDelete}
            disabled={deleting}
          >
            Delete
          </button>
          <button
            ref={cancelDelete}
            type="button"
            className="button button-quiet button-small"
            onClick={cancelDeleting}
          >
            Cancel
          </button>
        </fieldset>
      ) : mode === 'view' ? (
        <span className="conversation-actions">
          <button
            ref={renameButton}
            type="button"
            className="icon-button conversation-action"
            title={`Rename “${title}”`}
            onClick={() => {
              setDraft(title)
              setMode('rename')
            }}
          >
            <PencilIcon />
            <span className="sr-only">Rename</span>
          </button>
          <button
            ref={deleteButton}
            type="button"
            className="icon-button conversation-action conversation-delete"
            title={`Delete “${title}”`}
            onClick={() => setMode('confirm')}
          >
            <TrashIcon />
            <span className="sr-only">Delete</span>
          </button>
        </span>
      ) : null}
    </li>
  )
}
