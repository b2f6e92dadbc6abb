import { useMutation } from '@tanstack/react-query'
import { type FormEvent, useEffect, useState } from 'react'
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router'
import { AuthLayout } from '../components/auth-layout'
import { EmailField } from '../components/email-field'
import { FormError } from '../components/form-error'
import { AuthSubmitButton } from '../components/submit-button'
import { TextField } from '../components/text-field'
import { preloadSignedInPages } from '../lazy-pages'
import { api } from '../lib/api'
import { useAuth, useSignedIn } from '../lib/auth'
import { useAuthOptions } from '../lib/auth-options'
import { formErrors } from '../lib/error-messages'
import { safeNextPath } from '../lib/session-hint'

export function SignUpPage() {
  const auth = useAuth()
  const [params] = useSearchParams()
  const next = safeNextPath(params.get('next'))
  const navigate = useNavigate()
  const signedIn = useSignedIn()
  const options = useAuthOptions()
  useEffect(preloadSignedInPages, [])
  const [name, setName] = useState('')
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const register = useMutation({
    mutationFn: api.register,
    onSuccess: (result) => {
      signedIn(result.user)
      navigate(next, { replace: true })
    },
  })

  if (auth.status === 'signed-in' && !register.isPending) return <Navigate to={next} replace />

  const errors = register.error ? formErrors(register.error) : { fields: {}, form: null }
  const onSubmit = (event: FormEvent) => {
    event.preventDefault()
    const trimmed = name.trim()
    register.mutate({ email: email.trim(), password, ...(trimmed ? { name: trimmed } : {}) })
  }
  const signInHref = params.get('next') ? `/sign-in?next=${encodeURIComponent(next)}` : '/sign-in'

  // SIGNUP=closed (docs/api.md §3): say so up front instead of a form that can only answer 403.
  if (options?.signup === 'closed') {
    return (
      <AuthLayout
        title="Sign-up is closed"
        subtitle="Accounts on this server are created by an administrator."
      >
        <p className="auth-switch">
          Already have an account? <Link to={signInHref}>Sign in</Link>
        </p>
      </AuthLayout>
    )
  }

  return (
    <AuthLayout
      title="Create your account"
      subtitle="It takes ten seconds. You will be signed in right away."
    >
      <form className="form" onSubmit={onSubmit} noValidate>
        <TextField
          label="Name"
          name="name"
          autoComplete="name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={errors.fields.name}
          hint="Optional."
          autoFocus
        />
        <EmailField autoComplete="email" value={email} onChange={setEmail} error={errors.fields.email} />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={errors.fields.password}
          hint="At least 8 characters; common passwords are refused."
        />
        <FormError message={errors.form} />
        <AuthSubmitButton pending={register.isPending}>Create account</AuthSubmitButton>
      </form>
      <p className="auth-switch">
        Already have an account? <Link to={signInHref}>Sign in</Link>
      </p>
    </AuthLayout>
  )
}
