import { useMutation, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useEffect, useId, useRef, useState } from 'react'
import { formErrors } from '../lib/error-messages'
import { type Space, spacesApi } from '../lib/spaces-api'
import type { User } from '../lib/types'
import { spaceKey } from '../lib/use-spaces'
import { FormError } from './form-error'
import { TextField } from './text-field'

/**
 * `Edit details` for owners: name, description and (admins, team spaces) visibility to everyone,
 * sent as one PATCH; the page shows the saved space.
 */
export function SpaceDetailsForm({ space, user }: { space: Space; user: User }) {
  const queryClient = useQueryClient()
  const id = useId()
  const [open, setOpen] = useState(false)
  const [name, setName] = useState(space.name)
  const [description, setDescription] = useState(space.description)
  const [everyone, setEveryone] = useState(space.visibility === 'everyone')
  const [missing, setMissing] = useState(false)
  const toggle = useRef<HTMLButtonElement>(null)
  const field = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (open) field.current?.querySelector('input')?.focus()
  }, [open])
  const save = useMutation({
    mutationFn: spacesApi.update,
    onSuccess: async (saved) => {
      queryClient.setQueryData(spaceKey(saved.id), saved)
      await queryClient.invalidateQueries({ queryKey: ['spaces'] })
      close()
    },
  })
  const errors = save.error ? formErrors(save.error) : null
  const close = () => {
    setOpen(false)
    setMissing(false)
    save.reset()
    window.setTimeout(() => toggle.current?.focus(), 0)
  }
  const start = () => {
    setName(space.name)
    setDescription(space.description)
    setEveryone(space.visibility === 'everyone')
    setOpen(true)
  }
  const submit = (event: FormEvent) => {
    event.preventDefault()
    setMissing(name.trim() === '')
    if (name.trim() === '') return
    save.mutate({
      id: space.id,
      name: name.trim(),
      description: description.trim(),
      ...(user.role === 'admin' && space.kind === 'team'
        ? { visibility: everyone ? 'everyone' : 'members' }
        : {}),
    })
  }
  if (!open) {
    return (
      <button ref={toggle} type="button" className="button button-quiet space-edit-button" onClick={start}>
        Edit details
      </button>
    )
  }
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Edit details</h2>
      <form className="form" onSubmit={submit} noValidate>
        <div ref={field}>
          <TextField
            label="Space name"
            name="name"
            required
            maxLength={100}
            autoComplete="off"
            value={name}
            onChange={(e) => {
              setName(e.target.value)
              setMissing(false)
            }}
            error={missing ? 'Enter a name for the space.' : errors?.fields.name}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-description`}>Description</label>
          <textarea
            id={`${id}-description`}
            name="description"
            rows={2}
            maxLength={500}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
          />
        </div>
        {user.role === 'admin' && space.kind === 'team' ? (
          <label className="check">
            <input type="checkbox" checked={everyone} onChange={(e) => setEveryone(e.target.checked)} />
            <span>Visible to everyone who is signed in</span>
          </label>
        ) : null}
        <FormError message={errors?.form ?? errors?.fields.description ?? null} />
        <div className="form-actions">
          <button
            type="submit"
            className="button button-primary"
            disabled={save.isPending}
            aria-busy={save.isPending}
          >
            Save
          </button>
          <button type="button" className="button button-quiet" onClick={close}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  )
}
