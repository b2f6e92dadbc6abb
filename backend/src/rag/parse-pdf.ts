// PDF → plain text (pages separated by blank lines) and the Title from its metadata, via unpdf.
import { extractText, getDocumentProxy, getMeta } from 'unpdf'
import { unusable } from './parse.js'

export async function pdfToText(bytes: Uint8Array): Promise<{ title: string | null; text: string }> {
  if (!startsWithPdfMagic(bytes)) throw unusable('The file is not a PDF')
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>
  try {
    // unpdf/pdf.js may detach the buffer it is given: pass a copy.
    pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 })
  } catch {
    throw unusable('The PDF could not be read (damaged or encrypted)')
  }
  try {
    const { text } = await extractText(pdf, { mergePages: false })
    let title: string | null = null
    try {
      const meta = await getMeta(pdf)
      const t = (meta.info as Record<string, unknown> | undefined)?.Title
      title = typeof t === 'string' && t.trim() ? t.trim() : null
    } catch {
      title = null
    }
    return { title, text: text.join('\n\n') }
  } catch {
    throw unusable('The PDF could not be read (damaged or encrypted)')
  } finally {
    await pdf.destroy().catch(() => {})
  }
}

function startsWithPdfMagic(bytes: Uint8Array): boolean {
  // "%PDF-" may follow a little junk; pdf.js accepts it within the first KiB.
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1')
  return head.includes('%PDF-')
}
