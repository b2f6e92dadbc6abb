import { TextField } from './text-field'

/**
 * An email address field (email keyboard on phones). `autoComplete` tells password managers what
 * it holds: `username` where one signs in, `email` for a new address, `off` for someone else's.
 */
export function EmailField({
  value,
  onChange,
  error,
  autoComplete,
  label = 'Email',
  name = 'email',
  autoFocus,
}: {
  value: string
  onChange: (value: string) => void
  error: string | undefined
  autoComplete: 'username' | 'email' | 'off'
  label?: string
  name?: string
  autoFocus?: boolean
}) {
  return (
    <TextField
      label={label}
      name={name}
      type="email"
      autoComplete={autoComplete}
      inputMode="email"
      value={value}
      onChange={(e) => onChange(e.target.value)}
      error={error}
      autoFocus={autoFocus}
    />
  )
}
