import { isPlaceholder } from '../../../backend/src/rag/html-markup'

/** The mdast shapes this plugin touches (kept local: mdast is only a transitive dependency). */
interface MdNode {
  type: string
  value?: string
  children?: MdNode[]
}

function transform(node: MdNode): void {
  const children = node.children ?? []
  for (const [i, child] of children.entries()) {
    if (child.type !== 'html') {
      transform(child)
      continue
    }
    // Block-level HTML (a child of the root) is markup; inline, a tag is a placeholder when the
    // server's stripper reads it so (html-markup.ts), judged on what follows it in its paragraph.
    if (node.type === 'root') continue
    const after = children
      .slice(i + 1)
      .map((c) => c.value ?? '')
      .join('')
    if (isPlaceholder(child.value ?? '', after, false)) child.type = 'text'
  }
}

/**
 * remark plugin: a placeholder that Markdown reads as an HTML tag ("https://<user>-<space>.hf.space",
 * "npm run space:prepare <dir>") is text, shown as written; real HTML stays raw, which the
 * renderer drops (it never renders HTML).
 */
export function remarkPlaceholders() {
  return (tree: unknown) => transform(tree as MdNode)
}
