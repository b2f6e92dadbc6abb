import { useMutation } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { api } from '../lib/api'
import { useAuthOptions } from '../lib/auth-options'
import { formErrors } from '../lib/error-messages'
import type { User } from '../lib/types'
import { CurrentPasswordField } from './current-password-field'
import { EmailField } from './email-field'
import { FormError, Notice } from './form-error'
import { SubmitButton } from './submit-button'

/** The API's field names (`password`, `email` of email_taken) as this form's fields. */
const ALIASES = { password: 'current_password', email: 'new_email' }

/**
 * "Email address" on /account (docs/api.md §9, §12): asks for the new address and the current
 * password; nothing changes until the link sent to the new address is opened. Hidden when the
 * server sends no email (`options.email` false), where the request could only answer 503.
 */
export function ChangeEmailSection({ user }: { user: User }) {
  const options = useAuthOptions()
  const [newEmail, setNewEmail] = useState('')
  const [password, setPassword] = useState('')
  const [sentTo, setSentTo] = useState<string | null>(null)
  const change = useMutation({
    mutationFn: api.changeEmail,
    onSuccess: (_, input) => {
      setSentTo(input.new_email)
      setNewEmail('')
      setPassword('')
    },
  })
  if (!options?.email) return null
  const errors = change.error ? formErrors(change.error, ALIASES) : { fields: {}, form: null }
  const onSubmit = (event: FormEvent) => {
    event.preventDefault()
    setSentTo(null)
    change.mutate({ new_email: newEmail.trim(), password })
  }
  return (
    <section className="card" aria-labelledby="email-title">
      <h2 id="email-title">Email address</h2>
      <p className="muted">
        You sign in with <strong>{user.email}</strong>
        {user.email_verified ? ' (verified)' : ' (not verified yet)'}. To change it, we send a link to the new
        address; the change is made when you open it.
      </p>
      <form className="form" onSubmit={onSubmit} noValidate>
        <EmailField
          label="New email"
          name="new_email"
          autoComplete="email"
          value={newEmail}
          onChange={setNewEmail}
          error={errors.fields.new_email}
        />
        <CurrentPasswordField value={password} onChange={setPassword} errors={errors.fields} />
        <FormError message={errors.form} />
        {sentTo ? (
          <Notice
            message={`Check your inbox at ${sentTo}: open the link we sent there within 24 hours to confirm the change.`}
          />
        ) : null}
        <SubmitButton pending={change.isPending}>Change email</SubmitButton>
      </form>
    </section>
  )
}
