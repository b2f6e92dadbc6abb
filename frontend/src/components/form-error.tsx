/** A form-level error (not tied to one field), announced to screen readers. */
export function FormError({ message }: { message: string | null | undefined }) {
  if (!message) return null
  return (
    <p className="form-error" role="alert">
      {message}
    </p>
  )
}

export function Notice({ message }: { message: string | null | undefined }) {
  if (!message) return null
  return (
    <p className="notice" role="status">
      {message}
    </p>
  )
}
