// HTML → Markdown of the main content. Pages with <main>/<article> are taken as marked up; other
// pages go through Readability (which finds the content block on cluttered pages). Navigation,
// scripts, styles, forms and the like never reach the index.
// Tables become one sentence per row, each cell named by its header (parse-table.ts).
import { Readability } from '@mozilla/readability'
import { parseHTML } from 'linkedom'
import { type ParseLimits, tooDeep } from './parse.js'
import { tableSentences } from './parse-table.js'

const DROP =
  'head,title,meta,link,script,style,noscript,template,svg,canvas,iframe,object,embed,form,button,select,textarea,nav,header,footer,aside,[role=navigation],[role=banner],[role=contentinfo],[aria-hidden=true],[hidden]'
const BLOCKS = new Set([
  'P',
  'DIV',
  'SECTION',
  'ARTICLE',
  'MAIN',
  'BLOCKQUOTE',
  'FIGURE',
  'FIGCAPTION',
  'DL',
  'DT',
  'DD',
  'ADDRESS',
  'DETAILS',
  'SUMMARY',
])

// linkedom's node types, kept minimal so the walker stays independent of DOM lib typings.
interface DomNode {
  nodeType: number
  nodeName: string
  textContent: string | null
  childNodes: ArrayLike<DomNode>
  querySelectorAll?(sel: string): ArrayLike<DomNode & { remove(): void }>
  querySelector?(sel: string): DomNode | null
  getAttribute?(name: string): string | null
}

/**
 * A heading's permalink — `<a href="#path">#</a>` (Node.js), `¶` (Sphinx, MkDocs), `§`, an icon —
 * is not part of its text ("Path#" in every heading path otherwise). "C#" is a heading's text.
 */
function isPermalink(node: DomNode): boolean {
  if (node.nodeName !== 'A' || !(node.getAttribute?.('href') ?? '').startsWith('#')) return false
  return /^[\s#¶§🔗]*$/u.test(node.textContent ?? '')
}

const inline = (s: string) => s.replace(/\s+/g, ' ')

function children(node: DomNode): DomNode[] {
  return Array.from(node.childNodes)
}

function inlineText(node: DomNode): string {
  if (node.nodeType === 3) return inline(node.textContent ?? '')
  if (node.nodeType !== 1) return ''
  if (node.nodeName === 'BR') return '\n'
  if (isPermalink(node)) return ''
  const inner = children(node).map(inlineText).join('')
  if (node.nodeName === 'CODE') return `\`${inner.trim()}\``
  return inner
}

function walk(node: DomNode, out: string[], listDepth = 0): void {
  for (const child of children(node)) {
    const name = child.nodeName
    if (child.nodeType === 3) {
      // Whitespace between two inline elements is a space ("<code>a</code> <code>b</code>"); around
      // blocks, toMarkdown drops it again.
      const t = inline(child.textContent ?? '')
      if (t) out.push(t)
      continue
    }
    if (child.nodeType !== 1 || isPermalink(child)) continue
    const h = /^H([1-6])$/.exec(name)
    if (h) {
      const text = inlineText(child).trim()
      if (text) out.push(`\n\n${'#'.repeat(Number(h[1]))} ${text}\n\n`)
    } else if (name === 'PRE') {
      // Two listings in one <pre> (Node.js' docs: the CommonJS and the ES module version) are two
      // runs of lines, not one line joined at the seam.
      const codes = children(child).filter((n) => n.nodeName === 'CODE')
      const text =
        codes.length > 1
          ? codes.map((c) => (c.textContent ?? '').replace(/\n+$/, '')).join('\n\n')
          : (child.textContent ?? '')
      out.push(`\n\n\`\`\`\n${text.replace(/\n+$/, '')}\n\`\`\`\n\n`)
    } else if ((name === 'UL' || name === 'OL') && isLinkList(child)) {
      // A menu: every item only a link ("Home", "Downloads", "FAQ"). It leads elsewhere, says nothing.
    } else if (name === 'UL' || name === 'OL') {
      out.push('\n\n')
      walk(child, out, listDepth + 1)
      out.push('\n\n')
    } else if (name === 'LI') {
      const item: string[] = []
      walk(child, item, listDepth)
      const text = item.join('').trim()
      // An item holding paragraphs (an old FAQ's question and its answer) stands apart from the
      // items around it.
      const apart = /\n\s*\n/.test(text) ? '\n\n' : ''
      out.push(`\n${apart}${'  '.repeat(Math.max(0, listDepth - 1))}- ${text}${apart}`)
    } else if (name === 'TABLE' && isLayoutTable(child)) {
      // A page laid out in a table: its cells are the page's blocks, read in order.
      for (const row of tableRows(child))
        for (const cell of children(row).filter((c) => c.nodeName === 'TD' || c.nodeName === 'TH')) {
          out.push('\n\n')
          walk(cell, out, listDepth)
          out.push('\n\n')
        }
    } else if (name === 'TABLE') {
      out.push(`\n\n${tableText(child)}\n\n`)
    } else if ((name === 'P' || name === 'DIV') && isLinkBar(child)) {
      // "Next: Using libffi, Previous: libffi, Up: libffi [Index]": a manual's page links.
    } else if (BLOCKS.has(name)) {
      out.push('\n\n')
      walk(child, out, listDepth)
      out.push('\n\n')
    } else if (name === 'BR') {
      out.push('\n')
    } else if (name === 'CODE') {
      out.push(inlineText(child))
    } else {
      walk(child, out, listDepth)
    }
  }
}

/** What may stand between the links of a bar: separators, and the words naming where they go. */
const BAR_TEXT =
  /^[\s\u00a0,;:|·•/()[\]-]*(?:(?:next|previous|prev|up|home|top|contents|index|back)[\s\u00a0]*:?)?[\s\u00a0,;:|·•/()[\]-]*$/i

/**
 * A paragraph of links and nothing more than separators and "Next:", "Up:" between them (two links
 * at least; a texinfo manual's header, a page's "Previous | Next"): navigation.
 */
function isLinkBar(block: DomNode): boolean {
  return linksOnly(block, BAR_TEXT) >= 2
}

/**
 * How many links a node holds when its children are links with only `between` text between them
 * (separators), else 0.
 */
function linksOnly(node: DomNode, between: RegExp): number {
  const parts = children(node)
  const plain = parts.every((c) =>
    c.nodeType === 1 ? c.nodeName === 'A' : between.test(c.textContent ?? ''),
  )
  return plain ? parts.filter((c) => c.nodeName === 'A').length : 0
}

/**
 * A list whose every item is links and nothing more ("Home", "Tutorial, Tutorial2"; two items at
 * least): navigation.
 */
function isLinkList(list: DomNode): boolean {
  const items = children(list).filter((c) => c.nodeType === 1)
  const onlyLinks = (li: DomNode) => li.nodeName === 'LI' && linksOnly(li, /^[\s,;:|·•/-]*$/u) > 0
  return items.length >= 2 && items.every(onlyLinks)
}

/**
 * A table that lays out a page rather than holding data: a cell holds a heading, a list, a
 * listing, a quotation or another table (an old page's menu and content columns, a FAQ's list).
 * A data table's cells hold words, perhaps in a paragraph each.
 */
function isLayoutTable(table: DomNode): boolean {
  return (table.querySelector?.('h1,h2,h3,h4,h5,h6,ul,ol,dl,pre,blockquote,table') ?? null) !== null
}

/** The rows of a table (not of tables nested in its cells), in order. */
function tableRows(table: DomNode): DomNode[] {
  const rows: DomNode[] = []
  for (const child of children(table)) {
    if (child.nodeName === 'TR') rows.push(child)
    else if (/^(THEAD|TBODY|TFOOT)$/.test(child.nodeName))
      rows.push(...children(child).filter((c) => c.nodeName === 'TR'))
  }
  return rows
}

function tableText(table: DomNode): string {
  const caption = children(table).find((c) => c.nodeName === 'CAPTION')
  const rows = tableRows(table).map((tr) =>
    children(tr).filter((c) => c.nodeName === 'TD' || c.nodeName === 'TH'),
  )
  const headed =
    rows[0]?.some((c) => c.nodeName === 'TH') || children(table).some((c) => c.nodeName === 'THEAD')
  const sentences = tableSentences(
    rows.map((cells) => cells.map((c) => inlineText(c))),
    headed ? true : 'auto',
  )
  const title = caption ? inlineText(caption).trim() : ''
  return [title, ...sentences].filter(Boolean).join('\n\n')
}

const VOID = new Set('area,base,br,col,embed,hr,img,input,link,meta,param,source,track,wbr'.split(','))
// Elements whose end tag may be left out: they close themselves and cannot nest deeply.
const SELF_CLOSING = new Set(
  'html,head,body,p,li,dt,dd,tr,td,th,option,optgroup,thead,tbody,tfoot,colgroup,rb,rt,rtc,rp'.split(','),
)

/** Element nesting depth from the tags alone, in one pass: refused before building a DOM. */
export function htmlDepthExceeds(html: string, limit: number): boolean {
  let depth = 0
  for (const m of html.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*?(\/?)>/g)) {
    const name = (m[2] as string).toLowerCase()
    if (VOID.has(name) || SELF_CLOSING.has(name) || m[3]) continue
    depth += m[1] ? -1 : 1
    if (depth < 0) depth = 0
    if (depth > limit) return true
  }
  return false
}

function toMarkdown(root: DomNode): string {
  const out: string[] = []
  walk(root, out)
  return out
    .join('')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n[ \t]+(?=[^\s-])/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

export function htmlToMarkdown(
  html: string,
  limits: ParseLimits,
): { title: string | null; markdown: string } {
  // The DOM walk, linkedom and Readability recurse per level: deep nesting is refused up front.
  if (htmlDepthExceeds(html, limits.maxDepth)) throw tooDeep(limits)
  let { document } = parseHTML(html)
  // A fragment ("<p>…</p>", a bare table, plain words) or a page without a <body> tag: linkedom
  // then makes the first element, or nothing, the root, and reading `body` adds an empty one of its
  // own, so nothing would be read. Read the whole text as a page's body instead.
  if (document.documentElement?.nodeName !== 'HTML' || !document.querySelector('body')) {
    ;({ document } = parseHTML(`<!doctype html><html><head></head><body>${html}</body></html>`))
  }
  const titleEl = document.querySelector('title')
  const title = titleEl?.textContent?.replace(/\s+/g, ' ').trim() || null
  for (const el of Array.from(document.querySelectorAll(DROP))) el.remove()
  const marked =
    document.querySelector('main') ??
    document.querySelector('article') ??
    document.querySelector('[role=main]')
  if (marked) return { title, markdown: toMarkdown(marked as unknown as DomNode) }
  const body = (document.body ?? document.documentElement) as unknown as DomNode
  const fallback = toMarkdown(body)
  try {
    // Readability mutates the document, so it runs last, on what is left.
    const article = new Readability(document as unknown as Document, { charThreshold: 200 }).parse()
    if (article?.content) {
      const md = toMarkdown(parseHTML(`<body>${article.content}</body>`).document.body as unknown as DomNode)
      // Readability sometimes keeps only a fragment of short pages; prefer the whole body then.
      if (md.length >= fallback.length * 0.5) return { title: title ?? article.title ?? null, markdown: md }
    }
  } catch {
    // fall through to the body
  }
  return { title, markdown: fallback }
}
