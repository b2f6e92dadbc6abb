// @vitest-environment jsdom
import { act, createElement, useRef, useState } from 'react'
import { describe, expect, it } from 'vitest'
import { mount } from './test-mount'
import { useFocusAfterRender } from './use-focus-after-render'

/** A form that closes back to the button that opened it, as a conversation's Rename does. */
function Disclosure() {
  const [open, setOpen] = useState(true)
  const opener = useRef<HTMLButtonElement>(null)
  const focusAfterRender = useFocusAfterRender()
  if (open)
    return createElement(
      'button',
      {
        type: 'button',
        id: 'cancel',
        onClick: () => {
          setOpen(false)
          focusAfterRender(opener)
        },
      },
      'Cancel',
    )
  return createElement('span', null, [
    createElement('button', { key: 'o', ref: opener, type: 'button', id: 'opener' }, 'Rename'),
    createElement(
      'button',
      { key: 'a', type: 'button', id: 'again', onClick: () => focusAfterRender(opener) },
      'Again',
    ),
  ])
}

describe('useFocusAfterRender', () => {
  it('has moved focus by the time the render that shows the element is committed', async () => {
    const { host, show, unmount } = mount()
    show(createElement(Disclosure))
    const cancel = host.querySelector<HTMLButtonElement>('#cancel')
    cancel?.focus()
    act(() => cancel?.click())
    // No timer has run: the layout effect of that render moved it.
    expect(document.activeElement?.id).toBe('opener')

    // Nothing renders when the element is already shown: focus still moves, once the handler ends.
    const again = host.querySelector<HTMLButtonElement>('#again')
    again?.focus()
    act(() => again?.click())
    await new Promise((resolve) => setTimeout(resolve, 5))
    expect(document.activeElement?.id).toBe('opener')
    unmount()
  })
})
