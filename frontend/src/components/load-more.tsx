import { useEffect, useRef } from 'react'

/**
 * The next page of a cursor-paged list, while there is one. The button stays focusable while the
 * page loads (`aria-disabled`, not `disabled`: a focused button that becomes `disabled` drops
 * keyboard focus to the page's start), and when the page it loaded was the last one, focus (if it
 * was on the button) goes to a line saying so where the button was, not to the page's start.
 */
export function LoadMore({
  list,
  block = false,
}: {
  list: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => Promise<unknown> }
  /** Full width, as in the sidebar. */
  block?: boolean
}) {
  const buttonRef = useRef<HTMLButtonElement>(null)
  const endRef = useRef<HTMLParagraphElement>(null)
  // Set when the button is pressed; the end line is shown (and takes focus) only after that.
  const pressed = useRef<{ focused: boolean } | null>(null)
  const end = !list.hasNextPage && pressed.current !== null
  useEffect(() => {
    if (!end || !pressed.current?.focused) return
    pressed.current.focused = false
    endRef.current?.focus()
  }, [end])

  if (!list.hasNextPage) {
    return end ? (
      <p ref={endRef} tabIndex={-1} className="muted load-more-end">
        That is all.
      </p>
    ) : null
  }
  return (
    <button
      ref={buttonRef}
      type="button"
      className={block ? 'button button-quiet button-block' : 'button button-quiet'}
      aria-disabled={list.isFetchingNextPage || undefined}
      aria-busy={list.isFetchingNextPage || undefined}
      onClick={() => {
        if (list.isFetchingNextPage) return
        pressed.current = { focused: document.activeElement === buttonRef.current }
        void list.fetchNextPage()
      }}
    >
      Load more
    </button>
  )
}
