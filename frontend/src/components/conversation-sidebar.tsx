import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query'
import { Link, useNavigate } from 'react-router'
import { api } from '../lib/api'
import { describeError } from '../lib/error-messages'
import type { ConversationSummary } from '../lib/types'
import { FormError } from './form-error'
import { TrashIcon } from './icons'

export const CONVERSATIONS_KEY = ['conversations'] as const

function titleOf(conversation: ConversationSummary): string {
  return conversation.title?.trim() || 'Untitled conversation'
}

/**
 * Conversations, newest first. Each list item holds its own `Delete` button, so the contract's
 * name stays exactly "Delete" and a person or test picks the right one by its list item
 * (`getByRole('listitem').filter({ hasText: title }).getByRole('button', { name: 'Delete' })`);
 * the button's description (title) names the conversation.
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
  const remove = useMutation({
    mutationFn: api.deleteConversation,
    onSuccess: (_void, id) => {
      queryClient.removeQueries({ queryKey: ['conversation', id] })
      void queryClient.invalidateQueries({ queryKey: CONVERSATIONS_KEY })
      if (id === activeId) navigate('/chat', { replace: true })
    },
  })
  const conversations = list.data?.pages.flatMap((page) => page.conversations) ?? []

  return (
    <nav className="sidebar-nav" aria-label="Conversations">
      {list.isPending ? <p className="muted sidebar-empty">Loading conversations…</p> : null}
      {list.isError ? <FormError message={describeError(list.error)} /> : null}
      {list.isSuccess && conversations.length === 0 ? (
        <p className="muted sidebar-empty">No conversations yet. Ask your first question.</p>
      ) : null}
      <FormError message={remove.error ? describeError(remove.error) : null} />
      <ul className="conversation-list">
        {conversations.map((conversation) => {
          const active = conversation.id === activeId
          const title = titleOf(conversation)
          return (
            <li key={conversation.id} className={active ? 'conversation active' : 'conversation'}>
              <Link
                to={`/chat/${conversation.id}`}
                className="conversation-link"
                aria-current={active ? 'page' : undefined}
                onClick={onNavigate}
              >
                {title}
              </Link>
              <button
                type="button"
                className="icon-button conversation-delete"
                title={`Delete “${title}”`}
                onClick={() => remove.mutate(conversation.id)}
                disabled={remove.isPending && remove.variables === conversation.id}
              >
                <TrashIcon />
                <span className="sr-only">Delete</span>
              </button>
            </li>
          )
        })}
      </ul>
      {list.hasNextPage ? (
        <button
          type="button"
          className="button button-quiet button-block"
          onClick={() => void list.fetchNextPage()}
          disabled={list.isFetchingNextPage}
        >
          Load more
        </button>
      ) : null}
    </nav>
  )
}
