import { TextField } from './text-field'

/**
 * The "Current password" prompt that guards account changes (email, password, API keys, two-factor,
 * deleting the account). The API reports a wrong one as `current_password` or `password`; pass the
 * form's field errors and either shows here.
 */
export function CurrentPasswordField({
  value,
  onChange,
  errors,
  name = 'current_password',
  hint,
  autoFocus,
}: {
  value: string
  onChange: (value: string) => void
  errors: Partial<Record<string, string>>
  name?: string
  hint?: string
  autoFocus?: boolean
}) {
  return (
    <TextField
      label="Current password"
      name={name}
      type="password"
      autoComplete="current-password"
      value={value}
      onChange={(e) => onChange(e.target.value)}
      error={errors.current_password ?? errors.password}
      hint={hint}
      autoFocus={autoFocus}
    />
  )
}
