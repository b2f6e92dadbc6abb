import { describeUserAgent, formatDate } from '../lib/format'

/** Event types in words (docs/api.md §14); an unknown type shows as sent. */
export const AUDIT_EVENT_WORDS: Record<string, string> = {
  sign_in: 'Signed in',
  sign_in_failed: 'Failed sign-in',
  sign_out: 'Signed out',
  sign_out_all: 'Signed out everywhere',
  session_revoked: 'Session revoked',
  password_changed: 'Password changed',
  password_reset_requested: 'Password reset requested',
  password_reset: 'Password reset',
  email_verified: 'Email verified',
  email_changed: 'Email changed',
  mfa_enabled: 'Two-factor turned on',
  mfa_disabled: 'Two-factor turned off',
  api_key_created: 'API key created',
  api_key_revoked: 'API key revoked',
  account_deleted: 'Account deleted',
  user_role_changed: 'Role changed',
  user_disabled: 'Account disabled',
  user_enabled: 'Account enabled',
  document_added: 'Document added',
  document_deleted: 'Document deleted',
  space_created: 'Space created',
  space_deleted: 'Space deleted',
  space_member_added: 'Space member added',
  space_member_removed: 'Space member removed',
  space_updated: 'Space updated',
  space_member_role_changed: 'Space member role changed',
  space_invitation_sent: 'Space invitation sent',
  reset_link_created: 'Password reset link created',
  user_created: 'Account created',
  mfa_recovery_code_used: 'Recovery code used',
  recovery_codes_regenerated: 'Recovery codes renewed',
}

export function eventWords(type: string): string {
  return AUDIT_EVENT_WORDS[type] ?? type
}

/**
 * "reason: wrong_password · sessions_revoked: 2" — details are ids and small facts only.
 * `ids: false` (a person's own activity) leaves out the ids (`session_id`, `api_key_id`, …): a
 * UUID tells its owner nothing, and the admin's audit log still shows them.
 */
export function detailsText(details: Record<string, unknown>, options: { ids?: boolean } = {}): string {
  const ids = options.ids ?? true
  return Object.entries(details)
    .filter(([k]) => ids || !/(^|_)id$/.test(k))
    .map(
      ([k, v]) => `${k.replaceAll('_', ' ')}: ${typeof v === 'string' ? v.replaceAll('_', ' ') : String(v)}`,
    )
    .join(' · ')
}

export function EventWhereWhen(props: { at: string; ip: string | null; userAgent: string | null }) {
  return (
    <span className="muted">
      {formatDate(props.at)}
      {props.ip ? ` · ${props.ip}` : ''}
      {props.userAgent ? ` · ${describeUserAgent(props.userAgent)}` : ''}
    </span>
  )
}
