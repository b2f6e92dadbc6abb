// For jsdom tests (`// @vitest-environment jsdom`): React elements mounted in the document, each
// change wrapped in act() so that effects have run when the test reads the page.
import { act, type ReactElement } from 'react'
import { createRoot } from 'react-dom/client'

// @ts-expect-error React's flag for act() outside a test renderer
globalThis.IS_REACT_ACT_ENVIRONMENT = true

export function mount() {
  const host = document.createElement('div')
  document.body.append(host)
  const root = createRoot(host)
  return {
    host,
    show: (element: ReactElement) => act(() => root.render(element)),
    unmount: () => {
      act(() => root.unmount())
      host.remove()
    },
  }
}
