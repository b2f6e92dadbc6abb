import { type ComponentProps, useMemo } from 'react'
import ReactMarkdown, { type Components } from 'react-markdown'
import { Link } from 'react-router'
import remarkGfm from 'remark-gfm'
import { remarkCitations } from '../lib/remark-citations'
import type { Citation } from '../lib/types'

const NO_CITATIONS: readonly Citation[] = []

/** In-app paths navigate without a reload; anything else opens in a new tab, without referrer. */
function MarkdownLink({ href, children, node: _node, ...rest }: ComponentProps<'a'> & { node?: unknown }) {
  if (href?.startsWith('/') && !href.startsWith('//')) {
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

const components: Components = {
  a: MarkdownLink,
  td: ({ node: _node, style, ...rest }: CellProps) => <td {...rest} className={alignClass(style)} />,
  th: ({ node: _node, style, ...rest }: ComponentProps<'th'> & { node?: unknown }) => (
    <th {...rest} className={alignClass(style)} />
  ),
}

/**
 * Renders untrusted Markdown (answers, document chunks) safely: react-markdown builds React
 * elements, never HTML strings; raw HTML is not rendered (no rehype-raw) and unsafe URLs are
 * dropped by its default urlTransform. `[n]` markers that match a citation become links.
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
    () => [remarkGfm, [remarkCitations, { citations }] as [typeof remarkCitations, { citations: readonly Citation[] }]],
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
