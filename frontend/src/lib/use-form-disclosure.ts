import { useEffect, useRef, useState } from 'react'
import { useFocusAfterRender } from './use-focus-after-render'

/**
 * A form that a button opens in place: focus goes to its first input when it opens and back to
 * the button when it closes (`close` also runs `onClose`, e.g. to clear the form's errors).
 * Attach `toggle` to the button and `form` to the form.
 */
export function useFormDisclosure(onClose: () => void) {
  const [open, setOpen] = useState(false)
  const toggle = useRef<HTMLButtonElement>(null)
  const form = useRef<HTMLFormElement>(null)
  const focusAfterRender = useFocusAfterRender()
  useEffect(() => {
    if (open) form.current?.querySelector('input')?.focus()
  }, [open])
  const close = () => {
    setOpen(false)
    onClose()
    focusAfterRender(toggle)
  }
  return { open, setOpen, close, toggle, form }
}
