import { useQueryClient } from '@tanstack/react-query'
import { type DragEvent, type FormEvent, type ReactNode, useId, useState } from 'react'
import { describeError } from '../lib/error-messages'
import { uploadOutcomeWords, uploadWithProgress } from '../lib/upload'
import { FormError } from './form-error'
import { SubmitButton } from './submit-button'

const ACCEPT = '.md,.markdown,.txt,.html,.htm,.pdf,text/markdown,text/plain,text/html,application/pdf'

interface Job {
  key: string
  name: string
  progress: number
  state: 'waiting' | 'sending' | 'done' | 'failed'
  message: string
}

/**
 * The "Add a document" card: uploads one or more files (chosen, or dropped anywhere on the card)
 * one after the other as multipart field `file` (POST /api/documents, into `spaceId`: editors and
 * owners of that space), each with its own progress bar and outcome. `children` say what the
 * card takes, under its heading.
 */
export function UploadSection({
  spaceId = null,
  children,
}: {
  spaceId?: string | null
  children: ReactNode
}) {
  const queryClient = useQueryClient()
  const id = useId()
  const [files, setFiles] = useState<File[]>([])
  const [inputKey, setInputKey] = useState(0)
  const [missing, setMissing] = useState(false)
  const [jobs, setJobs] = useState<Job[]>([])
  const [busy, setBusy] = useState(false)
  const [dragging, setDragging] = useState(false)

  const update = (key: string, patch: Partial<Job>) =>
    setJobs((all) => all.map((j) => (j.key === key ? { ...j, ...patch } : j)))

  const uploadAll = async (chosen: File[]) => {
    const batch = chosen.map((file, i) => ({
      key: `${Date.now()}-${i}-${file.name}`,
      name: file.name,
      progress: 0,
      state: 'waiting' as const,
      message: 'Waiting…',
    }))
    setJobs(batch)
    setBusy(true)
    for (const [i, file] of chosen.entries()) {
      const job = batch[i]
      if (!job) continue
      update(job.key, { state: 'sending', message: 'Uploading…' })
      try {
        const result = await uploadWithProgress(file, (progress) => update(job.key, { progress }), spaceId)
        update(job.key, {
          state: 'done',
          progress: 1,
          message: uploadOutcomeWords(result),
        })
      } catch (error) {
        update(job.key, { state: 'failed', message: describeError(error) })
      }
    }
    setBusy(false)
    setFiles([])
    setInputKey((k) => k + 1) // clears the file input
    // Document lists and the spaces' document counts.
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: ['documents'] }),
      queryClient.invalidateQueries({ queryKey: ['spaces'] }),
    ])
  }

  const onSubmit = (event: FormEvent) => {
    event.preventDefault()
    if (files.length === 0) {
      setMissing(true)
      return
    }
    setMissing(false)
    void uploadAll(files)
  }
  const onDrop = (event: DragEvent) => {
    event.preventDefault()
    setDragging(false)
    const dropped = Array.from(event.dataTransfer.files)
    if (dropped.length > 0 && !busy) {
      setMissing(false)
      void uploadAll(dropped)
    }
  }

  return (
    <section
      className={dragging ? 'card upload-card dragging' : 'card upload-card'}
      aria-labelledby={`${id}-title`}
      onDragOver={(event) => {
        event.preventDefault()
        setDragging(true)
      }}
      onDragLeave={(event) => {
        // Moving over the card's own heading or fields is still over the card.
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDragging(false)
      }}
      onDrop={onDrop}
    >
      <h2 id={`${id}-title`}>Add a document</h2>
      {children}
      <form className="form upload-form" onSubmit={onSubmit} noValidate>
        <div className="field">
          <label htmlFor={id}>File</label>
          <input
            key={inputKey}
            id={id}
            name="file"
            type="file"
            multiple
            accept={ACCEPT}
            aria-describedby={`${id}-hint`}
            aria-invalid={missing ? true : undefined}
            onChange={(e) => {
              setFiles(Array.from(e.target.files ?? []))
              setMissing(false)
            }}
          />
          <p id={`${id}-hint`} className="field-hint">
            Choose one or more files, or drop them here: Markdown, text, HTML or PDF.
          </p>
        </div>
        <FormError message={missing ? 'Choose a file first.' : null} />
        {jobs.length > 0 ? (
          <ul className="upload-jobs" aria-label="Uploads">
            {jobs.map((job, i) => (
              <li key={job.key} className={`upload-job upload-${job.state}`}>
                <span className="upload-name">{job.name}</span>
                <progress
                  max={1}
                  value={job.state === 'failed' ? 1 : job.progress}
                  aria-label={`Upload of ${job.name}`}
                  aria-valuetext={job.state === 'failed' ? 'Failed' : `${Math.round(job.progress * 100)}%`}
                  aria-describedby={`${id}-job-${i}`}
                />
                <span id={`${id}-job-${i}`} role={job.state === 'failed' ? 'alert' : 'status'}>
                  {job.message}
                </span>
              </li>
            ))}
          </ul>
        ) : null}
        <SubmitButton pending={busy}>Upload</SubmitButton>
      </form>
    </section>
  )
}
