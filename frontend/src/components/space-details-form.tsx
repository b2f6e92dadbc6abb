import { useMutation, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useId } from 'react'
import { formErrors } from '../lib/error-messages'
import { type Space, spacesApi } from '../lib/spaces-api'
import type { User } from '../lib/types'
import { useFormDisclosure } from '../lib/use-form-disclosure'
import { spaceKey } from '../lib/use-spaces'
import { FormError } from './form-error'
import { SpaceFields, type SpaceFieldValues, useSpaceFields } from './space-fields'
import { SubmitButton } from './submit-button'

/**
 * `Edit details` for owners: name, description and (admins, team spaces) visibility to everyone,
 * sent as one PATCH; the page shows the saved space.
 */
export function SpaceDetailsForm({ space, user }: { space: Space; user: User }) {
  const queryClient = useQueryClient()
  const id = useId()
  const saved = (): SpaceFieldValues => ({
    name: space.name,
    description: space.description,
    everyone: space.visibility === 'everyone',
  })
  const fields = useSpaceFields(saved())
  const { open, setOpen, close, toggle, form } = useFormDisclosure(() => {
    fields.clearMissing()
    save.reset()
  })
  const save = useMutation({
    mutationFn: spacesApi.update,
    onSuccess: async (saved) => {
      queryClient.setQueryData(spaceKey(saved.id), saved)
      await queryClient.invalidateQueries({ queryKey: ['spaces'] })
      close()
    },
  })
  const errors = save.error ? formErrors(save.error) : null
  const start = () => {
    fields.reset(saved())
    setOpen(true)
  }
  const submit = (event: FormEvent) => {
    event.preventDefault()
    if (!fields.check()) return
    const { name, description, everyone } = fields.values
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
      <form ref={form} className="form" onSubmit={submit} noValidate>
        <SpaceFields
          fields={fields}
          nameError={errors?.fields.name}
          showEveryone={user.role === 'admin' && space.kind === 'team'}
        />
        <FormError message={errors?.form ?? errors?.fields.description ?? null} />
        <div className="form-actions">
          <SubmitButton pending={save.isPending}>Save</SubmitButton>
          <button type="button" className="button button-quiet" onClick={close}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  )
}
