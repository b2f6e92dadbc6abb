import { Link } from 'react-router'
import { AppShell } from '../components/app-shell'
import { FormError } from '../components/form-error'
import { RequireAuth } from '../components/require-auth'
import { Loading } from '../components/spinner'
import { describeError } from '../lib/error-messages'
import { sharedLibrary } from '../lib/spaces'
import type { User } from '../lib/types'
import { useDocumentTitle } from '../lib/use-document-title'
import { useSpaces } from '../lib/use-spaces'
import { SpaceView } from './space-page'

/** Admin document management is the shared library's space page (admins own it, §10). */
export function AdminDocumentsPage() {
  return (
    <RequireAuth>
      {(user) => (
        <AppShell user={user}>
          {user.role === 'admin' ? <SharedLibrary user={user} /> : <NotAdmin />}
        </AppShell>
      )}
    </RequireAuth>
  )
}

function NotAdmin() {
  useDocumentTitle('Documents')
  return (
    <div className="page">
      <h1>Documents</h1>
      <p className="form-error" role="alert">
        Only administrators can manage documents.
      </p>
      <p>
        <Link to="/spaces">Your spaces</Link> hold the documents you can read and add to.
      </p>
    </div>
  )
}

function SharedLibrary({ user }: { user: User }) {
  const spaces = useSpaces()
  const shared = sharedLibrary(spaces.data)
  if (spaces.isPending) return <Loading label="Loading the shared library…" />
  if (!shared) {
    return (
      <div className="page">
        <h1>Documents</h1>
        <FormError message={spaces.error ? describeError(spaces.error) : 'The shared library is missing.'} />
      </div>
    )
  }
  return <SpaceView id={shared.id} user={user} />
}
