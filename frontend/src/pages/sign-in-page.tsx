import { useMutation } from '@tanstack/react-query'
import { type FormEvent, useEffect, useRef, useState } from 'react'
import { Link, Navigate, useLocation, useNavigate, useSearchParams } from 'react-router'
import { AuthLayout } from '../components/auth-layout'
import { EmailField } from '../components/email-field'
import { FormError, Notice } from '../components/form-error'
import { AuthSubmitButton } from '../components/submit-button'
import { TextField } from '../components/text-field'
import { preloadSignedInPages } from '../lazy-pages'
import { api } from '../lib/api'
import { ApiError } from '../lib/api-error'
import { useAuth, useSignedIn } from '../lib/auth'
import { useAuthOptions } from '../lib/auth-options'
import { formErrors } from '../lib/error-messages'
import { readSessionHint, safeNextPath } from '../lib/session-hint'
import type { AuthResult } from '../lib/types'

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
  const options = useAuthOptions()
  // Set by a page that sends people here, e.g. /reset-password after a new password is set.
  const { state } = useLocation()
  const arrivalNotice =
    state && typeof state === 'object' && typeof (state as { notice?: unknown }).notice === 'string'
      ? (state as { notice: string }).notice
      : null
  const [challenge, setChallenge] = useState<string | null>(null)
  const finish = (result: AuthResult) => {
    signedIn(result.user)
    navigate(next, { replace: true })
  }
  const signIn = useMutation({
    mutationFn: api.signIn,
    onSuccess: (result) => {
      if ('mfa_required' in result) setChallenge(result.challenge)
      else finish(result)
    },
  })

  if (auth.status === 'signed-in' && !signIn.isPending) return <Navigate to={next} replace />
  if (challenge) {
    return (
      <SecondStep
        challenge={challenge}
        onDone={finish}
        onRestart={() => {
          setChallenge(null)
          setPassword('')
          signIn.reset()
        }}
      />
    )
  }

  const errors = signIn.error ? formErrors(signIn.error) : { fields: {}, form: null }
  const onSubmit = (event: FormEvent) => {
    event.preventDefault()
    signIn.mutate({ email: email.trim(), password })
  }
  const signUpHref = params.get('next') ? `/sign-up?next=${encodeURIComponent(next)}` : '/sign-up'

  return (
    <AuthLayout title="Sign in" subtitle="Ask questions about your documents and get answers with sources.">
      {arrivalNotice && !signIn.error ? <Notice message={arrivalNotice} /> : null}
      {expired && !arrivalNotice && !signIn.error ? (
        <Notice message="Your session has ended. Please sign in again." />
      ) : null}
      <form className="form" onSubmit={onSubmit} noValidate>
        <EmailField
          autoFocus
          autoComplete="username"
          value={email}
          onChange={setEmail}
          error={errors.fields.email}
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
        {options?.password_reset ? (
          <p className="forgot-password">
            <Link to="/forgot-password">Forgot password?</Link>
          </p>
        ) : null}
        <FormError message={errors.form} />
        <AuthSubmitButton pending={signIn.isPending}>Sign in</AuthSubmitButton>
      </form>
      {options?.signup === 'closed' ? (
        <p className="auth-switch">New here? Accounts on this server are created by an administrator.</p>
      ) : (
        <p className="auth-switch">
          New here? <Link to={signUpHref}>Create an account</Link>
        </p>
      )}
    </AuthLayout>
  )
}

/** The second sign-in step (docs/api.md §13): a code from the app, or a recovery code. */
function SecondStep({
  challenge,
  onDone,
  onRestart,
}: {
  challenge: string
  onDone: (result: AuthResult) => void
  onRestart: () => void
}) {
  const [code, setCode] = useState('')
  const [recovery, setRecovery] = useState(false)
  // Switching between an app code and a recovery code: what comes next is typing it.
  const codeRef = useRef<HTMLInputElement>(null)
  const verify = useMutation({ mutationFn: api.signInMfa, onSuccess: onDone })
  const expired = verify.error instanceof ApiError && verify.error.code === 'invalid_challenge'
  const errors = verify.error && !expired ? formErrors(verify.error) : { fields: {}, form: null }
  const onSubmit = (event: FormEvent) => {
    event.preventDefault()
    verify.mutate({ challenge, code: code.trim() })
  }
  return (
    <AuthLayout
      title="Two-factor sign-in"
      subtitle={
        recovery
          ? 'Enter one of your recovery codes. Each works once.'
          : 'Enter the 6-digit code from your authenticator app.'
      }
    >
      {expired ? (
        <>
          <FormError message="This sign-in has expired or had too many tries. Please sign in again." />
          <button type="button" className="button button-primary button-block" onClick={onRestart}>
            Sign in again
          </button>
        </>
      ) : (
        <form className="form" onSubmit={onSubmit} noValidate>
          <TextField
            ref={codeRef}
            label="Code"
            name="code"
            autoComplete="one-time-code"
            inputMode={recovery ? 'text' : 'numeric'}
            value={code}
            onChange={(e) => setCode(e.target.value)}
            error={errors.fields.code}
            autoFocus
          />
          <FormError message={errors.form} />
          <AuthSubmitButton pending={verify.isPending}>Verify</AuthSubmitButton>
        </form>
      )}
      <p className="auth-switch">
        <button
          type="button"
          className="link-button"
          onClick={() => {
            setRecovery(!recovery)
            setCode('')
            verify.reset()
            codeRef.current?.focus()
          }}
        >
          {recovery ? 'Use a code from your app' : 'Use a recovery code'}
        </button>
      </p>
      <p className="auth-switch">
        {/* Another account, or a mistyped address: the first step again, the email kept. */}
        <button type="button" className="link-button" onClick={onRestart}>
          Back
        </button>
      </p>
    </AuthLayout>
  )
}
