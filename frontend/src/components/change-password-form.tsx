import { useMutation, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { api } from '../lib/api'
import { formErrors } from '../lib/error-messages'
import { CurrentPasswordField } from './current-password-field'
import { FormError, Notice } from './form-error'
import { SubmitButton } from './submit-button'
import { TextField } from './text-field'

/** `weak_password` and validation paths named `password` are about the new password here. */
const ALIASES = { password: 'new_password' }

export function ChangePasswordForm() {
  const queryClient = useQueryClient()
  const [current, setCurrent] = useState('')
  const [next, setNext] = useState('')
  const change = useMutation({
    mutationFn: api.changePassword,
    onSuccess: () => {
      setCurrent('')
      setNext('')
      // The server revoked every other session.
      void queryClient.invalidateQueries({ queryKey: ['sessions'] })
    },
  })
  const errors = change.error ? formErrors(change.error, ALIASES) : { fields: {}, form: null }
  const onSubmit = (event: FormEvent) => {
    event.preventDefault()
    change.mutate({ current_password: current, new_password: next })
  }
  return (
    <form className="form" onSubmit={onSubmit} noValidate>
      <CurrentPasswordField value={current} onChange={setCurrent} errors={errors.fields} />
      <TextField
        label="New password"
        name="new_password"
        type="password"
        autoComplete="new-password"
        value={next}
        onChange={(e) => setNext(e.target.value)}
        error={errors.fields.new_password}
        hint="At least 8 characters; common passwords are refused."
      />
      <FormError message={errors.form} />
      {change.isSuccess ? <Notice message="Password changed. Your other sessions were signed out." /> : null}
      <SubmitButton pending={change.isPending}>Change password</SubmitButton>
    </form>
  )
}
