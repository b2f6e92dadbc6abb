import { useMutation, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useRef, useState } from 'react'
import { api } from '../lib/api'
import { ME_KEY } from '../lib/auth'
import { formErrors } from '../lib/error-messages'
import type { TotpSetup, User } from '../lib/types'
import { CurrentPasswordField } from './current-password-field'
import { FormError } from './form-error'
import { RecoveryCodesList } from './recovery-codes'
import { SubmitButton } from './submit-button'
import { TextField } from './text-field'

type Mode = 'idle' | 'setup-password' | 'setup-scan' | 'codes' | 'disable' | 'regenerate'

const NO_ERRORS = { fields: {} as Record<string, string>, form: null as string | null }

/** The account page's "Two-factor sign-in" section (docs/api.md §9, §13): one action at a time. */
export function TwoFactorSection({ user }: { user: User }) {
  const queryClient = useQueryClient()
  const [mode, setMode] = useState<Mode>('idle')
  const [password, setPassword] = useState('')
  const [code, setCode] = useState('')
  const [setup, setSetup] = useState<TotpSetup | null>(null)
  const [codes, setCodes] = useState<string[]>([])
  // Each step replaces the buttons and fields of the last one (the focused one too): back at the
  // start (Cancel, Done, turned off) focus goes to the section's heading, not to the page's start.
  const headingRef = useRef<HTMLHeadingElement>(null)
  // The server's user object says whether MFA is on; ask it again rather than guess.
  const setMfa = () => void queryClient.invalidateQueries({ queryKey: ME_KEY })

  const start = useMutation({
    mutationFn: api.totpSetup,
    onSuccess: (result) => {
      setSetup(result)
      setPassword('')
      setMode('setup-scan')
    },
  })
  const enable = useMutation({
    mutationFn: api.totpEnable,
    onSuccess: (result) => {
      setCodes(result.recovery_codes)
      setSetup(null)
      setCode('')
      setMode('codes')
      setMfa()
    },
  })
  const disable = useMutation({
    mutationFn: api.mfaDisable,
    onSuccess: () => {
      reset()
      setMfa()
    },
  })
  const regenerate = useMutation({
    mutationFn: api.newRecoveryCodes,
    onSuccess: (result) => {
      setCodes(result.recovery_codes)
      setPassword('')
      setMode('codes')
    },
  })
  const active = { 'setup-password': start, 'setup-scan': enable, disable, regenerate }[
    mode as 'setup-password' | 'setup-scan' | 'disable' | 'regenerate'
  ]
  const errors = active?.error ? formErrors(active.error) : NO_ERRORS

  function reset() {
    headingRef.current?.focus()
    setMode('idle')
    setPassword('')
    setCode('')
    setSetup(null)
    setCodes([])
    for (const m of [start, enable, disable, regenerate]) m.reset()
  }
  const submit = (fn: () => void) => (event: FormEvent) => {
    event.preventDefault()
    fn()
  }
  const passwordField = (
    <CurrentPasswordField value={password} onChange={setPassword} errors={errors.fields} autoFocus />
  )
  const codeField = (hint?: string, autoFocus?: boolean) => (
    <TextField
      autoFocus={autoFocus}
      label="Code"
      name="code"
      autoComplete="one-time-code"
      inputMode={hint ? undefined : 'numeric'}
      value={code}
      onChange={(e) => setCode(e.target.value)}
      error={errors.fields.code}
      hint={hint}
    />
  )
  const cancel = (
    <button type="button" className="button button-quiet" onClick={reset}>
      Cancel
    </button>
  )

  return (
    <section className="card" aria-labelledby="two-factor-title">
      <h2 id="two-factor-title" ref={headingRef} tabIndex={-1}>
        Two-factor sign-in
      </h2>
      <p className="muted">
        {user.mfa_enabled
          ? 'Two-factor sign-in is on: signing in asks for a code from your authenticator app.'
          : 'Ask for a code from an authenticator app at every sign-in, so that a password alone is not enough.'}
      </p>
      {mode === 'idle' && !user.mfa_enabled ? (
        <button type="button" className="button button-primary" onClick={() => setMode('setup-password')}>
          Set up two-factor
        </button>
      ) : null}
      {mode === 'idle' && user.mfa_enabled ? (
        <div className="button-row">
          <button type="button" className="button" onClick={() => setMode('regenerate')}>
            New recovery codes
          </button>
          <button type="button" className="button button-danger" onClick={() => setMode('disable')}>
            Turn off two-factor
          </button>
        </div>
      ) : null}
      {mode === 'setup-password' ? (
        <form className="form" onSubmit={submit(() => start.mutate({ password }))} noValidate>
          {passwordField}
          <FormError message={errors.form} />
          <div className="button-row">
            <SubmitButton pending={start.isPending}>Continue</SubmitButton>
            {cancel}
          </div>
        </form>
      ) : null}
      {mode === 'setup-scan' && setup ? (
        <form className="form" onSubmit={submit(() => enable.mutate({ code: code.trim() }))} noValidate>
          <p>Scan this QR code with your authenticator app, or type the key below into it.</p>
          <img
            className="qr-code"
            src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(setup.qr_svg)}`}
            alt="QR code for your authenticator app"
            width={200}
            height={200}
          />
          <p>
            Key: <code className="totp-secret">{setup.secret}</code>
          </p>
          {codeField(undefined, true)}
          <FormError message={errors.form} />
          <div className="button-row">
            <SubmitButton pending={enable.isPending}>Turn on</SubmitButton>
            {cancel}
          </div>
        </form>
      ) : null}
      {mode === 'codes' ? <RecoveryCodesList codes={codes} onDone={reset} /> : null}
      {mode === 'regenerate' ? (
        <form className="form" onSubmit={submit(() => regenerate.mutate({ password }))} noValidate>
          <p>New recovery codes replace the old ones, which stop working.</p>
          {passwordField}
          <FormError message={errors.form} />
          <div className="button-row">
            <SubmitButton pending={regenerate.isPending}>New recovery codes</SubmitButton>
            {cancel}
          </div>
        </form>
      ) : null}
      {mode === 'disable' ? (
        <form
          className="form"
          onSubmit={submit(() => disable.mutate({ password, code: code.trim() }))}
          noValidate
        >
          {passwordField}
          {codeField('From your authenticator app, or a recovery code.')}
          <FormError message={errors.form} />
          <div className="button-row">
            <SubmitButton pending={disable.isPending} danger>
              Turn off two-factor
            </SubmitButton>
            {cancel}
          </div>
        </form>
      ) : null}
    </section>
  )
}
