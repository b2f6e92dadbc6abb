import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { Link } from 'react-router'
import { AppShell } from '../components/app-shell'
import { FormError } from '../components/form-error'
import { RequireAuth } from '../components/require-auth'
import { Loading } from '../components/spinner'
import { UploadForm } from '../components/upload-form'
import { api } from '../lib/api'
import { describeError } from '../lib/error-messages'
import { formatDate } from '../lib/format'
import type { DocumentSummary, User } from '../lib/types'
import { useDocumentTitle } from '../lib/use-document-title'

export const DOCUMENTS_KEY = ['documents'] as const

export function AdminDocumentsPage() {
  return (
    <RequireAuth>
      {(user) => (
        <AppShell user={user}>
          <AdminDocumentsView user={user} />
        </AppShell>
      )}
    </RequireAuth>
  )
}

function AdminDocumentsView({ user }: { user: User }) {
  useDocumentTitle('Documents')
  if (user.role !== 'admin') {
    return (
      <div className="page">
        <h1>Documents</h1>
        <p className="form-error" role="alert">
          Only administrators can manage documents.
        </p>
        <Link to="/chat">Back to chat</Link>
      </div>
    )
  }
  return (
    <div className="page admin-page">
      <h1>Documents</h1>
      <section className="card" aria-labelledby="upload-title">
        <h2 id="upload-title">Add a document</h2>
        <p className="muted">
          Markdown, plain text, HTML or PDF, up to 20 MiB. Everyone who is signed in can ask about it right
          away.
        </p>
        <UploadForm />
      </section>
      <DocumentLibrary />
    </div>
  )
}

function DocumentLibrary() {
  const queryClient = useQueryClient()
  const documents = useQuery({ queryKey: DOCUMENTS_KEY, queryFn: api.documents })
  const remove = useMutation({
    mutationFn: api.deleteDocument,
    onSuccess: (_void, id) => {
      queryClient.removeQueries({ queryKey: ['document', id] })
      return queryClient.invalidateQueries({ queryKey: DOCUMENTS_KEY })
    },
  })
  const list = documents.data ?? []
  return (
    <section className="card" aria-labelledby="library-title">
      <h2 id="library-title">Library{documents.isSuccess ? ` (${list.length})` : ''}</h2>
      {documents.isPending ? <Loading label="Loading documents…" /> : null}
      <FormError message={documents.error ? describeError(documents.error) : null} />
      <FormError message={remove.error ? describeError(remove.error) : null} />
      {documents.isSuccess && list.length === 0 ? <p className="muted">No documents yet.</p> : null}
      {/* One `Delete` per document, inside that document's list item (scope by item to pick one). */}
      <ul className="document-list">
        {list.map((doc) => (
          <DocumentItem
            key={doc.id}
            doc={doc}
            onDelete={() => remove.mutate(doc.id)}
            deleting={remove.isPending && remove.variables === doc.id}
          />
        ))}
      </ul>
    </section>
  )
}

function DocumentItem({
  doc,
  onDelete,
  deleting,
}: {
  doc: DocumentSummary
  onDelete: () => void
  deleting: boolean
}) {
  return (
    // Flat on purpose: the title, its details and its Delete button share one parent (the list item).
    <li className="document-item">
      <Link to={`/documents/${doc.id}`} className="document-title">
        {doc.title}
      </Link>
      <p className="muted document-details">
        {doc.source ? <span>{doc.source}</span> : null}
        <span>{doc.chunks === 1 ? '1 passage' : `${doc.chunks} passages`}</span>
        <span>Added {formatDate(doc.created_at)}</span>
      </p>
      <button
        type="button"
        className="button button-quiet button-danger-text"
        onClick={onDelete}
        disabled={deleting}
        title={`Delete “${doc.title}”`}
      >
        Delete
      </button>
    </li>
  )
}
