import { useMutation } from '@tanstack/react-query'
import type { ReactNode } from 'react'
import { Link, NavLink, useLocation } from 'react-router'
import { api } from '../lib/api'
import { useSignedOut } from '../lib/auth'
import { MY_DOCUMENTS_PATH } from '../lib/spaces'
import type { User } from '../lib/types'
import { VerificationBanner } from './verification-banner'

/** The header every signed-in page shares: brand, navigation, who is signed in, and `Sign out`. */
export function AppShell({ user, children, wide }: { user: User; children: ReactNode; wide?: boolean }) {
  const signedOut = useSignedOut()
  // Sign out locally even if the request fails: the user asked to leave.
  const signOut = useMutation({ mutationFn: api.signOut, onSettled: signedOut })
  const navClass = ({ isActive }: { isActive: boolean }) => (isActive ? 'nav-link active' : 'nav-link')
  const { pathname } = useLocation()
  // A space's page belongs under Spaces, except My documents, which has its own link.
  const inSpaces =
    pathname === '/spaces' || (pathname.startsWith('/spaces/') && pathname !== MY_DOCUMENTS_PATH)
  return (
    <div className={wide ? 'shell shell-wide' : 'shell'}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/chat" className="brand" aria-label="rag-auth">
          <img src="/favicon.svg" alt="" width="24" height="24" />
          <span>rag-auth</span>
        </Link>
        <nav aria-label="Main" className="topnav">
          <NavLink to="/chat" className={navClass}>
            Chat
          </NavLink>
          <NavLink to={MY_DOCUMENTS_PATH} className={navClass}>
            My documents
          </NavLink>
          <NavLink to="/spaces" end className={() => navClass({ isActive: inSpaces })}>
            Spaces
          </NavLink>
          {user.role === 'admin' ? (
            <>
              <NavLink to="/admin/documents" className={navClass}>
                Documents
              </NavLink>
              <NavLink to="/admin/feedback" className={navClass}>
                Feedback
              </NavLink>
              <NavLink to="/admin/users" className={navClass}>
                Users
              </NavLink>
              <NavLink to="/admin/audit" className={navClass}>
                Audit
              </NavLink>
            </>
          ) : null}
          <NavLink to="/account" className={navClass}>
            Account
          </NavLink>
        </nav>
        <span className="who" title={user.email}>
          {user.name || user.email}
        </span>
        <button
          type="button"
          className="button button-quiet"
          onClick={() => signOut.mutate()}
          disabled={signOut.isPending}
        >
          Sign out
        </button>
      </header>
      <main id="main" className="main" tabIndex={-1}>
        <VerificationBanner user={user} />
        {children}
      </main>
    </div>
  )
}
