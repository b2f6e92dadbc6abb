import { citationHref, citationLabel, splitCitations } from './citations'
import type { Citation } from './types'

/** The few mdast shapes this plugin touches (kept local: mdast is only a transitive dependency). */
interface MdNode {
  type: string
  value?: string
  url?: string
  title?: string | null
  children?: MdNode[]
  data?: { hProperties?: Record<string, string> }
}

/** Node types whose text must stay as written (code) or must not nest links (links). */
const SKIP = new Set(['link', 'linkReference', 'inlineCode', 'code', 'definition', 'html'])

function citationLink(citation: Citation, citations: readonly Citation[]): MdNode {
  return {
    type: 'link',
    url: citationHref(citation),
    title: citationLabel(citation, citations).text,
    data: { hProperties: { className: 'citation', 'data-citation': String(citation.index) } },
    children: [{ type: 'text', value: `[${citation.index}]` }],
  }
}

function transform(node: MdNode, citations: readonly Citation[]): void {
  if (!node.children || SKIP.has(node.type)) return
  const next: MdNode[] = []
  for (const child of node.children) {
    if (child.type !== 'text' || !child.value) {
      transform(child, citations)
      next.push(child)
      continue
    }
    for (const segment of splitCitations(child.value, citations)) {
      next.push(
        segment.type === 'text'
          ? { type: 'text', value: segment.value }
          : citationLink(segment.citation, citations),
      )
    }
  }
  node.children = next
}

/**
 * remark plugin: turns `[n]` markers that match a citation into links to the cited passage
 * (`/documents/{document_id}?chunk={chunk_id}`). Runs on the Markdown tree, so markers inside
 * code stay literal and no HTML string is ever built.
 */
export function remarkCitations(options: { citations: readonly Citation[] }) {
  return (tree: unknown) => {
    if (options.citations.length > 0) transform(tree as MdNode, options.citations)
  }
}
