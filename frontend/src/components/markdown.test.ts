import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { MemoryRouter } from 'react-router'
import { describe, expect, it } from 'vitest'
import type { Citation } from '../lib/types'
import { Markdown } from './markdown'

const citation: Citation = {
  index: 1,
  document_id: 'doc-1',
  chunk_id: 'chunk-9',
  space_id: 'space-1',
  title: 'Deploying',
  source: 'deploy.md',
  heading: 'Spaces',
  snippet: '',
}

function render(text: string, citations: Citation[] = []): string {
  return renderToStaticMarkup(createElement(MemoryRouter, null, createElement(Markdown, { text, citations })))
}

describe('Markdown', () => {
  it('turns [n] into a link to the cited passage', () => {
    const html = render('Push to the Space [1]. Not a citation: [2].', [citation])
    expect(html).toContain('href="/documents/doc-1?chunk=chunk-9"')
    expect(html).toContain('class="citation"')
    expect(html).toContain('>[1]</a>')
    expect(html).toContain('[2]')
    expect(html).not.toContain('>[2]</a>')
  })

  it('never renders raw HTML or script URLs', () => {
    const html = render(
      '<img src=x onerror="alert(1)"><script>alert(2)</script>\n\n[click](javascript:alert(3))',
    )
    expect(html).not.toMatch(/<img|<script|onerror|javascript:/i)
  })

  it('shows a placeholder that looks like a tag as text, and still drops real HTML', () => {
    const html = render(
      'The app answers at https://<user>-<space>.hf.space; connect to <host>:5432 as <b>admin</b>.',
    )
    expect(html).toContain('https://&lt;user&gt;-&lt;space&gt;.hf.space')
    expect(html).toContain('connect to &lt;host&gt;:5432 as admin.')
    expect(html).not.toContain('<b>')
    expect(html).not.toContain('&lt;b&gt;')
    // Names of HTML elements used as placeholders (never closed, no attributes) are text too.
    expect(render('Run npm run space:prepare <dir>, then docker run <image>.')).toContain(
      'space:prepare &lt;dir&gt;, then docker run &lt;image&gt;.',
    )
  })

  it('uses classes, not inline styles, for table alignment (strict CSP)', () => {
    const html = render('| a | b |\n|:-:|--:|\n| 1 | 2 |')
    expect(html).toContain('<table>')
    expect(html).not.toContain('style=')
    expect(html).toContain('class="align-center"')
    expect(html).toContain('class="align-right"')
  })

  it('routes only plain in-app paths; look-alikes of another site are external links', () => {
    const inApp = render('[doc](/documents/1?chunk=2)')
    expect(inApp).toContain('href="/documents/1?chunk=2"')
    expect(inApp).not.toContain('target=')
    for (const href of ['/\\evil.example', '/%09/evil.example', '//evil.example', '/%2F/evil.example']) {
      const html = render(`[x](${href})`)
      expect(html, href).toContain('target="_blank"')
      expect(html, href).toContain('rel="noopener noreferrer"')
    }
  })

  it('shifts headings below the page heading and opens external links safely', () => {
    const html = render('# Title\n\n[site](https://example.com)')
    expect(html).toContain('<h3 class="md-h1">Title</h3>')
    expect(html).toContain('rel="noopener noreferrer"')
    expect(html).toContain('target="_blank"')
  })
})
