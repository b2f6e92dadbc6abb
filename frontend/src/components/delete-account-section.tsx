import { useMutation } from '@tanstack/react-query'
import { type FormEvent, useEffect, useRef, useState } from 'react'
import { api } from '../lib/api'
import { useSignedOut } from '../lib/auth'
import { formErrors } from '../lib/error-messages'
import { CurrentPasswordField } from './current-password-field'
import { FormError } from './form-error'
import { SubmitButton } from './submit-button'

/** "Delete account" (docs/api.md §13): asks for the current password first. */
export function DeleteAccountSection() {
  const signedOut = useSignedOut()
  const [open, setOpen] = useState(false)
  const [password, setPassword] = useState('')
  // Cancel takes the form (and the focused Cancel) away: focus goes back to Delete account.
  const openRef = useRef<HTMLButtonElement>(null)
  const cancelled = useRef(false)
  useEffect(() => {
    if (!open && cancelled.current) {
      cancelled.current = false
      openRef.current?.focus()
    }
  }, [open])
  const remove = useMutation({
    mutationFn: api.deleteAccount,
    onSuccess: () => signedOut('Your account was deleted.'),
  })
  const errors = remove.error
    ? formErrors(remove.error)
    : { fields: {} as Record<string, string>, form: null }
  const onSubmit = (event: FormEvent) => {
    event.preventDefault()
    remove.mutate({ password })
  }
  return (
    <section className="card" aria-labelledby="delete-account-title">
      <h2 id="delete-account-title">Delete account</h2>
      <p className="muted">
        Deletes your account, your conversations and My documents for good. Team spaces you own alone must be
        handed over or deleted first.
      </p>
      {open ? (
        <form className="form" onSubmit={onSubmit} noValidate>
          <CurrentPasswordField value={password} onChange={setPassword} errors={errors.fields} autoFocus />
          <FormError message={errors.form} />
          <div className="button-row">
            <SubmitButton pending={remove.isPending} danger>
              Delete account
            </SubmitButton>
            <button
              type="button"
              className="button button-quiet"
              onClick={() => {
                cancelled.current = true
                setOpen(false)
                setPassword('')
                remove.reset()
              }}
            >
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <button ref={openRef} type="button" className="button button-danger" onClick={() => setOpen(true)}>
          Delete account
        </button>
      )}
    </section>
  )
}
