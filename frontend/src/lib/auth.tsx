import { type QueryClient, useQuery, useQueryClient } from '@tanstack/react-query'
import { useCallback, useEffect } from 'react'
import { useNavigate } from 'react-router'
import { api, onSessionLost } from './api'
import { isSessionError } from './api-error'
import { readSessionHint, writeSessionHint } from './session-hint'
import type { User } from './types'

export const ME_KEY = ['me'] as const

async function loadMe(): Promise<User | null> {
  try {
    const me = await api.me()
    writeSessionHint('in')
    return me.user
  } catch (error) {
    if (isSessionError(error)) return null
    throw error
  }
}

export type AuthStatus =
  | { status: 'loading' }
  | { status: 'error'; error: unknown; retry: () => void }
  | { status: 'signed-out' }
  | { status: 'signed-in'; user: User }

/**
 * The signed-in user. The server is asked only when this browser signed in here (`in`): a
 * visitor without that hint is signed out, so a first visit makes no request that can only
 * answer 401 (which the browser's console reports as an error).
 */
export function useAuth(): AuthStatus {
  const hint = readSessionHint()
  const enabled = hint === 'in'
  const query = useQuery({ queryKey: ME_KEY, queryFn: loadMe, enabled, retry: false, staleTime: Infinity })
  if (query.data) return { status: 'signed-in', user: query.data }
  if (query.data === null || !enabled) return { status: 'signed-out' }
  if (query.isError) return { status: 'error', error: query.error, retry: () => void query.refetch() }
  return { status: 'loading' }
}

/**
 * Asks the server for the user again after something changed it (an email verified or changed).
 * A `me` request may still be in flight, read before the change; invalidating alone would join
 * it (TanStack Query dedupes a first fetch rather than restarting it) and keep the old user for
 * good (staleTime is Infinity). So: cancel it, then fetch.
 */
export async function refreshUser(queryClient: QueryClient): Promise<void> {
  await queryClient.cancelQueries({ queryKey: ME_KEY })
  await queryClient.invalidateQueries({ queryKey: ME_KEY })
}

/** Records a successful sign-in or registration. */
export function useSignedIn() {
  const queryClient = useQueryClient()
  return useCallback(
    (user: User) => {
      queryClient.clear()
      leaving = null
      writeSessionHint('in')
      queryClient.setQueryData(ME_KEY, user)
    },
    [queryClient],
  )
}

/**
 * The last sign-out this tab made on purpose (`Sign out`, `Sign out everywhere`, account deleted),
 * with what the sign-in page says to someone who just left (e.g. "Your account was deleted.").
 */
let leaving: { notice: string | null } | null = null

/**
 * The sign-out this tab just made, if any. The guard of the page being left redirects before the
 * navigation below lands, so it carries the notice and drops its `next`: whoever signs in next on
 * this browser should not land on the conversation the last person left.
 */
export function signedOutOnPurpose(): { notice: string | null } | null {
  return leaving
}

/**
 * After sign-out or sign-out-all: forget the user and go to /sign-in. The cached data is not
 * cleared here (that would make the still-mounted page refetch, and get 401s); nothing can show
 * it without a user, and the next sign-in clears the cache. `notice` is shown on /sign-in.
 */
export function useSignedOut() {
  const queryClient = useQueryClient()
  const navigate = useNavigate()
  return useCallback(
    (notice?: unknown) => {
      // Also used as a mutation's onSuccess, which passes the response: only a string is a notice.
      leaving = { notice: typeof notice === 'string' ? notice : null }
      writeSessionHint('out')
      void queryClient.cancelQueries()
      queryClient.setQueryData(ME_KEY, null)
      navigate('/sign-in', { replace: true, state: leaving.notice ? { notice: leaving.notice } : null })
    },
    [queryClient, navigate],
  )
}

/** A 401 from any API call means the session is gone: drop the user so guarded pages redirect. */
export function SessionWatcher() {
  const queryClient = useQueryClient()
  useEffect(() => {
    onSessionLost(() => {
      // Reported once per failed request: only the first report decides expired vs never signed in.
      const hint = readSessionHint()
      if (hint !== 'expired' && hint !== 'out') {
        const hadUser = Boolean(queryClient.getQueryData(ME_KEY)) || hint === 'in'
        writeSessionHint(hadUser ? 'expired' : 'out')
      }
      queryClient.setQueryData(ME_KEY, null)
    })
    return () => onSessionLost(null)
  }, [queryClient])
  return null
}
