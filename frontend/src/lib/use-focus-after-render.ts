import { type RefObject, useLayoutEffect, useRef } from 'react'

/**
 * Moves keyboard focus to an element once the render that shows it is committed: call the
 * returned function with the element's ref in the handler that changes what is shown (a form that
 * closes, a question answered). A layout effect, so focus has moved before the page is painted —
 * no moment where focus sits on the page's start, and no timer racing the next keypress.
 */
export function useFocusAfterRender(): (to: RefObject<HTMLElement | null>) => void {
  const pending = useRef<RefObject<HTMLElement | null> | null>(null)
  useLayoutEffect(() => {
    const target = pending.current?.current
    if (!target) return // not shown yet: wait for the render that shows it
    pending.current = null
    target.focus()
  })
  return (to) => {
    pending.current = to
    // When no render follows (the element was shown already), focus moves once the handler ends.
    window.setTimeout(() => {
      if (pending.current !== to) return
      pending.current = null
      to.current?.focus()
    }, 0)
  }
}
