// The emails of docs/api.md §12: plain text plus a simple HTML part, no images, no tracking. Links
// carry their token in the fragment (#token=…), which browsers never send to a server.
export interface MailMessage {
  to: string
  subject: string
  text: string
  html: string
}

export type LinkPage = 'verify-email' | 'reset-password' | 'confirm-email'

/** `<PUBLIC_URL>/<page>#token=<token>`: never built from a request's Host. */
export function linkUrl(publicUrl: string, page: LinkPage, token: string): string {
  return `${publicUrl}/${page}#token=${token}`
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** Paragraphs, and at most one button-like link; the same words in both parts. */
function compose(to: string, subject: string, paragraphs: string[], link?: { label: string; url: string }) {
  const text = [...paragraphs, ...(link ? [`${link.label}: ${link.url}`] : []), '— rag-auth'].join('\n\n')
  const body = paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`)
  if (link) {
    body.push(
      `<p><a href="${escapeHtml(link.url)}" style="display:inline-block;padding:8px 16px;background:#2563eb;color:#fff;text-decoration:none;border-radius:4px">${escapeHtml(link.label)}</a></p>`,
      `<p style="font-size:12px;color:#555">Or copy this address into your browser: ${escapeHtml(link.url)}</p>`,
    )
  }
  const html = `<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">${body.join('')}<p style="color:#555">— rag-auth</p></body></html>`
  return { to, subject, text, html }
}

const IGNORE = 'If you did not ask for this, you can ignore this email.'
const NOT_YOU =
  'If this was not you, reset your password at once and review your sessions and API keys on your account page.'

export function verifyMail(to: string, url: string): MailMessage {
  return compose(
    to,
    'Confirm your email address',
    [
      'Confirm that this address is yours to finish setting up your account. The link works once, for 24 hours.',
      IGNORE,
    ],
    { label: 'Confirm email', url },
  )
}

export function resetMail(to: string, url: string): MailMessage {
  return compose(
    to,
    'Reset your password',
    [
      'Someone (hopefully you) asked to reset the password of the account with this address. The link works once, for 30 minutes.',
      IGNORE,
    ],
    { label: 'Set a new password', url },
  )
}

export function confirmEmailChangeMail(to: string, url: string): MailMessage {
  return compose(
    to,
    'Confirm your new email address',
    [
      'Confirm that this address should become the email of your account. The link works once, for 24 hours.',
      IGNORE,
    ],
    { label: 'Confirm new email', url },
  )
}

export type Notice =
  | 'password_changed'
  | 'password_reset'
  | 'email_changed_old'
  | 'email_changed_new'
  | 'mfa_enabled'
  | 'mfa_disabled'
  | 'api_key_created'

const NOTICES: Record<Notice, { subject: string; says: string }> = {
  password_changed: {
    subject: 'Your password was changed',
    says: 'The password of your account was changed.',
  },
  password_reset: {
    subject: 'Your password was reset',
    says: 'The password of your account was reset with a one-time link; every session and API key was signed out.',
  },
  email_changed_old: {
    subject: 'Your email address was changed',
    says: 'The email address of your account was changed: this address no longer signs in.',
  },
  email_changed_new: {
    subject: 'Your email address was changed',
    says: 'This is now the email address of your account.',
  },
  mfa_enabled: {
    subject: 'Two-factor sign-in turned on',
    says: 'Two-factor sign-in was turned on for your account.',
  },
  mfa_disabled: {
    subject: 'Two-factor sign-in turned off',
    says: 'Two-factor sign-in was turned off for your account.',
  },
  api_key_created: { subject: 'A new API key', says: 'A new API key was created for your account.' },
}

export function noticeMail(to: string, notice: Notice, publicUrl: string | null): MailMessage {
  const { subject, says } = NOTICES[notice]
  const account = publicUrl ? ` (${publicUrl}/account)` : ''
  return compose(to, subject, [says, `${NOT_YOU}${account}`])
}
