import { type KeyboardEvent, type RefObject, useRef, useState } from 'react'
import { useFocusAfterRender } from '../lib/use-focus-after-render'

/**
 * A button whose action cannot be taken back in one click (a document's `Delete`, a key's
 * `Revoke`, a member's `Remove`, an admin's `Disable` …): it asks first, in place, as
 * /admin/users' `Delete` → `Confirm delete` does. The question is a group named by its words,
 * with `Confirm …` (which gets focus) and `Cancel`; Cancel or Escape puts the button back, and
 * focus on it. Confirming puts the button back too, focused, while the action runs (it waits
 * with `aria-disabled`, not `disabled`: a focused button that becomes disabled drops keyboard
 * focus to the page's start). With `ask` false (an action's harmless opposite, as `Enable` is to
 * `Disable`) the same button acts at once, so focus stays on it as its label changes.
 */
export function ConfirmAction({
  label,
  confirmLabel,
  question,
  onConfirm,
  ask = true,
  busy = false,
  className = 'button button-quiet',
  confirmClassName = 'button button-danger',
  title,
  buttonRef,
}: {
  label: string
  confirmLabel: string
  question: string
  onConfirm: () => void
  ask?: boolean
  busy?: boolean
  className?: string
  confirmClassName?: string
  title?: string
  buttonRef?: RefObject<HTMLButtonElement | null>
}) {
  const [asking, setAsking] = useState(false)
  const ownRef = useRef<HTMLButtonElement>(null)
  const button = buttonRef ?? ownRef
  const confirmButton = useRef<HTMLButtonElement>(null)
  const focusAfterRender = useFocusAfterRender()
  const back = () => {
    setAsking(false)
    focusAfterRender(button)
  }
  if (asking) {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return
      event.stopPropagation() // closes this question, not a drawer or dialog around it
      back()
    }
    return (
      <fieldset className="confirm-inline" onKeyDown={onKeyDown}>
        <legend className="confirm-question">{question}</legend>
        <button
          ref={confirmButton}
          type="button"
          className={confirmClassName}
          onClick={() => {
            back()
            onConfirm()
          }}
        >
          {confirmLabel}
        </button>
        <button type="button" className="button button-quiet" onClick={back}>
          Cancel
        </button>
      </fieldset>
    )
  }
  return (
    <button
      ref={button}
      type="button"
      className={className}
      aria-disabled={busy || undefined}
      aria-busy={busy || undefined}
      title={title}
      onClick={() => {
        if (busy) return
        if (!ask) {
          onConfirm()
          return
        }
        setAsking(true)
        focusAfterRender(confirmButton)
      }}
    >
      {label}
    </button>
  )
}
