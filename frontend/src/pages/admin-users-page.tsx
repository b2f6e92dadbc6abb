import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query'
import { useId, useState } from 'react'
import { Link } from 'react-router'
import { AdminPage } from '../components/admin-page'
import { FormError } from '../components/form-error'
import { LoadMore } from '../components/load-more'
import { Loading } from '../components/spinner'
import { api } from '../lib/api'
import { describeError } from '../lib/error-messages'
import { formatDate, timeAgo } from '../lib/format'
import type { AdminUser, User } from '../lib/types'
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
  return (
    <div className="page admin-page">
      <h1>Users</h1>
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
          <UserItem key={u.id} item={u} self={u.id === user.id} />
        ))}
      </ul>
      <LoadMore list={list} />
    </div>
  )
}

function UserItem({ item, self }: { item: AdminUser; self: boolean }) {
  const queryClient = useQueryClient()
  const [confirming, setConfirming] = useState(false)
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
  const remove = useMutation({ mutationFn: () => api.deleteUser(item.id), onSuccess: refresh })
  const error = update.error ?? signOut.error ?? remove.error
  const busy = update.isPending || signOut.isPending || remove.isPending
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
          <button
            type="button"
            className="button button-quiet"
            disabled={busy}
            onClick={() => update.mutate({ role: item.role === 'admin' ? 'user' : 'admin' })}
          >
            {item.role === 'admin' ? 'Remove admin' : 'Make admin'}
          </button>
          <button
            type="button"
            className="button button-quiet"
            disabled={busy}
            onClick={() => update.mutate({ disabled: !item.disabled })}
          >
            {item.disabled ? 'Enable' : 'Disable'}
          </button>
          <button
            type="button"
            className="button button-quiet"
            disabled={busy}
            onClick={() => signOut.mutate()}
          >
            Sign out
          </button>
          {confirming ? (
            <>
              <button
                type="button"
                className="button button-danger"
                disabled={busy}
                onClick={() => remove.mutate()}
              >
                Confirm delete
              </button>
              <button type="button" className="button button-quiet" onClick={() => setConfirming(false)}>
                Cancel
              </button>
            </>
          ) : (
            <button
              type="button"
              className="button button-danger"
              disabled={busy}
              onClick={() => setConfirming(true)}
            >
              Delete
            </button>
          )}
        </div>
      )}
      {confirming ? (
        <p className="muted">
          Deleting removes the account, its sessions, conversations and personal documents.
        </p>
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
