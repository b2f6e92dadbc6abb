import { useQuery, useQueryClient } from '@tanstack/react-query'
import { type ReactNode, useEffect } from 'react'
import { Link } from 'react-router'
import { AuthLayout } from '../components/auth-layout'
import { Notice } from '../components/form-error'
import { SendAgain } from '../components/send-again'
import { Loading } from '../components/spinner'
import { api } from '../lib/api'
import { ApiError } from '../lib/api-error'
import { refreshUser, useAuth } from '../lib/auth'
import { describeError } from '../lib/error-messages'
import { useDocumentTitle } from '../lib/use-document-title'
import { useFragmentToken } from '../lib/use-fragment-token'

/**
 * Posts a link's one-time token once. A query rather than a mutation: React's StrictMode mounts
 * twice, and a second post of the same token would answer `invalid_token` and hide the first
 * one's success; the query cache runs it once per token and page load.
 */
function useTokenPost(kind: string, token: string | null, post: (input: { token: string }) => Promise<void>) {
  const queryClient = useQueryClient()
  const query = useQuery({
    queryKey: ['link-token', kind, token],
    queryFn: async () => {
      await post({ token: token ?? '' })
      return true
    },
    enabled: token !== null,
    retry: false,
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: Number.POSITIVE_INFINITY,
  })
  // The signed-in user (if any) just changed: verified, or a new address.
  useEffect(() => {
    if (query.isSuccess) void refreshUser(queryClient)
  }, [query.isSuccess, queryClient])
  return query
}

function isBadToken(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'invalid_token'
}

/** `/verify-email#token=…` (docs/api.md §12): confirms the address, or explains the link. */
export function VerifyEmailPage() {
  useDocumentTitle('Verify email')
  const token = useFragmentToken()
  const auth = useAuth()
  const signedIn = auth.status === 'signed-in'
  const verify = useTokenPost('verify-email', token, api.verifyEmail)

  if (verify.isSuccess) {
    return (
      <AuthLayout title="Email verified" subtitle="Thank you: your email address is confirmed.">
        <Notice message="Your email address is verified." />
        <ContinueLink signedIn={signedIn} />
      </AuthLayout>
    )
  }
  if (token && verify.isPending) {
    return (
      <AuthLayout title="Verify email" subtitle="One moment…">
        <Loading label="Verifying your email…" />
      </AuthLayout>
    )
  }
  const subtitle = !token
    ? 'This link is incomplete: open it from the email again, or copy all of it into the address bar.'
    : isBadToken(verify.error)
      ? 'This verification link has expired or was already used. A link works once, for 24 hours, and a newer one replaces it.'
      : describeError(verify.error)
  return (
    <AuthLayout title="This link does not work" subtitle={subtitle}>
      {signedIn ? (
        <SendAgain />
      ) : (
        <p>
          <Link to={`/sign-in?next=${encodeURIComponent('/account')}`}>Sign in</Link> to get a new link, or to
          check whether your email is verified already.
        </p>
      )}
      {signedIn ? <ContinueLink signedIn /> : null}
    </AuthLayout>
  )
}

function ContinueLink({ signedIn }: { signedIn: boolean }): ReactNode {
  return (
    <p className="auth-switch">
      {signedIn ? <Link to="/chat">Continue to chat</Link> : <Link to="/sign-in">Sign in</Link>}
    </p>
  )
}

/** `/confirm-email#token=…` (docs/api.md §12): makes a requested change of email address. */
export function ConfirmEmailPage() {
  useDocumentTitle('Confirm new email')
  const token = useFragmentToken()
  const auth = useAuth()
  const signedIn = auth.status === 'signed-in'
  const confirm = useTokenPost('change-email', token, api.confirmEmailChange)

  if (confirm.isSuccess) {
    return (
      <AuthLayout title="Email changed" subtitle="Your account now uses the new address.">
        <Notice message="Your new email address is confirmed. Sign in with it from now on." />
        <ContinueLink signedIn={signedIn} />
      </AuthLayout>
    )
  }
  if (token && confirm.isPending) {
    return (
      <AuthLayout title="Confirm new email" subtitle="One moment…">
        <Loading label="Confirming your new email…" />
      </AuthLayout>
    )
  }
  const error = confirm.error
  const subtitle = !token
    ? 'This link is incomplete: open it from the email again, or copy all of it into the address bar.'
    : isBadToken(error)
      ? 'This confirmation link has expired or was already used. A link works once, for 24 hours.'
      : error instanceof ApiError && error.code === 'email_taken'
        ? 'Another account has taken that address in the meantime, so your email was not changed.'
        : describeError(error)
  return (
    <AuthLayout title="Email not changed" subtitle={subtitle}>
      <p>
        {signedIn ? (
          <>
            Ask for the change again on your <Link to="/account">account page</Link>.
          </>
        ) : (
          <>
            <Link to={`/sign-in?next=${encodeURIComponent('/account')}`}>Sign in</Link> and ask for the change
            again on your account page.
          </>
        )}
      </p>
    </AuthLayout>
  )
}
