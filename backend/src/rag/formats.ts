// Document formats and how their stored text is read. No imports: the UI's document view reads
// the same rule (frontend/src/pages/document-page.tsx).

export type DocumentFormat = 'markdown' | 'text' | 'html' | 'pdf'

/** Text and PDF documents are plain paragraphs: never read as Markdown (HTML is read as Markdown). */
export const isPlainFormat = (format: string): boolean => format === 'text' || format === 'pdf'
