import { type ComponentProps, useMemo } from 'react'
import ReactMarkdown, { type Components } from 'react-markdown'
import { Link } from 'react-router'
import remarkGfm from 'remark-gfm'
import { isInAppPath } from '../lib/in-app-path'
import { remarkCitations } from '../lib/remark-citations'
import { remarkPlaceholders } from '../lib/remark-placeholders'
import type { Citation } from '../lib/types'

const NO_CITATIONS: readonly Citation[] = []

/** In-app paths navigate without a reload; anything else opens in a new tab, without referrer. */
function MarkdownLink({ href, children, node: _node, ...rest }: ComponentProps<'a'> & { node?: unknown }) {
  if (isInAppPath(href)) {
    return (
      <Link to={href} {...rest}>
        {children}
      </Link>
    )
  }
  return (
    <a href={href} target="_blank" rel="noopener noreferrer" {...rest}>
      {children}
    </a>
  )
}

type CellProps = ComponentProps<'td'> & { node?: unknown }

/** GFM column alignment arrives as an inline style; the strict CSP wants classes instead. */
function alignClass(style: CellProps['style']): string | undefined {
  const align = style?.textAlign
  return align === 'center' || align === 'right' || align === 'left' ? `align-${align}` : undefined
}

type HeadingTag = 'h3' | 'h4' | 'h5' | 'h6'

/**
 * Markdown headings sit inside a page that already has its h1/h2: shift them two levels down
 * (h1 → h3 …) so the page outline stays right; `md-hN` keeps the author's relative sizes.
 */
function shifted(level: number) {
  const Tag = `h${Math.min(6, level + 2)}` as HeadingTag
  return ({ node: _node, className, ...rest }: ComponentProps<'h1'> & { node?: unknown }) => (
    <Tag {...rest} className={className ? `${className} md-h${level}` : `md-h${level}`} />
  )
}

const components: Components = {
  a: MarkdownLink,
  h1: shifted(1),
  h2: shifted(2),
  h3: shifted(3),
  h4: shifted(4),
  h5: shifted(5),
  h6: shifted(6),
  td: ({ node: _node, style, ...rest }: CellProps) => <td {...rest} className={alignClass(style)} />,
  th: ({ node: _node, style, ...rest }: ComponentProps<'th'> & { node?: unknown }) => (
    <th {...rest} className={alignClass(style)} />
  ),
}

/**
 * Renders untrusted Markdown (answers, document chunks) safely: react-markdown builds React
 * elements, never HTML strings; raw HTML is not rendered (no rehype-raw), a placeholder that only
 * looks like a tag (`<user>`) is shown as text, and unsafe URLs are dropped by its default
 * urlTransform. `[n]` markers that match a citation become links.
 */
export function Markdown({
  text,
  citations = NO_CITATIONS,
  components: extra,
}: {
  text: string
  citations?: readonly Citation[]
  components?: Components
}) {
  const plugins = useMemo(
    () => [
      remarkGfm,
      remarkPlaceholders,
      [remarkCitations, { citations }] as [typeof remarkCitations, { citations: readonly Citation[] }],
    ],
    [citations],
  )
  const merged = useMemo(() => (extra ? { ...components, ...extra } : components), [extra])
  return (
    <div className="markdown">
      <ReactMarkdown remarkPlugins={plugins} components={merged} skipHtml>
        {text}
      </ReactMarkdown>
    </div>
  )
}
