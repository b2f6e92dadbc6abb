import type { ReactNode } from 'react'
import { Link } from 'react-router'
import type { User } from '../lib/types'
import { useDocumentTitle } from '../lib/use-document-title'
import { AppShell } from './app-shell'
import { RequireAuth } from './require-auth'

/**
 * An admin page: signed in, in the app shell, and shown to admins only. Anyone else gets the
 * reason and a way back, and the page's queries never run for them (the API would refuse them).
 */
export function AdminPage({
  title,
  refusal,
  children,
}: {
  title: string
  refusal: string
  children: (user: User) => ReactNode
}) {
  return (
    <RequireAuth>
      {(user) => (
        <AppShell user={user}>
          {user.role === 'admin' ? children(user) : <NotAnAdmin title={title} refusal={refusal} />}
        </AppShell>
      )}
    </RequireAuth>
  )
}

function NotAnAdmin({ title, refusal }: { title: string; refusal: string }) {
  useDocumentTitle(title)
  return (
    <div className="page">
      <h1>{title}</h1>
      <p className="form-error" role="alert">
        {refusal}
      </p>
      <Link to="/chat">Back to chat</Link>
    </div>
  )
}
