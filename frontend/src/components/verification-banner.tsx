import { useAuthOptions } from '../lib/auth-options'
import type { User } from '../lib/types'
import { SendAgain } from './send-again'

/**
 * Shown on every signed-in page while the server requires a verified email and this user's is
 * not (docs/api.md §12): until then most of the API answers 403 `email_unverified`.
 */
export function VerificationBanner({ user }: { user: User }) {
  const options = useAuthOptions()
  if (options?.email_verification !== 'required' || user.email_verified) return null
  return (
    <section className="banner" aria-labelledby="verify-banner-title">
      <div>
        <h2 id="verify-banner-title" className="banner-title">
          Verify your email address
        </h2>
        <p className="banner-text">
          Open the link we sent to <strong>{user.email}</strong> to start using rag-auth. Until then you can
          only manage your account.
        </p>
      </div>
      {options.email ? <SendAgain className="banner-action" /> : null}
    </section>
  )
}
