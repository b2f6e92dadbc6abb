import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useEffect, useId, useRef, useState } from 'react'
import { API_BASE, api } from '../lib/api'
import { describeError, formErrors } from '../lib/error-messages'
import { formatDate, timeAgo } from '../lib/format'
import type { ApiKey, CreatedApiKey } from '../lib/types'
import { ConfirmAction } from './confirm-action'
import { CopyBox } from './copy-box'
import { CurrentPasswordField } from './current-password-field'
import { FormError } from './form-error'
import { Loading } from './spinner'
import { SubmitButton } from './submit-button'
import { TextField } from './text-field'

export const API_KEYS_KEY = ['api-keys'] as const

const EXPIRY_CHOICES = [
  { value: '', label: 'Never' },
  { value: '7', label: 'In 7 days' },
  { value: '30', label: 'In 30 days' },
  { value: '90', label: 'In 90 days' },
  { value: '365', label: 'In a year' },
]

/** Where OpenAI clients point (docs/api.md §11): this server's /v1, or VITE_API_URL's. */
function openAiBaseUrl(): string {
  return `${API_BASE || window.location.origin}/v1`
}

/** docs/api.md §9/§11: the "API keys" region on /account — create (shown once), list, revoke. */
export function ApiKeysSection() {
  const queryClient = useQueryClient()
  const keys = useQuery({ queryKey: API_KEYS_KEY, queryFn: api.apiKeys })
  const [created, setCreated] = useState<CreatedApiKey | null>(null)
  // A revoked key's item takes the focused Revoke with it: focus goes to the section's heading.
  const headingRef = useRef<HTMLHeadingElement>(null)
  const revoke = useMutation({
    mutationFn: api.revokeApiKey,
    onSuccess: (_data, id) => {
      headingRef.current?.focus()
      if (created?.id === id) setCreated(null)
      return queryClient.invalidateQueries({ queryKey: API_KEYS_KEY })
    },
  })
  // The new key is shown inside its own list item (its Copy beside its Revoke, §9), also before
  // the list is fetched again with it: newest first.
  const fetched = keys.data ?? []
  const listed = created && !fetched.some((k) => k.id === created.id) ? [created, ...fetched] : fetched
  return (
    <section className="card" aria-labelledby="api-keys-title">
      <h2 id="api-keys-title" ref={headingRef} tabIndex={-1}>
        API keys
      </h2>
      <p className="muted">
        Keys let scripts and OpenAI-compatible clients (Open WebUI, LibreChat, the <code>openai</code>{' '}
        libraries) ask your documents: base URL <code>{openAiBaseUrl()}</code>, model <code>rag-auth</code>. A
        key acts as you, without administrator rights, and never opens this page.
      </p>
      {keys.isPending ? <Loading label="Loading API keys…" /> : null}
      <FormError message={keys.error ? describeError(keys.error) : null} />
      <FormError message={revoke.error ? describeError(revoke.error) : null} />
      {keys.isSuccess && listed.length === 0 ? <p className="muted">No API keys yet.</p> : null}
      <ul className="session-list">
        {listed.map((key) => (
          <ApiKeyItem
            key={key.id}
            apiKey={key}
            created={created?.id === key.id ? created : null}
            onDone={() => {
              // Done takes the focused button away with the key: focus goes to the section's heading.
              headingRef.current?.focus()
              setCreated(null)
            }}
            onRevoke={() => revoke.mutate(key.id)}
            revoking={revoke.isPending && revoke.variables === key.id}
          />
        ))}
      </ul>
      <CreateKeyForm
        onCreated={(key) => {
          setCreated(key)
          void queryClient.invalidateQueries({ queryKey: API_KEYS_KEY })
        }}
      />
    </section>
  )
}

/**
 * The key itself, shown this once inside its list item. The form that made it is further down
 * the page: the key is scrolled into view, keyboard focus moves to its `Copy`, and the section's
 * name (its title) is what a screen reader says on arriving there.
 */
function NewKey({ created, onDone }: { created: CreatedApiKey; onDone: () => void }) {
  const box = useRef<HTMLElement>(null)
  const copy = useRef<HTMLButtonElement>(null)
  const titleId = useId()
  useEffect(() => {
    copy.current?.focus({ preventScroll: true })
    box.current?.scrollIntoView({ block: 'center' })
  }, [])
  return (
    <section ref={box} className="new-key" aria-labelledby={titleId}>
      <p className="new-key-title" id={titleId} role="status">
        Your new key “{created.name}”. Copy it now: it is not shown again.
      </p>
      <CopyBox value={created.key} what="key" onDone={onDone} copyRef={copy} />
    </section>
  )
}

function ApiKeyItem({
  apiKey,
  created,
  onDone,
  onRevoke,
  revoking,
}: {
  apiKey: ApiKey
  created: CreatedApiKey | null
  onDone: () => void
  onRevoke: () => void
  revoking: boolean
}) {
  const nameId = useId()
  const expired = apiKey.expires_at !== null && Date.parse(apiKey.expires_at) <= Date.now()
  return (
    <li className="session api-key" aria-labelledby={nameId}>
      <div className="session-info">
        <p className="session-device">
          <span id={nameId}>{apiKey.name}</span>
          {apiKey.scopes.map((scope) => (
            <span key={scope} className="badge">
              {scope}
            </span>
          ))}
          {expired ? <span className="badge badge-warning">expired</span> : null}
        </p>
        <p className="muted session-details">
          <span>
            <code>{apiKey.prefix}…</code>
          </span>
          <span>Created {formatDate(apiKey.created_at)}</span>
          <span>{apiKey.last_used_at ? `Last used ${timeAgo(apiKey.last_used_at)}` : 'Never used'}</span>
          <span>
            {apiKey.expires_at
              ? `${expired ? 'Expired' : 'Expires'} ${formatDate(apiKey.expires_at)}`
              : 'Does not expire'}
          </span>
        </p>
      </div>
      <ConfirmAction
        label="Revoke"
        confirmLabel="Confirm revoke"
        question="Revoke this key? What uses it stops working."
        onConfirm={onRevoke}
        busy={revoking}
        title={`Revoke the key ${apiKey.name}`}
      />
      {created ? <NewKey created={created} onDone={onDone} /> : null}
    </li>
  )
}

function CreateKeyForm({ onCreated }: { onCreated: (key: CreatedApiKey) => void }) {
  const [name, setName] = useState('')
  const [write, setWrite] = useState(false)
  const [expiry, setExpiry] = useState('')
  const [password, setPassword] = useState('')
  const expiryId = useId()
  const create = useMutation({
    mutationFn: api.createApiKey,
    onSuccess: (key) => {
      setName('')
      setWrite(false)
      setExpiry('')
      setPassword('')
      onCreated(key)
    },
  })
  const errors = create.error ? formErrors(create.error) : { fields: {}, form: null }
  const onSubmit = (event: FormEvent) => {
    event.preventDefault()
    create.mutate({
      name,
      password,
      scopes: write ? ['read', 'write'] : ['read'],
      ...(expiry ? { expires_in_days: Number(expiry) } : {}),
    })
  }
  return (
    <form className="form api-key-form" onSubmit={onSubmit} noValidate>
      <h3 className="form-title">New key</h3>
      <TextField
        label="Key name"
        name="name"
        autoComplete="off"
        maxLength={100}
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={errors.fields.name}
        hint="What uses it, e.g. “CI job” or “Open WebUI”."
      />
      <div className="field field-checkbox">
        <label>
          <input type="checkbox" checked={write} onChange={(e) => setWrite(e.target.checked)} /> Allow changes
          (write scope: documents, conversations, feedback)
        </label>
      </div>
      <div className="field">
        <label htmlFor={expiryId}>Expires</label>
        <select id={expiryId} value={expiry} onChange={(e) => setExpiry(e.target.value)}>
          {EXPIRY_CHOICES.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </select>
      </div>
      <CurrentPasswordField
        name="password"
        value={password}
        onChange={setPassword}
        errors={errors.fields}
        hint="Asked again: a key works until you revoke it."
      />
      <FormError message={errors.form} />
      <SubmitButton pending={create.isPending}>Create key</SubmitButton>
    </form>
  )
}
