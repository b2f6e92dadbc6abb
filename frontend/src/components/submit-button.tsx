import type { ReactNode } from 'react'

/**
 * The full-width primary submit button of the sign-in, sign-up and password pages: disabled and
 * marked busy while the request runs.
 */
export function AuthSubmitButton({ pending, children }: { pending: boolean; children: ReactNode }) {
  return (
    <button
      type="submit"
      className="button button-primary button-block"
      disabled={pending}
      aria-busy={pending}
    >
      {children}
    </button>
  )
}
