import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useId, useRef } from 'react'
import { Link } from 'react-router'
import { api } from '../lib/api'
import { describeError } from '../lib/error-messages'
import { formatDate } from '../lib/format'
import { spacesApi } from '../lib/spaces-api'
import type { DocumentSummary } from '../lib/types'
import { spaceDocumentsKey } from '../lib/use-spaces'
import { ConfirmAction } from './confirm-action'
import { FormError } from './form-error'
import { Loading } from './spinner'

/**
 * A space's documents (GET /api/documents?space_id=). Editors and owners get one `Delete` per
 * document, inside that document's list item (scope by item to pick one); it asks first
 * (`Confirm delete`), since the document leaves every member's answers.
 */
export function SpaceDocuments({ spaceId, canEdit }: { spaceId: string; canEdit: boolean }) {
  const queryClient = useQueryClient()
  const documents = useQuery({
    queryKey: spaceDocumentsKey(spaceId),
    queryFn: () => spacesApi.documents(spaceId),
  })
  // The deleted item takes the focused Delete with it: focus goes to the list's heading, whose
  // count then says one fewer.
  const headingRef = useRef<HTMLHeadingElement>(null)
  const remove = useMutation({
    mutationFn: api.deleteDocument,
    onSuccess: (_void, id) => {
      headingRef.current?.focus()
      queryClient.removeQueries({ queryKey: ['document', id] })
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: ['documents'] }),
        queryClient.invalidateQueries({ queryKey: ['spaces'] }),
      ])
    },
  })
  const list = documents.data ?? []
  return (
    <section className="card" aria-labelledby="library-title">
      <h2 id="library-title" ref={headingRef} tabIndex={-1}>
        Documents{documents.isSuccess ? ` (${list.length})` : ''}
      </h2>
      {documents.isPending ? <Loading label="Loading documents…" /> : null}
      <FormError message={documents.error ? describeError(documents.error) : null} />
      <FormError message={remove.error ? describeError(remove.error) : null} />
      {documents.isSuccess && list.length === 0 ? <p className="muted">No documents yet.</p> : null}
      <ul className="document-list">
        {list.map((doc) => (
          <DocumentItem
            key={doc.id}
            doc={doc}
            onDelete={canEdit ? () => remove.mutate(doc.id) : null}
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
  onDelete: (() => void) | null
  deleting: boolean
}) {
  const titleId = useId()
  return (
    // Flat on purpose: the title, its details and its Delete button share one parent (the list
    // item), which is named after the document (§9: a per-item Delete sits in an item named after it).
    <li className="document-item" aria-labelledby={titleId}>
      <Link to={`/documents/${doc.id}`} className="document-title" id={titleId}>
        {doc.title}
      </Link>
      <p className="muted document-details">
        {doc.source ? <span>{doc.source}</span> : null}
        <span>{doc.chunks === 1 ? '1 passage' : `${doc.chunks} passages`}</span>
        <span>Added {formatDate(doc.created_at)}</span>
      </p>
      {onDelete ? (
        <ConfirmAction
          label="Delete"
          confirmLabel="Confirm delete"
          question={`Delete “${doc.title}”? This cannot be undone.`}
          onConfirm={onDelete}
          busy={deleting}
          className="button button-quiet button-danger-text"
          title={`Delete “${doc.title}”`}
        />
      ) : null}
    </li>
  )
}
