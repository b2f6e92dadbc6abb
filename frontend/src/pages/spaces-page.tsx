import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useId, useRef, useState } from 'react'
import { Link, useNavigate } from 'react-router'
import { AppShell } from '../components/app-shell'
import { FormError, Notice } from '../components/form-error'
import { RequireAuth } from '../components/require-auth'
import { SpaceFields, useSpaceFields } from '../components/space-fields'
import { Loading } from '../components/spinner'
import { SubmitButton } from '../components/submit-button'
import { describeError, formErrors } from '../lib/error-messages'
import { formatDate } from '../lib/format'
import { documentCount, KIND_WORDS, ROLE_WORDS, sortSpaces, spaceHref } from '../lib/spaces'
import { type Invitation, type Space, spacesApi } from '../lib/spaces-api'
import type { User } from '../lib/types'
import { useDocumentTitle } from '../lib/use-document-title'
import { useFormDisclosure } from '../lib/use-form-disclosure'
import { INVITATIONS_KEY, SPACES_KEY, spaceKey, useSpaces } from '../lib/use-spaces'

/** `/spaces`: my spaces, `New space`, and the `Invitations` waiting for an answer (§10). */
export function SpacesPage() {
  return (
    <RequireAuth>
      {(user) => (
        <AppShell user={user}>
          <SpacesView user={user} />
        </AppShell>
      )}
    </RequireAuth>
  )
}

function SpacesView({ user }: { user: User }) {
  useDocumentTitle('Spaces')
  return (
    <div className="page spaces-page">
      <div className="page-head">
        <h1>Spaces</h1>
      </div>
      <p className="muted">
        A space is a set of documents and the people who may read it. Answers only ever draw on spaces you can
        read: your own documents, the shared library, and the spaces you have joined.
      </p>
      <NewSpace user={user} />
      <Invitations />
      <SpaceList />
    </div>
  )
}

function NewSpace({ user }: { user: User }) {
  const queryClient = useQueryClient()
  const navigate = useNavigate()
  const id = useId()
  const fields = useSpaceFields({ name: '', description: '', everyone: false })
  const { open, setOpen, close, toggle, form } = useFormDisclosure(() => {
    fields.clearMissing()
    create.reset()
  })
  const create = useMutation({
    mutationFn: spacesApi.create,
    onSuccess: async (space) => {
      queryClient.setQueryData(spaceKey(space.id), space)
      await queryClient.invalidateQueries({ queryKey: SPACES_KEY })
      navigate(`/spaces/${space.id}`)
    },
  })
  const errors = create.error ? formErrors(create.error) : null
  const submit = (event: FormEvent) => {
    event.preventDefault()
    if (!fields.check()) return
    const { name, description, everyone } = fields.values
    create.mutate({
      name: name.trim(),
      ...(description.trim() ? { description: description.trim() } : {}),
      ...(everyone ? { visibility: 'everyone' as const } : {}),
    })
  }
  return (
    <>
      <button
        ref={toggle}
        type="button"
        className="button button-primary new-space-button"
        aria-expanded={open}
        aria-controls={`${id}-form`}
        onClick={() => (open ? close() : setOpen(true))}
      >
        New space
      </button>
      {open ? (
        <section className="card" aria-labelledby={`${id}-title`}>
          <h2 id={`${id}-title`}>New space</h2>
          <form id={`${id}-form`} ref={form} className="form" onSubmit={submit} noValidate>
            <SpaceFields
              fields={fields}
              nameError={errors?.fields.name}
              descriptionError={errors?.fields.description}
              showEveryone={user.role === 'admin'}
            />
            <p className="muted field-hint">You will be its owner; add members once it exists.</p>
            <FormError message={errors?.form} />
            <div className="form-actions">
              <SubmitButton pending={create.isPending}>Create space</SubmitButton>
              <button type="button" className="button button-quiet" onClick={close}>
                Cancel
              </button>
            </div>
          </form>
        </section>
      ) : null}
    </>
  )
}

function Invitations() {
  const queryClient = useQueryClient()
  const [answered, setAnswered] = useState<{ name: string; accept: boolean } | null>(null)
  // The answered invitation (and the focused button) leaves the list: focus goes to the heading,
  // right above the notice that says what happened.
  const headingRef = useRef<HTMLHeadingElement>(null)
  const invitations = useQuery({ queryKey: INVITATIONS_KEY, queryFn: spacesApi.invitations })
  const answer = useMutation({
    mutationFn: async (input: { invitation: Invitation; accept: boolean }) => {
      if (input.accept) await spacesApi.accept(input.invitation.space_id)
      else await spacesApi.decline(input.invitation.space_id)
    },
    onSuccess: (_void, input) => {
      setAnswered({ name: input.invitation.space_name, accept: input.accept })
      headingRef.current?.focus()
      return queryClient.invalidateQueries({ queryKey: SPACES_KEY })
    },
  })
  const list = invitations.data ?? []
  return (
    <section className="card" aria-labelledby="invitations-title">
      <h2 id="invitations-title" ref={headingRef} tabIndex={-1}>
        Invitations
      </h2>
      {invitations.isPending ? <Loading label="Loading invitations…" /> : null}
      <FormError message={invitations.error ? describeError(invitations.error) : null} />
      <FormError message={answer.error ? describeError(answer.error) : null} />
      {answered ? (
        <Notice
          message={
            answered.accept
              ? `You joined ${answered.name}. Its documents now reach your answers.`
              : `You declined the invitation to ${answered.name}.`
          }
        />
      ) : null}
      {invitations.isSuccess && list.length === 0 ? <p className="muted">No invitations waiting.</p> : null}
      <ul className="invitation-list">
        {list.map((invitation) => (
          <InvitationItem
            key={invitation.space_id}
            invitation={invitation}
            busy={answer.isPending && answer.variables?.invitation === invitation}
            onAnswer={(accept) => answer.mutate({ invitation, accept })}
          />
        ))}
      </ul>
    </section>
  )
}

function InvitationItem({
  invitation,
  busy,
  onAnswer,
}: {
  invitation: Invitation
  busy: boolean
  onAnswer: (accept: boolean) => void
}) {
  const id = useId()
  return (
    <li className="invitation-item" aria-labelledby={`${id}-name`}>
      <div className="invitation-info">
        <p className="invitation-name" id={`${id}-name`}>
          {invitation.space_name}
        </p>
        <p className="muted invitation-details">
          <span>As {ROLE_WORDS[invitation.role].toLowerCase()}</span>
          {invitation.invited_by ? <span>Invited by {invitation.invited_by}</span> : null}
          <span>{formatDate(invitation.created_at)}</span>
        </p>
      </div>
      <div className="invitation-actions">
        <button
          type="button"
          className="button button-primary"
          onClick={() => onAnswer(true)}
          disabled={busy}
        >
          Accept
        </button>
        <button type="button" className="button" onClick={() => onAnswer(false)} disabled={busy}>
          Decline
        </button>
      </div>
    </li>
  )
}

function SpaceList() {
  const spaces = useSpaces()
  const list = sortSpaces(spaces.data ?? [])
  return (
    <section className="card" aria-labelledby="your-spaces-title">
      <h2 id="your-spaces-title">Your spaces</h2>
      {spaces.isPending ? <Loading label="Loading spaces…" /> : null}
      <FormError message={spaces.error ? describeError(spaces.error) : null} />
      <ul className="space-list">
        {list.map((space) => (
          <SpaceItem key={space.id} space={space} />
        ))}
      </ul>
    </section>
  )
}

function SpaceItem({ space }: { space: Space }) {
  const id = useId()
  return (
    <li className="space-item" aria-labelledby={`${id}-name`}>
      <Link id={`${id}-name`} to={spaceHref(space)} className="space-name">
        {space.name}
      </Link>
      {space.description ? <p className="space-item-description">{space.description}</p> : null}
      <p className="muted space-details">
        <span>{KIND_WORDS[space.kind]}</span>
        <span>{ROLE_WORDS[space.role]}</span>
        {space.kind === 'team' && space.visibility === 'everyone' ? <span>Visible to everyone</span> : null}
        <span>{documentCount(space.documents)}</span>
      </p>
    </li>
  )
}
