import { type RefObject, useState } from 'react'
import { copyText } from '../lib/clipboard'
import { FormError, Notice } from './form-error'

/**
 * A secret shown once (a new API key, a one-time reset link): the value, `Copy` and `Done`, and
 * whether copying worked. The caller wraps it with its own title.
 */
export function CopyBox({
  value,
  what,
  onDone,
  copyRef,
}: {
  value: string
  what: 'key' | 'link'
  onDone: () => void
  copyRef?: RefObject<HTMLButtonElement | null>
}) {
  const [copied, setCopied] = useState<boolean | null>(null)
  return (
    <>
      <code className="new-key-value">{value}</code>
      <div className="new-key-actions">
        <button
          ref={copyRef}
          type="button"
          className="button button-primary"
          onClick={async () => setCopied(await copyText(value))}
        >
          Copy
        </button>
        <button type="button" className="button button-quiet" onClick={onDone}>
          Done
        </button>
      </div>
      {copied === true ? <Notice message="Copied to the clipboard." /> : null}
      {copied === false ? (
        <FormError message={`Could not copy: select the ${what} and copy it yourself.`} />
      ) : null}
    </>
  )
}
