import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useRef } from 'react'
import { ApiKeysSection } from '../components/api-keys-section'
import { AppShell } from '../components/app-shell'
import { detailsText, EventWhereWhen, eventWords } from '../components/audit-event'
import { ChangeEmailSection } from '../components/change-email-section'
import { ChangePasswordForm } from '../components/change-password-form'
import { DeleteAccountSection } from '../components/delete-account-section'
import { FormError } from '../components/form-error'
import { LoadMore } from '../components/load-more'
import { RequireAuth } from '../components/require-auth'
import { Loading } from '../components/spinner'
import { TwoFactorSection } from '../components/two-factor-section'
import { api } from '../lib/api'
import { ME_KEY, useSignedOut } from '../lib/auth'
import { describeError } from '../lib/error-messages'
import { describeUserAgent, formatDate, timeAgo } from '../lib/format'
import type { SessionInfo, User } from '../lib/types'
import { useDocumentTitle } from '../lib/use-document-title'

export const SESSIONS_KEY = ['sessions'] as const
const ACTIVITY_KEY = ['activity'] as const
const SIGNED_OUT_EVERYWHERE = 'You are signed out on every device, this one too.'

export function AccountPage() {
  return (
    <RequireAuth>
      {(user) => (
        <AppShell user={user}>
          <AccountView user={user} />
        </AppShell>
      )}
    </RequireAuth>
  )
}

function AccountView({ user }: { user: User }) {
  useDocumentTitle('Account')
  return (
    <div className="page account-page">
      <h1>Account</h1>
      <section className="card" aria-labelledby="profile-title">
        <h2 id="profile-title">Profile</h2>
        <dl className="profile">
          {user.name ? (
            <>
              <dt>Name</dt>
              <dd>{user.name}</dd>
            </>
          ) : null}
          <dt>Email</dt>
          <dd>{user.email}</dd>
          <dt>Role</dt>
          <dd>{user.role === 'admin' ? 'Administrator' : 'Member'}</dd>
          <dt>Member since</dt>
          <dd>{formatDate(user.created_at)}</dd>
        </dl>
      </section>
      <ChangeEmailSection user={user} />
      <SessionsSection />
      <ApiKeysSection />
      <RecentActivitySection />
      <section className="card" aria-labelledby="password-title">
        <h2 id="password-title">Change password</h2>
        <p className="muted">Changing your password signs you out on every other device.</p>
        <ChangePasswordForm />
      </section>
      <TwoFactorSection user={user} />
      <DeleteAccountSection />
    </div>
  )
}

/** The caller's own audit events, so they can spot a sign-in or change that was not theirs. */
function RecentActivitySection() {
  const queryClient = useQueryClient()
  // The page's own buttons make the events listed here (two-factor on, a key created, a session
  // revoked): after each change the list is asked again, so it shows it without a reload. Not after
  // a change that signed this browser out (Sign out everywhere, Delete account): that would be a 401.
  useEffect(
    () =>
      queryClient.getMutationCache().subscribe((event) => {
        if (event.type !== 'updated' || event.action.type !== 'success') return
        if (!queryClient.getQueryData(ME_KEY)) return
        void queryClient.invalidateQueries({ queryKey: ACTIVITY_KEY })
      }),
    [queryClient],
  )
  const activity = useInfiniteQuery({
    queryKey: ACTIVITY_KEY,
    queryFn: ({ pageParam }) => api.activity(pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  })
  const events = activity.data?.pages.flatMap((page) => page.events) ?? []
  return (
    <section className="card" aria-labelledby="activity-title">
      <h2 id="activity-title">Recent activity</h2>
      <p className="muted">
        Sign-ins and changes to your account. Anything you do not recognise: change your password.
      </p>
      {activity.isPending ? <Loading label="Loading activity…" /> : null}
      <FormError message={activity.error ? describeError(activity.error) : null} />
      {activity.isSuccess && events.length === 0 ? <p className="muted">No activity yet.</p> : null}
      <ul className="activity-list">
        {events.map((e) => {
          const details = detailsText(e.details, { ids: false })
          return (
            <li key={e.id}>
              <strong>{eventWords(e.type)}</strong>{' '}
              <EventWhereWhen at={e.at} ip={e.ip_address} userAgent={e.user_agent} />
              {details ? <span className="muted"> · {details}</span> : null}
            </li>
          )
        })}
      </ul>
      <LoadMore list={activity} />
    </section>
  )
}

function SessionsSection() {
  const queryClient = useQueryClient()
  const signedOut = useSignedOut()
  const sessions = useQuery({ queryKey: SESSIONS_KEY, queryFn: api.sessions })
  // A revoked session's item takes the focused Revoke with it: focus goes to the section's heading.
  const headingRef = useRef<HTMLHeadingElement>(null)
  const revoke = useMutation({
    mutationFn: api.revokeSession,
    onSuccess: () => {
      headingRef.current?.focus()
      return queryClient.invalidateQueries({ queryKey: SESSIONS_KEY })
    },
  })
  // /sign-in says it worked: otherwise it looks the same as a session that simply ran out.
  const signOutAll = useMutation({
    mutationFn: api.signOutAll,
    onSuccess: () => signedOut(SIGNED_OUT_EVERYWHERE),
  })
  const list = [...(sessions.data ?? [])].sort((a, b) => Number(b.current) - Number(a.current))
  const others = list.filter((s) => !s.current).length

  return (
    <section className="card" aria-labelledby="sessions-title">
      <h2 id="sessions-title" ref={headingRef} tabIndex={-1}>
        Sessions
      </h2>
      <p className="muted">
        Where you are signed in. Revoke any session you do not recognise; it is signed out at its next
        request.
      </p>
      {sessions.isPending ? <Loading label="Loading sessions…" /> : null}
      <FormError message={sessions.error ? describeError(sessions.error) : null} />
      <FormError message={revoke.error ? describeError(revoke.error) : null} />
      <ul className="session-list">
        {list.map((session) => (
          <SessionItem
            key={session.id}
            session={session}
            onRevoke={() => revoke.mutate(session.id)}
            revoking={revoke.isPending && revoke.variables === session.id}
          />
        ))}
      </ul>
      {sessions.isSuccess && others === 0 ? <p className="muted">No other sessions.</p> : null}
      <FormError message={signOutAll.error ? describeError(signOutAll.error) : null} />
      <button
        type="button"
        className="button button-danger"
        onClick={() => signOutAll.mutate()}
        disabled={signOutAll.isPending}
      >
        Sign out everywhere
      </button>
    </section>
  )
}

function SessionItem({
  session,
  onRevoke,
  revoking,
}: {
  session: SessionInfo
  onRevoke: () => void
  revoking: boolean
}) {
  const device = describeUserAgent(session.user_agent)
  return (
    <li
      className={session.current ? 'session current' : 'session'}
      aria-label={`${device}${session.current ? ' (this device)' : ''}, signed in ${formatDate(session.created_at)}`}
    >
      <div className="session-info">
        <p className="session-device">
          {device}
          {session.current ? <span className="badge">This device</span> : null}
        </p>
        <p className="muted session-details">
          {session.ip_address ? <span>{session.ip_address}</span> : null}
          <span>Signed in {formatDate(session.created_at)}</span>
          <span>Last active {timeAgo(session.last_used_at ?? session.created_at)}</span>
        </p>
      </div>
      {session.current ? null : (
        <button
          type="button"
          className="button button-quiet"
          onClick={onRevoke}
          disabled={revoking}
          title={`Revoke the session on ${device}`}
        >
          Revoke
        </button>
      )}
    </li>
  )
}
