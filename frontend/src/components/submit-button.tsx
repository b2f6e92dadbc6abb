import type { ReactNode } from 'react'

/** A form's primary submit button: disabled and marked busy while its request runs. */
export function SubmitButton({
  pending,
  block = false,
  children,
}: {
  pending: boolean
  /** Full width, as on the sign-in, sign-up and password pages. */
  block?: boolean
  children: ReactNode
}) {
  return (
    <button
      type="submit"
      className={block ? 'button button-primary button-block' : 'button button-primary'}
      disabled={pending}
      aria-busy={pending}
    >
      {children}
    </button>
  )
}

/** The full-width submit button of the sign-in, sign-up and password pages. */
export function AuthSubmitButton({ pending, children }: { pending: boolean; children: ReactNode }) {
  return (
    <SubmitButton pending={pending} block>
      {children}
    </SubmitButton>
  )
}
