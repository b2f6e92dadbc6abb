import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useRef, useState } from 'react'
import { Link, useNavigate, useParams } from 'react-router'
import { AppShell } from '../components/app-shell'
import { Composer } from '../components/composer'
import { ConversationSidebar } from '../components/conversation-sidebar'
import { FormError } from '../components/form-error'
import { MenuIcon, PlusIcon } from '../components/icons'
import { MessageList } from '../components/message-list'
import { RequireAuth } from '../components/require-auth'
import { SpacePicker } from '../components/space-picker'
import { Loading } from '../components/spinner'
import { api } from '../lib/api'
import { ApiError } from '../lib/api-error'
import { describeError } from '../lib/error-messages'
import { pickerValue } from '../lib/spaces'
import { spacesApi } from '../lib/spaces-api'
import type { Conversation } from '../lib/types'
import { conversationKey, useChatTurn } from '../lib/use-chat-turn'
import { useDocumentTitle } from '../lib/use-document-title'
import { useSpaces } from '../lib/use-spaces'

export function ChatPage() {
  return (
    <RequireAuth>
      {(user) => (
        <AppShell user={user} wide>
          <ChatView />
        </AppShell>
      )}
    </RequireAuth>
  )
}

const SUGGESTIONS = [
  'How do I deploy this to Hugging Face Spaces?',
  'How are passwords and sessions stored?',
  'Which environment variables can I configure?',
]

function ChatView() {
  const params = useParams()
  const id = params.conversationId ?? null
  const navigate = useNavigate()
  const [draft, setDraft] = useState('')
  const [sidebarOpen, setSidebarOpen] = useState(false)
  useEffect(() => {
    if (!sidebarOpen) return
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setSidebarOpen(false)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [sidebarOpen])
  const inputRef = useRef<HTMLTextAreaElement>(null)
  const drawerFocus = useDrawerFocus(sidebarOpen)
  const chat = useChatTurn(id, {
    onCreated: (newId) => navigate(`/chat/${newId}`, { replace: true }),
    onRestoreDraft: setDraft,
  })
  // While a new conversation's first answer streams, the live copy is the truth: don't fetch yet.
  const holding = chat.streaming && chat.turn !== null && chat.turn.startedIn === null
  const conversation = useQuery({
    queryKey: conversationKey(id),
    queryFn: () => api.conversation(id as string),
    enabled: id !== null && !holding,
  })
  const { reconcile } = chat
  useEffect(() => {
    reconcile(conversation.data, conversation.dataUpdatedAt)
  }, [reconcile, conversation.data, conversation.dataUpdatedAt])

  const title = id ? conversation.data?.title?.trim() || 'Conversation' : 'New chat'
  useDocumentTitle(title)
  const scope = useScope(id, conversation.data, holding)

  useEffect(() => {
    if (!id) inputRef.current?.focus()
  }, [id])

  const send = (text: string) => {
    setDraft('')
    // A conversation remembers its spaces; only a new one is told them with its first question.
    void chat.send(text, id ? null : scope.newChat)
  }
  const newChat = () => {
    setSidebarOpen(false)
    navigate('/chat')
    setDraft('')
    inputRef.current?.focus()
  }
  const missing = conversation.error instanceof ApiError && conversation.error.status === 404
  const messages = id ? (conversation.data?.messages ?? []) : []
  const empty = messages.length === 0 && !chat.turn

  return (
    <div className={sidebarOpen ? 'chat-layout sidebar-open' : 'chat-layout'}>
      <aside id="chat-sidebar" className="chat-sidebar" aria-label="Conversation list">
        <button
          ref={drawerFocus.close}
          type="button"
          className="button button-quiet sidebar-close"
          onClick={() => setSidebarOpen(false)}
        >
          Close
        </button>
        <ConversationSidebar
          activeId={id}
          onNavigate={() => {
            setSidebarOpen(false)
            // A conversation picked from the list is one to go on with: the keyboard lands in
            // Message, not on the page's start with every citation link ahead of it.
            inputRef.current?.focus()
          }}
        />
      </aside>
      {sidebarOpen ? (
        // A pointer-only convenience: the drawer's own button and Escape close it for keyboards.
        <div className="sidebar-backdrop" aria-hidden="true" onClick={() => setSidebarOpen(false)} />
      ) : null}
      <section className="chat-panel" aria-label="Chat">
        <div className="chat-toolbar">
          <button
            ref={drawerFocus.toggle}
            type="button"
            className="icon-button sidebar-toggle"
            aria-expanded={sidebarOpen}
            aria-controls="chat-sidebar"
            onClick={() => setSidebarOpen((open) => !open)}
          >
            <MenuIcon />
            <span className="sr-only">Conversations</span>
          </button>
          <h1 className="chat-title" title={id ? title : undefined}>
            {id ? title : 'Ask your documents'}
          </h1>
          <button type="button" className="button button-quiet" onClick={newChat}>
            <PlusIcon />
            <span>New chat</span>
          </button>
        </div>
        {missing ? (
          <div className="centered-message">
            <p>This conversation does not exist or was deleted.</p>
            <Link to="/chat">Start a new chat</Link>
          </div>
        ) : id && conversation.isPending && !chat.turn ? (
          <Loading label="Loading conversation…" />
        ) : conversation.isError && !missing ? (
          <FormError message={describeError(conversation.error)} />
        ) : empty ? (
          <div className="chat-empty">
            <h2>What would you like to know?</h2>
            <p className="muted">
              Answers come from your spaces — your documents, the shared library and the spaces you joined —
              with links to the passages they rely on.
            </p>
            <ul className="suggestions">
              {SUGGESTIONS.map((question) => (
                <li key={question}>
                  <button
                    type="button"
                    className="suggestion"
                    onClick={() => {
                      send(question)
                      inputRef.current?.focus()
                    }}
                    disabled={chat.streaming}
                  >
                    {question}
                  </button>
                </li>
              ))}
            </ul>
          </div>
        ) : (
          <MessageList
            conversationId={id}
            messages={messages}
            turn={chat.turn}
            modes={chat.modes}
            onRegenerate={
              chat.streaming
                ? undefined
                : (question, replacing) => {
                    void chat.regenerate(question, replacing)
                    // The pressed button goes while the new answer streams: keep the keyboard in
                    // the Message field (as a suggestion does) rather than at the page's start.
                    inputRef.current?.focus()
                  }
            }
          />
        )}
        <div className="chat-footer">
          <FormError message={chat.failure} />
          <FormError message={scope.error} />
          <SpacePicker
            spaces={scope.spaces}
            value={scope.value}
            onChange={scope.change}
            disabled={scope.busy || (id !== null && !conversation.data)}
          />
          <Composer
            value={draft}
            onChange={setDraft}
            onSend={send}
            onStop={chat.stop}
            streaming={chat.streaming}
            inputRef={inputRef}
          />
        </div>
      </section>
    </div>
  )
}

/**
 * Keyboard focus for the phone's conversation drawer: opening it moves focus to its `Close`
 * (else focus stays on the toggle, behind the dimmed page, and the drawer is out of Tab's reach
 * ahead); closing it gives focus back to the toggle when focus was in the drawer, which is then
 * hidden (else it fell to the page's start). A close that put focus elsewhere (New chat → Message)
 * keeps it there.
 */
function useDrawerFocus(open: boolean) {
  const toggle = useRef<HTMLButtonElement>(null)
  const close = useRef<HTMLButtonElement>(null)
  const wasOpen = useRef(false)
  useEffect(() => {
    if (open) close.current?.focus()
    else if (wasOpen.current) {
      const active = document.activeElement
      const lost =
        !active || active === document.body || Boolean(close.current?.closest('aside')?.contains(active))
      if (lost) toggle.current?.focus()
    }
    wasOpen.current = open
  }, [open])
  return { toggle, close }
}

/**
 * The spaces the chat answers from: for a new chat, the picker's choice (sent with the first
 * question); for a saved conversation, the spaces it remembers, changed with PATCH (§8).
 */
function useScope(id: string | null, saved: Conversation | undefined, holding: boolean) {
  const queryClient = useQueryClient()
  const spaces = useSpaces()
  const [newChat, setNewChat] = useState<string[] | null>(null)
  const patch = useMutation({
    mutationFn: spacesApi.setConversationSpaces,
    onSuccess: (summary, input) => {
      const spaceIds = summary?.space_ids !== undefined ? summary.space_ids : input.spaceIds
      queryClient.setQueryData<Conversation>(conversationKey(input.id), (old) =>
        old ? { ...old, space_ids: spaceIds } : old,
      )
      void queryClient.invalidateQueries({ queryKey: ['conversations'] })
    },
  })
  const value = pickerValue({
    conversationId: id,
    firstAnswerStreaming: holding,
    newChatChoice: newChat,
    saved,
  })
  const change = (next: string[] | null) => {
    if (id === null) setNewChat(next)
    else patch.mutate({ id, spaceIds: next })
  }
  // A failed change belongs to the conversation it was made in.
  const error = spaces.error ?? (patch.variables?.id === id ? patch.error : null)
  return {
    spaces: spaces.data ?? [],
    value,
    newChat,
    change,
    busy: patch.isPending,
    error: error ? describeError(error) : null,
  }
}
