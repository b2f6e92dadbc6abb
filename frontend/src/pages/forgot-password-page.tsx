import { useMutation } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { Link } from 'react-router'
import { AuthLayout } from '../components/auth-layout'
import { EmailField } from '../components/email-field'
import { FormError, Notice } from '../components/form-error'
import { AuthSubmitButton } from '../components/submit-button'
import { api } from '../lib/api'
import { ApiError } from '../lib/api-error'
import { useAuthOptions } from '../lib/auth-options'
import { formErrors } from '../lib/error-messages'
import { useDocumentTitle } from '../lib/use-document-title'

/**
 * `/forgot-password` (docs/api.md §9, §12). The server answers 202 whether or not the address has
 * an account, and so does this page: one neutral sentence, never "no such account".
 */
export function ForgotPasswordPage() {
  useDocumentTitle('Forgot password')
  const options = useAuthOptions()
  const [email, setEmail] = useState('')
  const [sentTo, setSentTo] = useState<string | null>(null)
  const send = useMutation({
    mutationFn: api.requestPasswordReset,
    onSuccess: (_, input) => setSentTo(input.email),
  })
  const unavailable =
    options?.password_reset === false ||
    (send.error instanceof ApiError && send.error.code === 'email_unavailable')
  const errors = send.error && !unavailable ? formErrors(send.error) : { fields: {}, form: null }
  const onSubmit = (event: FormEvent) => {
    event.preventDefault()
    setSentTo(null)
    send.mutate({ email: email.trim() })
  }

  if (unavailable) {
    return (
      <AuthLayout title="Forgot password" subtitle="Password reset by email is not set up on this server.">
        <p>Ask an administrator for a reset link: they can make one for your account.</p>
        <p className="auth-switch">
          <Link to="/sign-in">Back to sign in</Link>
        </p>
      </AuthLayout>
    )
  }

  return (
    <AuthLayout
      title="Forgot password"
      subtitle="Enter your email and we will send you a link to set a new password."
    >
      <form className="form" onSubmit={onSubmit} noValidate>
        <EmailField
          autoFocus
          autoComplete="username"
          value={email}
          onChange={setEmail}
          error={errors.fields.email}
        />
        <FormError message={errors.form} />
        {sentTo ? (
          <Notice
            message={`If an account exists for ${sentTo}, we have sent it a link to reset the password. The link works for 30 minutes; check your spam folder if it does not arrive.`}
          />
        ) : null}
        <AuthSubmitButton pending={send.isPending}>Send reset link</AuthSubmitButton>
      </form>
      <p className="auth-switch">
        Remembered it? <Link to="/sign-in">Sign in</Link>
      </p>
    </AuthLayout>
  )
}
