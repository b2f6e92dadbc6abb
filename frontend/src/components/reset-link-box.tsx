import { useState } from 'react'
import { copyText } from '../lib/clipboard'
import { formatDate } from '../lib/format'
import type { ResetLink } from '../lib/types'
import { FormError, Notice } from './form-error'

/**
 * A one-time link an admin hands over (docs/api.md §14): the URL to copy and when it stops
 * working. Shown once, in this page only; making a new one voids it.
 */
export function ResetLinkBox({ link, who, onDone }: { link: ResetLink; who: string; onDone: () => void }) {
  const [copied, setCopied] = useState<boolean | null>(null)
  return (
    <section className="new-key reset-link" aria-label={`Reset link for ${who}`}>
      <p className="new-key-title">
        A one-time link for {who} to set a password. It works once, until {formatDate(link.expires_at)}; send
        it by a channel you trust.
      </p>
      <code className="new-key-value">{link.url}</code>
      <div className="new-key-actions">
        <button
          type="button"
          className="button button-primary"
          onClick={async () => setCopied(await copyText(link.url))}
        >
          Copy
        </button>
        <button type="button" className="button button-quiet" onClick={onDone}>
          Done
        </button>
      </div>
      {copied === true ? <Notice message="Copied to the clipboard." /> : null}
      {copied === false ? (
        <FormError message="Could not copy: select the link and copy it yourself." />
      ) : null}
    </section>
  )
}
