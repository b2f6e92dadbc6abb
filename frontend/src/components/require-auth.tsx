import type { ReactNode } from 'react'
import { Navigate, useLocation } from 'react-router'
import { signedOutOnPurpose, useAuth } from '../lib/auth'
import { describeError } from '../lib/error-messages'
import { readSessionHint } from '../lib/session-hint'
import type { User } from '../lib/types'
import { Loading } from './spinner'

/**
 * Guards a protected page: unknown visitors go to /sign-in?next=<this page> and come back
 * after signing in. `children` receives the user so pages never handle "no user".
 */
export function RequireAuth({ children }: { children: (user: User) => ReactNode }) {
  const auth = useAuth()
  const location = useLocation()
  if (auth.status === 'loading') return <Loading />
  if (auth.status === 'error') {
    return (
      <div className="centered-message" role="alert">
        <p>{describeError(auth.error)}</p>
        <button type="button" className="button" onClick={auth.retry}>
          Try again
        </button>
      </div>
    )
  }
  if (auth.status === 'signed-out') {
    // Signed out on purpose here: nothing to come back to. Otherwise (a visitor, an expired
    // session) sign-in leads back to this page.
    const left = readSessionHint() === 'out' ? signedOutOnPurpose() : null
    if (left) return <Navigate to="/sign-in" replace state={left.notice ? { notice: left.notice } : null} />
    const next = `${location.pathname}${location.search}${location.hash}`
    return <Navigate to={`/sign-in?next=${encodeURIComponent(next)}`} replace />
  }
  return <>{children(auth.user)}</>
}
