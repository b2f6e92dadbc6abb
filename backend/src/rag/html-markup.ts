// Whether something written like a tag is HTML markup or a placeholder that only looks like one
// ("https://<user>-<space>.hf.space", "npm run space:prepare <dir>", "docker run <image>"). Shared
// by the server's Markdown stripper (plain-text.ts) and the UI's Markdown renderer
// (frontend/src/lib/remark-placeholders.ts), so an answer shows what its sources show.
import { htmlTagNames } from 'html-tag-names'

const ELEMENTS = new Set(htmlTagNames)
/** Void elements that mean something without attributes. */
const BARE_VOID = new Set(['br', 'hr', 'wbr'])

/** One tag or comment: its closing slash, name and attributes. */
export const TAG = /<(\/?)([A-Za-z][\w:-]*)(\s[^<>]*)?>|<!--.*?-->/g

/**
 * Whether `tag` (one match of TAG) is markup: a comment, or a known HTML element written as HTML
 * is — a closing tag, with attributes, `<br>`, alone on its line, or closed later in `after`
 * (`<b>…</b>`). A known element's name used as a placeholder is none of these ("<dir>",
 * "<image>", "<title>"); an unknown name is never markup ("<user>", "<neon url>").
 */
export function isMarkup(tag: string, after: string, alone: boolean): boolean {
  const m = /^<(\/?)([A-Za-z][\w:-]*)(\s[^<>]*)?>$/.exec(tag)
  if (!m) return tag.startsWith('<!--')
  const name = (m[2] as string).toLowerCase()
  if (!ELEMENTS.has(name)) return false
  const attributes = (m[3] ?? '').replace(/\/\s*$/, '').trim()
  if (m[1] || attributes || BARE_VOID.has(name) || alone) return true
  return new RegExp(`</${name}\\s*>`, 'i').test(after)
}
