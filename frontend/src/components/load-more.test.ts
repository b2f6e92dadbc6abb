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

  it('is a button while there is a next page, disabled while it loads', () => {
    const idle = renderToStaticMarkup(createElement(LoadMore, { list: list(true) }))
    expect(idle).toBe('<button type="button" class="button button-quiet">Load more</button>')
    const loading = renderToStaticMarkup(createElement(LoadMore, { list: list(true, true), block: true }))
    expect(loading).toContain('disabled=""')
    expect(loading).toContain('class="button button-quiet button-block"')
  })
})
