import { useId, useState } from 'react'
import { TextField } from './text-field'

export interface SpaceFieldValues {
  name: string
  description: string
  everyone: boolean
}

/**
 * The state behind `SpaceFields`: name, description and visibility, plus the "no name" flag that
 * a submit sets and typing in the name clears. `check()` trims and reports whether the name is there.
 */
export function useSpaceFields(initial: SpaceFieldValues) {
  const [values, setValues] = useState(initial)
  const [missing, setMissing] = useState(false)
  return {
    values,
    missing,
    setName: (name: string) => {
      setValues((current) => ({ ...current, name }))
      setMissing(false)
    },
    setDescription: (description: string) => setValues((current) => ({ ...current, description })),
    setEveryone: (everyone: boolean) => setValues((current) => ({ ...current, everyone })),
    /** Back to the given values, with no "no name" error. */
    reset: (next: SpaceFieldValues = initial) => {
      setValues(next)
      setMissing(false)
    },
    clearMissing: () => setMissing(false),
    /** On submit: flags an empty name; true when the form may be sent. */
    check: () => {
      const ok = values.name.trim() !== ''
      setMissing(!ok)
      return ok
    },
  }
}

export type SpaceFieldsState = ReturnType<typeof useSpaceFields>

/**
 * `Space name`, `Description` and (when `showEveryone`) `Visible to everyone who is signed in`:
 * the fields shared by `New space` and `Edit details`. A `descriptionError` shows under the textarea.
 */
export function SpaceFields({
  fields,
  nameError,
  descriptionError,
  showEveryone,
}: {
  fields: SpaceFieldsState
  nameError: string | undefined
  descriptionError?: string | undefined
  showEveryone: boolean
}) {
  const id = useId()
  const { values } = fields
  return (
    <>
      <TextField
        label="Space name"
        name="name"
        required
        maxLength={100}
        autoComplete="off"
        value={values.name}
        onChange={(e) => fields.setName(e.target.value)}
        error={fields.missing ? 'Enter a name for the space.' : nameError}
      />
      <div className="field">
        <label htmlFor={`${id}-description`}>Description</label>
        <textarea
          id={`${id}-description`}
          name="description"
          rows={2}
          maxLength={500}
          value={values.description}
          onChange={(e) => fields.setDescription(e.target.value)}
          aria-describedby={descriptionError ? `${id}-description-error` : undefined}
          aria-invalid={descriptionError ? true : undefined}
        />
        {descriptionError ? (
          <p id={`${id}-description-error`} className="field-error" role="alert">
            {descriptionError}
          </p>
        ) : null}
      </div>
      {showEveryone ? (
        <label className="check">
          <input
            type="checkbox"
            checked={values.everyone}
            onChange={(e) => fields.setEveryone(e.target.checked)}
          />
          <span>Visible to everyone who is signed in</span>
        </label>
      ) : null}
    </>
  )
}
