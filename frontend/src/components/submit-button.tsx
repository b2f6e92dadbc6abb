import type { ReactNode } from 'react'

/**
 * A form's primary submit button: marked disabled and busy while its request runs. It stays
 * focusable (`aria-disabled`, not `disabled`): a focused button that becomes `disabled` drops
 * keyboard focus to the page's start, so after every submit a keyboard user had to find their
 * place again. A click (or Enter in a field) while pending is cancelled instead.
 */
export function SubmitButton({
  pending,
  block = false,
  danger = false,
  children,
}: {
  pending: boolean
  /** Full width, as on the sign-in, sign-up and password pages. */
  block?: boolean
  /** Something that cannot be undone or lowers protection (e.g. Turn off two-factor). */
  danger?: boolean
  children: ReactNode
}) {
  return (
    <button
      type="submit"
      className={`button ${danger ? 'button-danger' : 'button-primary'}${block ? ' button-block' : ''}`}
      aria-disabled={pending || undefined}
      aria-busy={pending}
      onClick={(event) => {
        if (pending) event.preventDefault()
      }}
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
