import { useQuery } from '@tanstack/react-query'
import { type RefObject, useEffect, useRef } from 'react'
import type { Components } from 'react-markdown'
import { Link, useNavigate, useParams, useSearchParams } from 'react-router'
import { isPlainFormat } from '../../../backend/src/rag/formats'
import { AppShell } from '../components/app-shell'
import { FormError } from '../components/form-error'
import { Markdown } from '../components/markdown'
import { RequireAuth } from '../components/require-auth'
import { Loading } from '../components/spinner'
import { api } from '../lib/api'
import { ApiError } from '../lib/api-error'
import { headingWithoutTitle } from '../lib/citations'
import { describeError } from '../lib/error-messages'
import { formatDate } from '../lib/format'
import { type Passage, passagesOnce } from '../lib/passages'
import { spaceHref } from '../lib/spaces'
import { useDocumentTitle } from '../lib/use-document-title'
import { useSpaces } from '../lib/use-spaces'

export function DocumentPage() {
  return (
    <RequireAuth>
      {(user) => (
        <AppShell user={user}>
          <DocumentView />
        </AppShell>
      )}
    </RequireAuth>
  )
}

/** Inside the cited chunk every block's text is wrapped in <mark>: highlighted for eyes and for tests. */
const highlighted: Components = {
  p: ({ children }) => (
    <p>
      <mark>{children}</mark>
    </p>
  ),
  li: ({ children }) => (
    <li>
      <mark>{children}</mark>
    </li>
  ),
}

function DocumentView() {
  const { documentId = '' } = useParams()
  const [params] = useSearchParams()
  const chunkId = params.get('chunk')
  const navigate = useNavigate()
  const citedRef = useRef<HTMLElement>(null)
  const query = useQuery({ queryKey: ['document', documentId], queryFn: () => api.document(documentId) })
  useDocumentTitle(query.data?.title ?? 'Document')

  const cited = query.data?.chunks.find((chunk) => chunk.id === chunkId) ?? null
  useEffect(() => {
    if (!cited || !citedRef.current) return
    citedRef.current.scrollIntoView({ block: 'center' })
    citedRef.current.focus({ preventScroll: true })
  }, [cited])

  if (query.isPending) return <Loading label="Loading document…" />
  if (query.isError) {
    const missing = query.error instanceof ApiError && query.error.status === 404
    return (
      <div className="page">
        <h1>Document</h1>
        <FormError
          message={missing ? 'This document does not exist or was deleted.' : describeError(query.error)}
        />
        <Link to="/chat">Back to chat</Link>
      </div>
    )
  }
  const doc = query.data
  const back = () => (window.history.length > 1 ? navigate(-1) : navigate('/chat'))
  // Overlapping chunks share their edges: each passage of text is shown once.
  const passages = passagesOnce(doc.chunks, cited?.id ?? null)
  // Text and PDF documents were read as plain paragraphs: "# of pickers" is no heading there.
  const plain = isPlainFormat(doc.format)

  return (
    <article className="page document-page">
      <button type="button" className="link-button back-link" onClick={back}>
        ← Back
      </button>
      <header className="document-header">
        <h1>{doc.title}</h1>
        <p className="muted">
          <SpaceLink spaceId={doc.space_id} />
          {doc.source ? <span className="document-source">{doc.source}</span> : null}
          <span>Added {formatDate(doc.created_at)}</span>
          <span>{passages.length === 1 ? '1 passage' : `${passages.length} passages`}</span>
        </p>
        {chunkId && !cited ? (
          <p className="notice notice-warning" role="status">
            The cited passage is no longer in this document; it may have been updated.
          </p>
        ) : null}
      </header>
      {passages.map((passage, i) => (
        <ChunkView
          key={passage.chunk.id}
          passage={passage}
          heading={
            passage.chunk.heading !== (passages[i - 1]?.chunk.heading ?? null) &&
            (plain || !/^\s*#/.test(passage.text))
              ? headingWithoutTitle(doc.title, passage.chunk.heading)
              : null
          }
          cited={passage.chunk.id === cited?.id}
          citedRef={citedRef}
          plain={plain}
        />
      ))}
    </article>
  )
}

/** The space a document lives in, linked, when the reader can see it in their spaces. */
function SpaceLink({ spaceId }: { spaceId: string | undefined }) {
  const spaces = useSpaces()
  const space = spaces.data?.find((s) => s.id === spaceId)
  if (!space) return null
  return (
    <span>
      In <Link to={spaceHref(space)}>{space.name}</Link>
    </span>
  )
}

/** A plain document's passage: its paragraphs as written, nothing read as Markdown. */
function PlainText({ text, marked }: { text: string; marked: boolean }) {
  const paragraphs: { at: number; text: string }[] = []
  for (const m of text.matchAll(/[^\n]+(?:\n(?![ \t]*\n)[^\n]*)*/g)) {
    if (m[0].trim()) paragraphs.push({ at: m.index, text: m[0].trim() })
  }
  return (
    <div className="markdown plain-text">
      {paragraphs.map((p) => (
        <p key={p.at}>{marked ? <mark>{p.text}</mark> : p.text}</p>
      ))}
    </div>
  )
}

function ChunkView({
  passage,
  heading,
  cited,
  citedRef,
  plain,
}: {
  passage: Passage
  heading: string | null
  cited: boolean
  citedRef: RefObject<HTMLElement | null>
  plain: boolean
}) {
  const { chunk, text } = passage
  return (
    <section
      id={`chunk-${chunk.id}`}
      className={cited ? 'chunk chunk-cited highlight' : 'chunk'}
      ref={cited ? citedRef : undefined}
      tabIndex={cited ? -1 : undefined}
      aria-label={cited ? 'Cited passage' : undefined}
      aria-current={cited ? 'true' : undefined}
      data-highlighted={cited ? 'true' : undefined}
    >
      {cited ? <p className="cited-label">Cited passage</p> : null}
      {heading ? <h2 className="chunk-heading">{heading}</h2> : null}
      {plain ? (
        <PlainText text={text} marked={cited} />
      ) : (
        <Markdown text={text} components={cited ? highlighted : undefined} />
      )}
    </section>
  )
}
