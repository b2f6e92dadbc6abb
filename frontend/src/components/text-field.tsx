import { type InputHTMLAttributes, type Ref, useId } from 'react'

interface TextFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id'> {
  /** The input itself, e.g. to move focus into it. */
  ref?: Ref<HTMLInputElement>
  /** The accessible name: docs/api.md §9 names are exact, so nothing else goes into the label. */
  label: string
  error?: string | undefined
  hint?: string | undefined
}

/** A labelled input whose server-side error appears right under it (and is announced). */
export function TextField({ label, error, hint, className, ...input }: TextFieldProps) {
  const id = useId()
  const hintId = `${id}-hint`
  const errorId = `${id}-error`
  const describedBy =
    [hint && !error ? hintId : null, error ? errorId : null].filter(Boolean).join(' ') || undefined
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...input} />
      {hint && !error ? (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={errorId} className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  )
}
