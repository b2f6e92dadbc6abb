import { useEffect, useRef, useState } from 'react'

/**
 * A form that a button opens in place: focus goes to its first input when it opens and back to
 * the button when it closes (`close` also runs `onClose`, e.g. to clear the form's errors).
 * Attach `toggle` to the button and `form` to the form.
 */
export function useFormDisclosure(onClose: () => void) {
  const [open, setOpen] = useState(false)
  const toggle = useRef<HTMLButtonElement>(null)
  const form = useRef<HTMLFormElement>(null)
  useEffect(() => {
    if (open) form.current?.querySelector('input')?.focus()
  }, [open])
  const close = () => {
    setOpen(false)
    onClose()
    window.setTimeout(() => toggle.current?.focus(), 0)
  }
  return { open, setOpen, close, toggle, form }
}
