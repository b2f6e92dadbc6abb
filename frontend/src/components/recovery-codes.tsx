import { useEffect, useRef, useState } from 'react'
import { copyText } from '../lib/clipboard'

/** Recovery codes, shown once (docs/api.md §13): copy them or download them as a text file. */
export function RecoveryCodesList({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const [copied, setCopied] = useState<boolean | null>(null)
  const text = `${codes.join('\n')}\n`
  const href = `data:text/plain;charset=utf-8,${encodeURIComponent(text)}`
  // They replace the form whose button was focused: focus (and a screen reader) goes to what to do
  // with them, rather than to the page's start.
  const introRef = useRef<HTMLParagraphElement>(null)
  useEffect(() => introRef.current?.focus(), [])
  return (
    <div className="recovery-codes">
      <p ref={introRef} tabIndex={-1}>
        Keep these recovery codes somewhere safe. Each works once, in place of a code from your app, if you
        lose your phone. They are shown only now.
      </p>
      <ul className="recovery-code-list" aria-label="Recovery codes">
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ul>
      <div className="button-row">
        <a className="button" href={href} download="rag-auth-recovery-codes.txt">
          Download
        </a>
        <button type="button" className="button" onClick={async () => setCopied(await copyText(text))}>
          Copy
        </button>
        <button type="button" className="button button-primary" onClick={onDone}>
          Done
        </button>
      </div>
      {copied === null ? null : (
        <p className="notice" role="status">
          {copied ? 'Copied.' : 'Could not copy; select the codes and copy them by hand.'}
        </p>
      )}
    </div>
  )
}
