import { useMutation, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useId, useState } from 'react'
import { api } from '../lib/api'
import { describeError } from '../lib/error-messages'
import { FormError, Notice } from './form-error'

const ACCEPT = '.md,.markdown,.txt,.html,.htm,.pdf,text/markdown,text/plain,text/html,application/pdf'

const passages = (n: number) => (n === 1 ? '1 passage' : `${n} passages`)

/** Uploads one file as multipart field `file` (POST /api/documents, admin only). */
export function UploadForm() {
  const queryClient = useQueryClient()
  const id = useId()
  const [file, setFile] = useState<File | null>(null)
  const [inputKey, setInputKey] = useState(0)
  const [missing, setMissing] = useState(false)
  const upload = useMutation({
    mutationFn: api.uploadDocument,
    onSuccess: () => {
      setFile(null)
      setInputKey((k) => k + 1) // clears the file input
      return queryClient.invalidateQueries({ queryKey: ['documents'] })
    },
  })
  const onSubmit = (event: FormEvent) => {
    event.preventDefault()
    if (!file) {
      setMissing(true)
      return
    }
    setMissing(false)
    upload.mutate(file)
  }
  const error = missing ? 'Choose a file first.' : upload.error ? describeError(upload.error) : null
  const result = upload.data
  return (
    <form className="form upload-form" onSubmit={onSubmit} noValidate>
      <div className="field">
        <label htmlFor={id}>File</label>
        <input
          key={inputKey}
          id={id}
          name="file"
          type="file"
          accept={ACCEPT}
          aria-invalid={error ? true : undefined}
          onChange={(e) => {
            setFile(e.target.files?.[0] ?? null)
            setMissing(false)
          }}
        />
      </div>
      <FormError message={error} />
      {result && !upload.isPending ? (
        <Notice
          message={
            result.created
              ? `Added “${result.document.title}” (${passages(result.document.chunks)}).`
              : `“${result.document.title}” is already in the library.`
          }
        />
      ) : null}
      <button
        type="submit"
        className="button button-primary"
        disabled={upload.isPending}
        aria-busy={upload.isPending}
      >
        Upload
      </button>
    </form>
  )
}
