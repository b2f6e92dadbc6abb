// Markdown to plain text: the one stripper for headings, titles, snippets, answers and the
// sentences whose lexemes Postgres stores at ingestion (chunks.sentence_lexemes), so the words an
// answer shows are the words it was weighed by. Regular expressions rather than marked's lexer:
// a server that only answers must not load marked (backend/test/integration/lazy-modules.test.ts,
// the idle-memory budget).

import { isPlaceholder, TAG } from './html-markup.js'

/** A fence line (```ts, ~~~): nothing to read. */
export const FENCE_LINE = /^\s*(?:`{3,}|~{3,})[^`]*$/
/** A table's rule line (| --- | :-: |): nothing to read. */
export const TABLE_RULE = /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/
export const TABLE_ROW = /^\s*\|/
/** Headings, block quotes, bullets and numbered items, nested ("> - item") too. */
const BLOCK_PREFIX = /^\s*(?:#{1,6}\s+|>\s*|[-*+]\s+|\d+[.)]\s+)+/
/** Bracketed numbers ([1], [2, 3]) would read as an answer's citation markers. */
const BRACKETED_NUMBERS = /\[\s*\d+(?:\s*[,;]\s*\d+)*\s*\]/g
/**
 * An editor's note attached to the words it is about, as Wikipedia writes them ("debts).[citation
 * needed]", "solidarity.[page needed]", "[original research?]"): about the text, not part of it.
 */
const EDITORIAL_NOTES =
  /(?<=[\p{L}\p{N}.,;:!?)"'”’\]])\[(?=[^\]]{2,40}\])[a-z][a-z,'’-]*(?: [a-z,'’-]+)*(?:(?<=[a-z,'’-] [a-z,'’-]+)|\?)\](?!\()/gu

/** A text without its bracketed numbers and editor's notes. */
export const withoutNotes = (text: string) => text.replace(BRACKETED_NUMBERS, '').replace(EDITORIAL_NOTES, '')

/**
 * A code span (kept), or a link or image whose text may hold code spans — inline
 * `[text](url "title")`, or by reference `[text][ref]` where a word may start (Wikipedia's notes,
 * "debts).[citation needed][original research?]", are not links): the link is its text.
 */
const LINK_OR_CODE =
  /(`[^`]+`)|!?\[((?:`[^`]*`|[^\]`])+)\]\([^()\s]*(?:\([^()\s]*\)[^()\s]*)*(?:\s+"[^"]*")?\)|(?<![^\s(])\[((?:`[^`]*`|[^\]`])+)\]\[[^\]]*\]/g

/**
 * Inline Markdown to plain text: links, images, emphasis, code ticks, HTML tags, bracketed numbers.
 * With `keepCode`, code spans keep their ticks (an answer shows `npm start` as code).
 */
export function inlinePlain(text: string, keepCode = false): string {
  // Code spans are kept as written (`<neon url>` is a placeholder, not a tag); the rest loses its
  // Markdown and HTML syntax. A link's text may itself be a code span ("[`@fastify/cors`](…)"), so
  // links are read first, code spans passed over whole on the way.
  return text
    .replace(LINK_OR_CODE, (all, code?: string, inline?: string, byRef?: string) =>
      code ? all : (inline ?? byRef ?? ''),
    )
    .split(/(`[^`]+`)/)
    .map((part) => (/^`[^`]+`$/.test(part) ? (keepCode ? part : part.slice(1, -1)) : prosePlain(part)))
    .join('')
    .replace(/\s+/g, ' ')
    .trim()
}

/**
 * Emphasis opens after a blank and closes before one (snake_case and 3 * 4 stay as written); HTML
 * markup is removed (html-markup.ts), comparisons ("a < b and c > d") are not, nor placeholders
 * written like tags ("https://<user>-<space>.hf.space", "<neon url>", "npm run x <dir>").
 */
function prosePlain(text: string): string {
  const linkText = text.replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
  return withoutNotes(linkText)
    .replace(/(\*\*|__|~~)(.+?)\1/g, '$2')
    .replace(/(^|[\s(])([*_])(?!\s)(.+?)(?<!\s)\2(?=[\s).,;:!?]|$)/g, '$1$3')
    .replace(TAG, (tag: string, _close, _name, _attributes, at: number, whole: string) =>
      isPlaceholder(tag, whole.slice(at + tag.length), whole.trim() === tag) ? tag : '',
    )
}

/** A list item's bullet or number (at most three digits: "2024. The year …" opens no item). */
export const PLAIN_ITEM = /^\s*(?:[-*+•]|\d{1,3}[.)])\s+/

/**
 * One line (or sentence) of a plain document (text, PDF), which is never read as Markdown: its
 * words as written, without a list item's bullet and without bracketed numbers (they would read as
 * an answer's citation markers).
 */
export function plainTextLine(raw: string): string {
  return withoutNotes(raw.replace(PLAIN_ITEM, '')).replace(/\s+/g, ' ').trim()
}

/** A Markdown table row's cells, each as plain text. */
export function tableCells(raw: string): string[] {
  return raw
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split('|')
    .map((c) => inlinePlain(c))
}

/**
 * One line (or sentence) of Markdown as plain text; '' when it holds nothing to read. With
 * `keepCode`, code spans keep their ticks (not in table rows, whose cells are read one by one).
 */
export function plainLine(raw: string, keepCode = false): string {
  if (FENCE_LINE.test(raw) || TABLE_RULE.test(raw)) return ''
  if (TABLE_ROW.test(raw)) return tableCells(raw).filter(Boolean).join(' | ')
  return inlinePlain(raw.replace(BLOCK_PREFIX, ''), keepCode)
}
