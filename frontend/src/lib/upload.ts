import { apiUrl, reportSessionLost } from './api'
import { apiErrorFromResponse } from './api-error'
import type { UploadResult } from './types'

export interface UploadOutcome {
  /** 201: added; 200: identical content was already there (a no-op). */
  created: boolean
  document: UploadResult
}

const passages = (n: number) => (n === 1 ? '1 passage' : `${n} passages`)

/**
 * What an upload did, in words. A 200 is either identical content (nothing changed) or a changed
 * file at the same source, whose passages were replaced (§7): the answer does not say which, so the
 * words are true of both — the document now holds this file's content.
 */
export function uploadOutcomeWords({ created, document }: UploadOutcome): string {
  return created
    ? `Added “${document.title}” (${passages(document.chunks)}).`
    : `“${document.title}” was already in this space: it now has this file's content (${passages(document.chunks)}).`
}

/**
 * POST /api/documents as multipart field `file` (into `spaceId`, else the caller's default space),
 * reporting progress (0–1) while the body is sent.
 * XMLHttpRequest, because fetch has no upload progress; errors become the same ApiError as fetch's.
 */
export function uploadWithProgress(
  file: File,
  onProgress: (fraction: number) => void,
  spaceId?: string | null,
): Promise<UploadOutcome> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', apiUrl('/api/documents'))
    xhr.withCredentials = true
    xhr.setRequestHeader('Accept', 'application/json')
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total)
    }
    xhr.onerror = () => reject(new TypeError('Network error'))
    xhr.onload = async () => {
      const headers = new Headers()
      for (const line of xhr
        .getAllResponseHeaders()
        .trim()
        .split(/[\r\n]+/)) {
        const at = line.indexOf(':')
        if (at > 0) headers.append(line.slice(0, at).trim(), line.slice(at + 1).trim())
      }
      const response = new Response(xhr.status === 204 ? null : xhr.responseText, {
        status: xhr.status,
        headers,
      })
      if (!response.ok) {
        const error = await apiErrorFromResponse(response)
        reportSessionLost(error)
        reject(error)
        return
      }
      onProgress(1)
      resolve({ created: xhr.status === 201, document: JSON.parse(xhr.responseText) as UploadResult })
    }
    const form = new FormData()
    // Before the file: a streaming multipart reader knows the target space when the file arrives.
    if (spaceId) form.append('space_id', spaceId)
    form.append('file', file, file.name)
    xhr.send(form)
  })
}
