import { formatDate } from '../lib/format'
import type { ResetLink } from '../lib/types'
import { CopyBox } from './copy-box'

/**
 * A one-time link an admin hands over (docs/api.md §14): the URL to copy and when it stops
 * working. Shown once, in this page only; making a new one voids it.
 */
export function ResetLinkBox({ link, who, onDone }: { link: ResetLink; who: string; onDone: () => void }) {
  return (
    <section className="new-key reset-link" aria-label={`Reset link for ${who}`}>
      <p className="new-key-title">
        A one-time link for {who} to set a password. It works once, until {formatDate(link.expires_at)}; send
        it by a channel you trust.
      </p>
      <CopyBox value={link.url} what="link" onDone={onDone} />
    </section>
  )
}
