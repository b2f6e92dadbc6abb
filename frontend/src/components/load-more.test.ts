import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { LoadMore } from './load-more'

const list = (hasNextPage: boolean, isFetchingNextPage = false) => ({
  hasNextPage,
  isFetchingNextPage,
  fetchNextPage: () => Promise.resolve(),
})

describe('LoadMore', () => {
  it('shows nothing on the last page', () => {
    expect(renderToStaticMarkup(createElement(LoadMore, { list: list(false) }))).toBe('')
  })

  it('is a button while there is a next page, marked disabled (but still focusable) while it loads', () => {
    const idle = renderToStaticMarkup(createElement(LoadMore, { list: list(true) }))
    expect(idle).toBe('<button type="button" class="button button-quiet">Load more</button>')
    const loading = renderToStaticMarkup(createElement(LoadMore, { list: list(true, true), block: true }))
    // A focused button that becomes `disabled` drops keyboard focus to the page's start.
    expect(loading).not.toContain('disabled=""')
    expect(loading).toContain('aria-disabled="true"')
    expect(loading).toContain('class="button button-quiet button-block"')
  })
})
