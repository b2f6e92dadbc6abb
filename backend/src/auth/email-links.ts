// One-time links of docs/api.md §12: verification, password reset and change of email. A token is
// 32 random bytes (base64url); only its SHA-256 is stored, so the table cannot be replayed; it is
// used once, expires, and a newer token of the same purpose voids the older ones.
import { createHash, randomBytes } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import type { Config } from '../config.js'
import type { Conn } from '../db/client.js'
import { findLiveToken, insertEmailToken, type TokenPurpose, voidTokens } from '../db/queries/email-tokens.js'
import type { EmailTokenRow } from '../db/schema/index.js'
import { AppError } from '../errors.js'
import type { Clock } from '../lib/clock.js'
import { uuidv7 } from '../lib/ids.js'
import { type LinkPage, linkUrl, type Notice, noticeMail } from '../mail/messages.js'
import { queueMail } from '../mail/outbox.js'
import { constantTimeEqual, isWellFormedToken } from './tokens.js'

export const VERIFY_TTL_MS = 24 * 60 * 60_000
export const RESET_TTL_MS = 30 * 60_000
export const CHANGE_EMAIL_TTL_MS = 24 * 60 * 60_000
/** The link handed over with an account an admin creates: the new person may not be at hand. */
export const NEW_ACCOUNT_LINK_TTL_MS = 7 * 24 * 60 * 60_000

const PAGE_OF: Record<TokenPurpose, LinkPage> = {
  verify: 'verify-email',
  reset: 'reset-password',
  change_email: 'confirm-email',
}

export function hashLinkToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

export interface IssuedLink {
  url: string
  expiresAt: Date
}

/**
 * A new token for `user` (older unused ones of this purpose are voided) and its link. `emailed`
 * says the link goes to the user's address (so using it proves the address).
 */
/** Advisory lock class for issuing a user's links (the second key is the user id's hash). */
const LOCK_LINK_ISSUE = 72_600_102

/**
 * One issuance per user at a time (until the transaction ends): two requests at once would each
 * void the other's uncommitted link and leave both live. Taken before any token or user row.
 */
export async function holdLinkIssue(conn: Conn, userId: string): Promise<void> {
  await conn.query('select pg_advisory_xact_lock($1, hashtext($2))', [LOCK_LINK_ISSUE, userId])
}

export async function issueLink(
  conn: Conn,
  deps: { config: Config; clock: Clock },
  opts: {
    purpose: TokenPurpose
    user: { id: string; email: string }
    emailed: boolean
    ttlMs: number
    newEmail?: string
  },
): Promise<IssuedLink> {
  const publicUrl = deps.config.publicUrl
  if (!publicUrl) {
    throw new AppError('service_unavailable', {
      detail: 'PUBLIC_URL is not set: links are built from it, never from the request',
    })
  }
  const now = deps.clock.now()
  await holdLinkIssue(conn, opts.user.id)
  await voidTokens(conn, opts.user.id, opts.purpose, new Date(now))
  const token = randomBytes(32).toString('base64url')
  const expiresAt = new Date(now + opts.ttlMs)
  await insertEmailToken(conn, {
    id: uuidv7(now),
    purpose: opts.purpose,
    userId: opts.user.id,
    tokenHash: hashLinkToken(token),
    email: opts.user.email,
    newEmail: opts.newEmail ?? null,
    emailed: opts.emailed,
    expiresAt,
    createdAt: new Date(now),
  })
  return { url: linkUrl(publicUrl, PAGE_OF[opts.purpose], token), expiresAt }
}

/**
 * The live token of this purpose, or 422 invalid_token for a malformed, unknown, used, expired,
 * voided or other-purpose one, or one made for an address the user no longer has.
 */
export async function findLink(
  conn: Conn,
  clock: Clock,
  token: string,
  purpose: TokenPurpose,
  currentEmail: (userId: string) => Promise<string | null>,
): Promise<EmailTokenRow> {
  if (!isWellFormedToken(token)) throw new AppError('invalid_token')
  const hash = hashLinkToken(token)
  const row = await findLiveToken(conn, hash, new Date(clock.now()))
  if (!row || !constantTimeEqual(row.tokenHash, hash) || row.purpose !== purpose) {
    throw new AppError('invalid_token')
  }
  if ((await currentEmail(row.userId)) !== row.email) throw new AppError('invalid_token')
  return row
}

/** A notice of an account change to `to` (docs/api.md §12), in `conn`'s transaction; nothing without SMTP. */
export function queueNotice(
  conn: Conn,
  deps: { config: Config; clock: Clock },
  to: string,
  notice: Notice,
  request?: FastifyRequest,
): Promise<boolean> {
  return queueMail(conn, deps, noticeMail(to, notice, deps.config.publicUrl), request)
}
