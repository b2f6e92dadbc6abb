// Whether something written like a tag is HTML markup or a placeholder that only looks like one
// ("https://<user>-<space>.hf.space", "npm run space:prepare <dir>", "docker run <image>"). Shared
// by the server's Markdown stripper (plain-text.ts) and the UI's Markdown renderer
// (frontend/src/lib/remark-placeholders.ts), so an answer shows what its sources show.
import { htmlTagNames } from 'html-tag-names'

const ELEMENTS = new Set(htmlTagNames)
/** Void elements that mean something without attributes. */
const BARE_VOID = new Set(['br', 'hr', 'wbr'])

/** One tag: its closing slash, name and attributes. */
const ONE_TAG = /<(\/?)([A-Za-z][\w:-]*)(\s[^<>]*)?>/
/** Each tag or comment of a text. */
export const TAG = new RegExp(`${ONE_TAG.source}|<!--.*?-->`, 'g')
const WHOLE_TAG = new RegExp(`^${ONE_TAG.source}$`)

/**
 * Whether `written` (one tag, or any other raw HTML) is a placeholder rather than markup: a single
 * tag whose name is no HTML element ("<user>", "<neon url>"), or a known element's name written as
 * no HTML is — not a closing tag, without attributes, not `<br>`, not alone on its line and not
 * closed later in `after` ("<dir>", "<image>", "<title>"; but `<b>…</b>` is markup). Comments and
 * anything else are markup.
 */
export function isPlaceholder(written: string, after: string, alone: boolean): boolean {
  const m = WHOLE_TAG.exec(written)
  if (!m) return false
  const name = (m[2] as string).toLowerCase()
  if (!ELEMENTS.has(name)) return true
  const attributes = (m[3] ?? '').replace(/\/\s*$/, '').trim()
  if (m[1] || attributes || BARE_VOID.has(name) || alone) return false
  return !new RegExp(`</${name}\\s*>`, 'i').test(after)
}
