import { useMutation } from '@tanstack/react-query'
import { type FormEvent, useEffect, useState } from 'react'
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router'
import { AuthLayout } from '../components/auth-layout'
import { FormError, Notice } from '../components/form-error'
import { TextField } from '../components/text-field'
import { preloadSignedInPages } from '../lazy-pages'
import { api } from '../lib/api'
import { useAuth, useSignedIn } from '../lib/auth'
import { formErrors } from '../lib/error-messages'
import { readSessionHint, safeNextPath } from '../lib/session-hint'

export function SignInPage() {
  const auth = useAuth()
  const [params] = useSearchParams()
  const next = safeNextPath(params.get('next'))
  const navigate = useNavigate()
  const signedIn = useSignedIn()
  useEffect(preloadSignedInPages, [])
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [expired] = useState(() => readSessionHint() === 'expired')
  const signIn = useMutation({
    mutationFn: api.signIn,
    onSuccess: (result) => {
      signedIn(result.user)
      navigate(next, { replace: true })
    },
  })

  if (auth.status === 'signed-in' && !signIn.isPending) return <Navigate to={next} replace />

  const errors = signIn.error ? formErrors(signIn.error) : { fields: {}, form: null }
  const onSubmit = (event: FormEvent) => {
    event.preventDefault()
    signIn.mutate({ email: email.trim(), password })
  }
  const signUpHref = params.get('next') ? `/sign-up?next=${encodeURIComponent(next)}` : '/sign-up'

  return (
    <AuthLayout title="Sign in" subtitle="Ask questions about your documents and get answers with sources.">
      {expired && !signIn.error ? <Notice message="Your session has ended. Please sign in again." /> : null}
      <form className="form" onSubmit={onSubmit} noValidate>
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="username"
          inputMode="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={errors.fields.email}
          autoFocus
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={errors.fields.password}
        />
        <FormError message={errors.form} />
        <button
          type="submit"
          className="button button-primary button-block"
          disabled={signIn.isPending}
          aria-busy={signIn.isPending}
        >
          Sign in
        </button>
      </form>
      <p className="auth-switch">
        New here? <Link to={signUpHref}>Create an account</Link>
      </p>
    </AuthLayout>
  )
}
