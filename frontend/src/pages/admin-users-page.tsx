import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, type ReactNode, type RefObject, useId, useRef, useState } from 'react'
import { Link } from 'react-router'
import { AdminPage } from '../components/admin-page'
import { ConfirmAction } from '../components/confirm-action'
import { EmailField } from '../components/email-field'
import { FormError } from '../components/form-error'
import { LoadMore } from '../components/load-more'
import { ResetLinkBox } from '../components/reset-link-box'
import { Loading } from '../components/spinner'
import { SubmitButton } from '../components/submit-button'
import { TextField } from '../components/text-field'
import { api } from '../lib/api'
import { describeError, formErrors } from '../lib/error-messages'
import { formatDate, timeAgo } from '../lib/format'
import type { AdminUser, CreatedUser, Role, User } from '../lib/types'
import { useDocumentTitle } from '../lib/use-document-title'

const USERS_KEY = 'admin-users'

export function AdminUsersPage() {
  return (
    <AdminPage title="Users" refusal="Only administrators can manage users.">
      {(user) => <AdminUsersView user={user} />}
    </AdminPage>
  )
}

function AdminUsersView({ user }: { user: User }) {
  useDocumentTitle('Users')
  const searchId = useId()
  const [search, setSearch] = useState('')
  const list = useInfiniteQuery({
    queryKey: [USERS_KEY, search],
    queryFn: ({ pageParam }) => api.adminUsers(search.trim(), pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  })
  const users = list.data?.pages.flatMap((page) => page.users) ?? []
  // A deleted user's item takes the focused button with it: focus goes to the page's heading.
  const headingRef = useRef<HTMLHeadingElement>(null)
  return (
    <div className="page admin-page">
      <h1 ref={headingRef} tabIndex={-1}>
        Users
      </h1>
      <p className="muted">
        Disabling an account or signing it out ends its sessions at once. Every action here is recorded in the{' '}
        <Link to="/admin/audit">audit log</Link>.
      </p>
      <div className="field">
        <label htmlFor={searchId}>Search users</label>
        <input
          id={searchId}
          type="search"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          placeholder="Email or name"
          autoComplete="off"
        />
      </div>
      {list.isPending ? <Loading label="Loading users…" /> : null}
      <FormError message={list.error ? describeError(list.error) : null} />
      {list.isSuccess && users.length === 0 ? <p className="muted">No users match.</p> : null}
      <ul className="user-list" aria-label="Users">
        {users.map((u) => (
          <UserItem key={u.id} item={u} self={u.id === user.id} headingRef={headingRef} />
        ))}
      </ul>
      <LoadMore list={list} />
      <CreateUserSection />
    </div>
  )
}

function UserItem({
  item,
  self,
  headingRef,
}: {
  item: AdminUser
  self: boolean
  headingRef: RefObject<HTMLHeadingElement | null>
}) {
  const queryClient = useQueryClient()
  // A deleted user's Delete, or Mark verified once done, takes focus away: it moves on to Delete.
  const deleteRef = useRef<HTMLButtonElement>(null)
  // The link's Done takes the focused button away: focus goes back to Reset link.
  const resetLinkRef = useRef<HTMLButtonElement>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const refresh = () => queryClient.invalidateQueries({ queryKey: [USERS_KEY] })
  const update = useMutation({
    mutationFn: (patch: Parameters<typeof api.updateUser>[1]) => api.updateUser(item.id, patch),
    onSuccess: refresh,
  })
  const signOut = useMutation({
    mutationFn: () => api.signOutUser(item.id),
    onSuccess: () => setNotice('Signed out of every session.'),
  })
  const remove = useMutation({
    mutationFn: () => api.deleteUser(item.id),
    onSuccess: () => {
      headingRef.current?.focus()
      return refresh()
    },
  })
  const resetLink = useMutation({ mutationFn: () => api.resetLink(item.id) })
  const verify = useMutation({
    mutationFn: () => api.verifyUser(item.id),
    onSuccess: () => {
      setNotice('Email marked as verified.')
      // Mark verified goes away with the focus it had: focus moves on to the next button.
      deleteRef.current?.focus()
      return refresh()
    },
  })
  const error = update.error ?? signOut.error ?? remove.error ?? resetLink.error ?? verify.error
  // Each action starts clean: the notice or error of an earlier one (say a refused Reset link) is
  // not left beside the next one's result, as if it were about it. A reset link shown stays.
  const act = (run: () => void) => () => {
    setNotice(null)
    for (const m of [update, signOut, remove, resetLink, verify]) if (m.isError) m.reset()
    run()
  }
  const busy =
    update.isPending || signOut.isPending || remove.isPending || resetLink.isPending || verify.isPending
  return (
    <li className="card user-item" aria-label={item.email}>
      <p className="user-head">
        <strong>{item.name || item.email}</strong>
        {item.name ? <span className="muted"> {item.email}</span> : null}
        {item.role === 'admin' ? <span className="badge">Administrator</span> : null}
        {item.disabled ? <span className="badge">Disabled</span> : null}
        {self ? <span className="badge">You</span> : null}
      </p>
      <p className="muted user-details">
        <span>Joined {formatDate(item.created_at)}</span>
        <span>
          {item.last_sign_in_at ? `Last sign-in ${timeAgo(item.last_sign_in_at)}` : 'Never signed in'}
        </span>
        <span>{item.email_verified ? 'Email verified' : 'Email not verified'}</span>
        {item.mfa_enabled ? <span>Two-factor on</span> : null}
      </p>
      {self ? (
        <p className="muted">You cannot change your own role or account here.</p>
      ) : (
        <div className="user-actions">
          {/* Role and Disable ask first as Delete does: one stray click must not hand out, or
              take away, an administrator's rights or someone's access. Enable does not. */}
          <ConfirmAction
            label={item.role === 'admin' ? 'Remove admin' : 'Make admin'}
            confirmLabel={item.role === 'admin' ? 'Confirm remove admin' : 'Confirm make admin'}
            question={
              item.role === 'admin'
                ? 'Remove administrator rights from this account?'
                : 'Make this account an administrator? It can then manage every user and the shared library.'
            }
            busy={busy}
            onConfirm={act(() => update.mutate({ role: item.role === 'admin' ? 'user' : 'admin' }))}
          />
          <ConfirmAction
            label={item.disabled ? 'Enable' : 'Disable'}
            confirmLabel="Confirm disable"
            question="Disable this account? Its sessions end at once."
            ask={!item.disabled}
            busy={busy}
            onConfirm={act(() => update.mutate({ disabled: !item.disabled }))}
          />
          <UserAction busy={busy} onClick={act(() => signOut.mutate())}>
            Sign out
          </UserAction>
          <UserAction busy={busy} onClick={act(() => resetLink.mutate())} buttonRef={resetLinkRef}>
            Reset link
          </UserAction>
          {item.email_verified ? null : (
            <UserAction busy={busy} onClick={act(() => verify.mutate())}>
              Mark verified
            </UserAction>
          )}
          <ConfirmAction
            label="Delete"
            confirmLabel="Confirm delete"
            question="Delete the account, its sessions, conversations and personal documents?"
            className="button button-danger"
            busy={busy}
            onConfirm={act(() => remove.mutate())}
            buttonRef={deleteRef}
          />
        </div>
      )}
      {resetLink.data ? (
        <ResetLinkBox
          link={resetLink.data}
          who={item.email}
          onDone={() => {
            resetLinkRef.current?.focus()
            resetLink.reset()
          }}
        />
      ) : null}
      {notice ? (
        <p className="muted" role="status">
          {notice}
        </p>
      ) : null}
      <FormError message={error ? describeError(error) : null} />
    </li>
  )
}

/**
 * One of a user's action buttons: all of them wait while any action on that user runs. They stay
 * focusable (`aria-disabled`, not `disabled`): a focused button that becomes `disabled` drops
 * keyboard focus to the page's start, so every Make admin or Disable lost the admin's place.
 */
function UserAction({
  busy,
  danger = false,
  onClick,
  buttonRef,
  children,
}: {
  busy: boolean
  danger?: boolean
  onClick: () => void
  buttonRef?: RefObject<HTMLButtonElement | null>
  children: ReactNode
}) {
  return (
    <button
      ref={buttonRef}
      type="button"
      className={danger ? 'button button-danger' : 'button button-quiet'}
      aria-disabled={busy || undefined}
      onClick={() => {
        if (!busy) onClick()
      }}
    >
      {children}
    </button>
  )
}

/**
 * "Create user" (docs/api.md §14): the account has no password yet; the answer's one-time link
 * lets the person set one, so a server without sign-up or email can still take people in.
 */
function CreateUserSection() {
  const queryClient = useQueryClient()
  const roleId = useId()
  const [email, setEmail] = useState('')
  const [name, setName] = useState('')
  const [role, setRole] = useState<Role>('user')
  const [created, setCreated] = useState<CreatedUser | null>(null)
  // The link's Done takes the focused button away: focus goes to the section's heading.
  const headingRef = useRef<HTMLHeadingElement>(null)
  const create = useMutation({
    mutationFn: api.createUser,
    onSuccess: (user) => {
      setCreated(user)
      setEmail('')
      setName('')
      setRole('user')
      void queryClient.invalidateQueries({ queryKey: [USERS_KEY] })
    },
  })
  const errors = create.error ? formErrors(create.error) : { fields: {}, form: null }
  const onSubmit = (event: FormEvent) => {
    event.preventDefault()
    setCreated(null)
    const trimmedName = name.trim()
    create.mutate({ email: email.trim(), role, ...(trimmedName ? { name: trimmedName } : {}) })
  }
  return (
    <section className="card" aria-labelledby="create-user-title">
      <h2 id="create-user-title" ref={headingRef} tabIndex={-1}>
        Create user
      </h2>
      <p className="muted">
        The account is made without a password: hand the person the link shown next, which lets them set one.
      </p>
      {created ? (
        <ResetLinkBox
          link={created.reset_link}
          who={created.email}
          onDone={() => {
            headingRef.current?.focus()
            setCreated(null)
          }}
        />
      ) : null}
      <form className="form" onSubmit={onSubmit} noValidate>
        <EmailField autoComplete="off" value={email} onChange={setEmail} error={errors.fields.email} />
        <TextField
          label="Name"
          name="name"
          autoComplete="off"
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={errors.fields.name}
          hint="Optional."
        />
        <div className="field">
          <label htmlFor={roleId}>Role</label>
          <select id={roleId} value={role} onChange={(e) => setRole(e.target.value as Role)}>
            <option value="user">Member</option>
            <option value="admin">Administrator</option>
          </select>
        </div>
        <FormError message={errors.form} />
        <SubmitButton pending={create.isPending}>Create user</SubmitButton>
      </form>
    </section>
  )
}
