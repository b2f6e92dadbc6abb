import { type QueryClient, useQueryClient } from '@tanstack/react-query'
import { useCallback, useEffect, useRef, useState } from 'react'
import { reportSessionLost } from './api'
import { isAbortError, isSessionError } from './api-error'
import { type StreamHandlers, type StreamResult, streamChat, streamRegenerate } from './chat-stream'
import { describeError } from './error-messages'
import type { AnswerMode, Citation, Conversation } from './types'

/** The question being answered right now (or just answered, until the saved copy is loaded). */
export interface Turn {
  key: number
  /** Conversation the question was asked in (null: a new one). */
  startedIn: string | null
  /** Known from `event: meta`. */
  conversationId: string | null
  messageId: string | null
  mode: AnswerMode | null
  question: string
  answer: string
  citations: Citation[]
  status: 'streaming' | 'done' | 'stopped' | 'error'
  error: string | null
  finishedAt: number
  /** The saved conversation already shows the question: render only the answer part. */
  questionSaved: boolean
  /** Regenerate: the saved answer this one takes the place of (hidden while it streams). */
  replacing: string | null
}

export const conversationKey = (id: string | null) => ['conversation', id] as const

export function turnConversation(turn: Turn): string | null {
  return turn.conversationId ?? turn.startedIn
}

interface Options {
  /** `event: meta` created a conversation: show its URL. */
  onCreated: (id: string) => void
  /** The question failed before anything was saved: give the text back to the composer. */
  onRestoreDraft: (text: string) => void
}

let turnCounter = 0

/** Refetches `conversationId` and tells whether it gained a message asking `text`. */
export async function questionWasSaved(
  queryClient: QueryClient,
  conversationId: string | null,
  text: string,
  messagesBefore: number,
): Promise<boolean> {
  if (!conversationId) return false
  try {
    await queryClient.refetchQueries({ queryKey: conversationKey(conversationId), exact: true })
  } catch {
    return false
  }
  const saved = queryClient.getQueryData<Conversation>(conversationKey(conversationId))
  return savedSince(saved, text, messagesBefore)
}

/** Whether `saved` holds, past its first `messagesBefore` messages, the question `text`. */
export function savedSince(saved: Conversation | undefined, text: string, messagesBefore: number): boolean {
  if (!saved) return false
  return saved.messages.slice(messagesBefore).some((m) => m.role === 'user' && m.content === text)
}

export function useChatTurn(conversationId: string | null, options: Options) {
  const queryClient = useQueryClient()
  const [turn, setTurn] = useState<Turn | null>(null)
  const [failure, setFailure] = useState<string | null>(null)
  const [modes, setModes] = useState<Record<string, AnswerMode>>({})
  const abortRef = useRef<AbortController | null>(null)
  const turnRef = useRef(turn)
  turnRef.current = turn
  const optionsRef = useRef(options)
  optionsRef.current = options

  // Leaving the conversation (another one, or New chat) stops its answer.
  useEffect(() => {
    const current = turnRef.current
    if (current && turnConversation(current) !== conversationId) {
      abortRef.current?.abort()
      setTurn(null)
    }
    setFailure(null)
  }, [conversationId])

  useEffect(() => () => abortRef.current?.abort(), [])

  /**
   * One answer streamed into the live turn. `again`: Regenerate, whose question is saved already
   * and which takes the place of the saved answer `again.replacing`.
   */
  const run = useCallback(
    async (
      text: string,
      call: (handlers: StreamHandlers, signal: AbortSignal) => Promise<StreamResult>,
      again: { replacing: string | null } | null,
    ) => {
      if (abortRef.current) return
      const controller = new AbortController()
      abortRef.current = controller
      const key = ++turnCounter
      let metaSeen = false
      let savedIn = conversationId
      const update = (patch: Partial<Turn>) => setTurn((t) => (t && t.key === key ? { ...t, ...patch } : t))
      const messagesBefore =
        (conversationId &&
          queryClient.getQueryData<Conversation>(conversationKey(conversationId))?.messages.length) ||
        0
      setFailure(null)
      setTurn({
        key,
        startedIn: conversationId,
        conversationId,
        messageId: null,
        mode: null,
        question: text,
        answer: '',
        citations: [],
        status: 'streaming',
        error: null,
        finishedAt: 0,
        questionSaved: again !== null,
        replacing: again?.replacing ?? null,
      })
      try {
        const result = await call(
          {
            onMeta: (meta) => {
              metaSeen = true
              savedIn = meta.conversationId
              update({ conversationId: meta.conversationId, messageId: meta.messageId, mode: meta.mode })
              setModes((m) => ({ ...m, [meta.messageId]: meta.mode }))
              if (!conversationId) optionsRef.current.onCreated(meta.conversationId)
              void queryClient.invalidateQueries({ queryKey: ['conversations'] })
            },
            onToken: (_text, soFar) => update({ answer: soFar }),
            onCitations: (citations) => update({ citations }),
          },
          controller.signal,
        )
        update({
          status: 'done',
          answer: result.content,
          citations: result.citations,
          finishedAt: Date.now(),
        })
      } catch (error) {
        if (isSessionError(error)) {
          reportSessionLost(error)
          setTurn(null)
          return
        }
        const aborted = isAbortError(error) || controller.signal.aborted
        if (!metaSeen) {
          setTurn((t) => (t && t.key === key ? null : t))
          if (!aborted) {
            // Nothing was saved (refused, rate-limited, a network failure).
            setFailure(describeError(error))
            if (!again) optionsRef.current.onRestoreDraft(text)
            return
          }
          // Regenerate saves nothing before its answer: the previous one stands.
          if (again) return
          // Stopped before `meta` arrived: the server may still have saved the question (and a
          // quick answer) before the Stop reached it. Show what it kept; give the text back only
          // if it kept nothing, so the page never hides a turn that Regenerate would then skip.
          void questionWasSaved(queryClient, conversationId, text, messagesBefore).then((saved) => {
            if (!saved) optionsRef.current.onRestoreDraft(text)
          })
          return
        }
        update({
          status: aborted ? 'stopped' : 'error',
          error: aborted ? null : describeError(error),
          finishedAt: Date.now(),
        })
      } finally {
        if (abortRef.current === controller) abortRef.current = null
        if (savedIn && metaSeen) void queryClient.invalidateQueries({ queryKey: conversationKey(savedIn) })
        void queryClient.invalidateQueries({ queryKey: ['conversations'] })
      }
    },
    [conversationId, queryClient],
  )

  /** `spaceIds` limits the answer to those spaces (and the conversation remembers them, §8). */
  const send = useCallback(
    (text: string, spaceIds?: readonly string[] | null) =>
      run(
        text,
        (handlers, signal) => streamChat({ message: text, conversationId, spaceIds }, handlers, signal),
        null,
      ),
    [conversationId, run],
  )

  /** The last question answered again, in place of its answer `replacing` (Regenerate). */
  const regenerate = useCallback(
    (question: string, replacing: string | null) => {
      if (!conversationId) return Promise.resolve()
      const id = conversationId
      return run(question, (handlers, signal) => streamRegenerate(id, handlers, signal), { replacing })
    },
    [conversationId, run],
  )

  const stop = useCallback(() => abortRef.current?.abort(), [])

  /** Once the saved conversation (fetched after the answer ended) contains the turn, drop the live copy. */
  const reconcile = useCallback((saved: Conversation | undefined, updatedAt: number) => {
    const current = turnRef.current
    if (!current || current.status === 'streaming' || !saved || updatedAt < current.finishedAt) return
    if (saved.id !== turnConversation(current)) return
    const hasAnswer = current.messageId !== null && saved.messages.some((m) => m.id === current.messageId)
    if (hasAnswer || current.status === 'done') setTurn(null)
    else if (!current.questionSaved) setTurn({ ...current, questionSaved: true })
  }, [])

  const visibleTurn = turn && turnConversation(turn) === conversationId ? turn : null
  const streaming = turn?.status === 'streaming'
  return {
    turn: visibleTurn,
    streaming,
    failure,
    modes,
    send,
    regenerate,
    stop,
    reconcile,
    dismissFailure: () => setFailure(null),
  }
}
