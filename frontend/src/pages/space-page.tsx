import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useRef, useState } from 'react'
import { Link, useNavigate, useParams } from 'react-router'
import { AppShell } from '../components/app-shell'
import { FormError } from '../components/form-error'
import { RequireAuth } from '../components/require-auth'
import { SpaceDetailsForm } from '../components/space-details-form'
import { SpaceDocuments } from '../components/space-documents'
import { SpaceMembers } from '../components/space-members'
import { Loading } from '../components/spinner'
import { UploadSection } from '../components/upload-form'
import { ApiError } from '../lib/api-error'
import { describeError } from '../lib/error-messages'
import {
  canDeleteSpace,
  canEdit,
  canEditDetails,
  canManageMembers,
  documentCount,
  KIND_WORDS,
  personalSpace,
  ROLE_WORDS,
} from '../lib/spaces'
import { type Space, spacesApi } from '../lib/spaces-api'
import type { User } from '../lib/types'
import { useDocumentTitle } from '../lib/use-document-title'
import { useFocusAfterRender } from '../lib/use-focus-after-render'
import { spaceKey, useSpaces } from '../lib/use-spaces'

/** `/spaces/{id}`, and `/spaces/mine` for the caller's personal space ("My documents"). */
export function SpacePage() {
  const { spaceId = '' } = useParams()
  return (
    <RequireAuth>
      {(user) => (
        <AppShell user={user}>
          {spaceId === 'mine' ? <MyDocuments user={user} /> : <SpaceView id={spaceId} user={user} />}
        </AppShell>
      )}
    </RequireAuth>
  )
}

function MyDocuments({ user }: { user: User }) {
  const spaces = useSpaces()
  const mine = personalSpace(spaces.data)
  if (spaces.isPending) return <Loading label="Loading your documents…" />
  if (!mine) {
    return (
      <div className="page">
        <h1>My documents</h1>
        <FormError
          message={spaces.error ? describeError(spaces.error) : 'Your documents are not available.'}
        />
      </div>
    )
  }
  return <SpaceView id={mine.id} user={user} />
}

/** One space: its documents (upload and delete by role), members for owners, `Delete space`. */
export function SpaceView({ id, user }: { id: string; user: User }) {
  const space = useQuery({ queryKey: spaceKey(id), queryFn: () => spacesApi.get(id) })
  useDocumentTitle(space.data?.name ?? 'Space')
  if (space.isPending) return <Loading label="Loading space…" />
  if (space.isError) {
    const missing = space.error instanceof ApiError && space.error.status === 404
    return (
      <div className="page">
        <h1>Space</h1>
        <FormError
          message={missing ? 'This space does not exist, or you cannot open it.' : describeError(space.error)}
        />
        <Link to="/spaces">All spaces</Link>
      </div>
    )
  }
  const s = space.data
  const editor = canEdit(s.role)
  return (
    <div className="page space-page">
      <SpaceHeader space={s} />
      {canEditDetails(s) ? <SpaceDetailsForm space={s} user={user} /> : null}
      {editor ? (
        <UploadSection spaceId={s.id}>
          <p className="muted">Markdown, plain text, HTML or PDF, up to 20 MiB. {whoCanAsk(s)}</p>
        </UploadSection>
      ) : null}
      <SpaceDocuments spaceId={s.id} canEdit={editor} />
      {canManageMembers(s) ? <SpaceMembers space={s} user={user} /> : null}
      {s.kind === 'team' && s.visibility === 'members' && s.role !== 'owner' ? (
        <LeaveSpace space={s} user={user} />
      ) : null}
      {canDeleteSpace(s) ? <DeleteSpace space={s} /> : null}
    </div>
  )
}

function whoCanAsk(space: Space): string {
  if (space.kind === 'personal') return 'Only you can see and ask about it.'
  if (space.kind === 'shared' || space.visibility === 'everyone')
    return 'Everyone who is signed in can ask about it right away.'
  return 'Members of this space can ask about it right away.'
}

function SpaceHeader({ space }: { space: Space }) {
  return (
    <header className="space-header">
      <p className="muted space-crumb">
        <Link to="/spaces">Spaces</Link>
      </p>
      <h1>{space.name}</h1>
      {space.description ? <p className="space-description">{space.description}</p> : null}
      <p className="muted space-details">
        <span>{KIND_WORDS[space.kind]}</span>
        {space.kind === 'personal' ? null : <span>Your role: {ROLE_WORDS[space.role]}</span>}
        {space.kind === 'team' && space.visibility === 'everyone' ? <span>Visible to everyone</span> : null}
        <span>{documentCount(space.documents)}</span>
      </p>
      {space.kind === 'personal' ? (
        <p className="muted">Only you can see these documents; administrators cannot either.</p>
      ) : null}
      {space.kind === 'shared' ? (
        <p className="muted">Everyone who is signed in reads the shared library; administrators manage it.</p>
      ) : null}
    </header>
  )
}

function LeaveSpace({ space, user }: { space: Space; user: User }) {
  const queryClient = useQueryClient()
  const navigate = useNavigate()
  const leave = useMutation({
    mutationFn: () => spacesApi.removeMember({ spaceId: space.id, userId: user.id }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['spaces'] })
      navigate('/spaces')
    },
  })
  return (
    <section className="card" aria-labelledby="leave-title">
      <h2 id="leave-title">Leave this space</h2>
      <p className="muted">Its documents stop reaching your answers at once.</p>
      <FormError message={leave.error ? describeError(leave.error) : null} />
      <button type="button" className="button" onClick={() => leave.mutate()} disabled={leave.isPending}>
        Leave space
      </button>
    </section>
  )
}

/** `Delete space` asks first, in place: the confirming button has the same name. */
function DeleteSpace({ space }: { space: Space }) {
  const queryClient = useQueryClient()
  const navigate = useNavigate()
  const [confirming, setConfirming] = useState(false)
  const first = useRef<HTMLButtonElement>(null)
  const cancelButton = useRef<HTMLButtonElement>(null)
  const focusAfterRender = useFocusAfterRender()
  // Keyboard users land on Cancel, not on the button that deletes.
  useEffect(() => {
    if (confirming) cancelButton.current?.focus()
  }, [confirming])
  const remove = useMutation({
    mutationFn: () => spacesApi.remove(space.id),
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: spaceKey(space.id) })
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['spaces'] }),
        queryClient.invalidateQueries({ queryKey: ['documents'] }),
      ])
      navigate('/spaces', { replace: true })
    },
  })
  const cancel = () => {
    setConfirming(false)
    focusAfterRender(first)
  }
  return (
    <section className="card danger-zone" aria-labelledby="delete-space-title">
      <h2 id="delete-space-title">Delete this space</h2>
      <p className="muted">Its documents are deleted with it, for every member.</p>
      <FormError message={remove.error ? describeError(remove.error) : null} />
      {confirming ? (
        <fieldset className="confirm-group">
          <legend>
            Delete “{space.name}” and its {documentCount(space.documents)}? This cannot be undone.
          </legend>
          <div className="confirm-actions">
            <button
              type="button"
              className="button button-danger"
              onClick={() => remove.mutate()}
              disabled={remove.isPending}
              aria-busy={remove.isPending}
            >
              Delete space
            </button>
            <button ref={cancelButton} type="button" className="button button-quiet" onClick={cancel}>
              Cancel
            </button>
          </div>
        </fieldset>
      ) : (
        <button
          ref={first}
          type="button"
          className="button button-danger"
          onClick={() => setConfirming(true)}
        >
          Delete space
        </button>
      )}
    </section>
  )
}
