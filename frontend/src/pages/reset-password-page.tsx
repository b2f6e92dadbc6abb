import { useMutation, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { Link, useNavigate } from 'react-router'
import { AuthLayout } from '../components/auth-layout'
import { FormError } from '../components/form-error'
import { AuthSubmitButton } from '../components/submit-button'
import { TextField } from '../components/text-field'
import { api } from '../lib/api'
import { ApiError } from '../lib/api-error'
import { ME_KEY } from '../lib/auth'
import { useAuthOptions } from '../lib/auth-options'
import { formErrors } from '../lib/error-messages'
import { writeSessionHint } from '../lib/session-hint'
import { useDocumentTitle } from '../lib/use-document-title'
import { useFragmentToken } from '../lib/use-fragment-token'

/** `weak_password` and validation paths named `password` are about the new password here. */
const ALIASES = { password: 'new_password' }

export const PASSWORD_SET_NOTICE = 'Your new password is set. Sign in with it.'

/**
 * `/reset-password#token=…` (docs/api.md §12): the token comes from the fragment and goes to the
 * API in the body. Success is 204 and ends every session of the account, this browser's too, so
 * the next step is signing in with the new password.
 */
export function ResetPasswordPage() {
  useDocumentTitle('Set a new password')
  const token = useFragmentToken()
  // A new link opened in this tab starts over (its own form, no error of the old one).
  return <ResetPasswordForm key={token ?? ''} token={token} />
}

function ResetPasswordForm({ token }: { token: string | null }) {
  const navigate = useNavigate()
  const queryClient = useQueryClient()
  const [password, setPassword] = useState('')
  const confirm = useMutation({
    mutationFn: api.confirmPasswordReset,
    onSuccess: () => {
      writeSessionHint('out')
      queryClient.setQueryData(ME_KEY, null)
      navigate('/sign-in', { replace: true, state: { notice: PASSWORD_SET_NOTICE } })
    },
  })
  const badLink = !token || (confirm.error instanceof ApiError && confirm.error.code === 'invalid_token')
  if (badLink) return <BadResetLink missing={!token} />

  const errors = confirm.error ? formErrors(confirm.error, ALIASES) : { fields: {}, form: null }
  const onSubmit = (event: FormEvent) => {
    event.preventDefault()
    confirm.mutate({ token, new_password: password })
  }
  return (
    <AuthLayout
      title="Set a new password"
      subtitle="Choose a new password. Every device signed in to your account will be signed out."
    >
      <form className="form" onSubmit={onSubmit} noValidate>
        <TextField
          label="New password"
          name="new_password"
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={errors.fields.new_password}
          hint="At least 8 characters; common passwords are refused."
          autoFocus
        />
        <FormError message={errors.form} />
        <AuthSubmitButton pending={confirm.isPending}>Set password</AuthSubmitButton>
      </form>
    </AuthLayout>
  )
}

function BadResetLink({ missing }: { missing: boolean }) {
  const options = useAuthOptions()
  return (
    <AuthLayout
      title="This link does not work"
      subtitle={
        missing
          ? 'The link is incomplete: open it from the email again, or copy all of it into the address bar.'
          : 'This password reset link has expired or was already used. A link works once and for a limited time (30 minutes when it was emailed; an administrator says until when theirs works), and a newer one replaces it.'
      }
    >
      <p role="alert">
        {options?.password_reset === false ? (
          'Ask an administrator for a new reset link.'
        ) : (
          <>
            <Link to="/forgot-password">Request a new link</Link>, or ask an administrator for one.
          </>
        )}
      </p>
      <p className="auth-switch">
        <Link to="/sign-in">Back to sign in</Link>
      </p>
    </AuthLayout>
  )
}
