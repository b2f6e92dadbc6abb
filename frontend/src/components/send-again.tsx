import { useMutation } from '@tanstack/react-query'
import { api } from '../lib/api'
import { describeError } from '../lib/error-messages'
import { FormError, Notice } from './form-error'

/** `Send again`: a new verification email to the signed-in user (202; at most 3 an hour, then 429). */
export function SendAgain({ className }: { className?: string }) {
  const resend = useMutation({ mutationFn: api.resendVerification })
  return (
    <div className={className}>
      {resend.isSuccess ? <Notice message="We sent a new link. Check your inbox." /> : null}
      <FormError message={resend.error ? describeError(resend.error) : null} />
      <button
        type="button"
        className="button"
        onClick={() => resend.mutate()}
        disabled={resend.isPending}
        aria-busy={resend.isPending}
      >
        Send again
      </button>
    </div>
  )
}
