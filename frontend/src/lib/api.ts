import { apiErrorFromResponse, isSessionError } from './api-error'
import type {
  ActivityPage,
  AdminUser,
  AdminUserPatch,
  AdminUsersPage,
  ApiKey,
  AuditPage,
  AuthOptions,
  AuthResult,
  Conversation,
  ConversationPage,
  ConversationSummary,
  CreatedApiKey,
  CreatedUser,
  CreateUserInput,
  DocumentDetail,
  DocumentSummary,
  FeedbackPage,
  Me,
  MfaChallenge,
  Rating,
  RecoveryCodes,
  RequestBody,
  ResetLink,
  ResponseBody,
  SessionInfo,
  TotpSetup,
} from './types'

/**
 * The web UI authenticates with the HttpOnly `session_token` cookie only: it never sees,
 * reads or stores the token (the register/sign-in bodies carry it for Bearer clients; we drop it).
 * `VITE_API_URL` (build time) points a separately hosted UI at the API; default: same origin.
 */
export const API_BASE = ((import.meta.env.VITE_API_URL as string | undefined) ?? '').replace(/\/+$/, '')

export function apiUrl(path: string): string {
  return `${API_BASE}${path}`
}

type SessionLostListener = () => void
let sessionLostListener: SessionLostListener | null = null

/** Called whenever the API says the session is gone (401 auth_required / invalid_session). */
export function onSessionLost(listener: SessionLostListener | null): void {
  sessionLostListener = listener
}

export function reportSessionLost(error: unknown): void {
  if (isSessionError(error)) sessionLostListener?.()
}

export interface RequestOptions {
  method?: string
  json?: unknown
  body?: BodyInit
  headers?: Record<string, string>
  signal?: AbortSignal
}

/** Low-level fetch with cookies; throws ApiError for any non-2xx. */
export async function apiFetch(path: string, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers }
  let body = options.body
  if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(options.json)
  }
  const response = await fetch(apiUrl(path), {
    method: options.method ?? 'GET',
    headers,
    body,
    credentials: 'include',
    signal: options.signal,
  })
  if (!response.ok) {
    const error = await apiErrorFromResponse(response)
    reportSessionLost(error)
    throw error
  }
  return response
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await apiFetch(path, options)
  if (response.status === 204) return undefined as T
  const text = await response.text()
  return (text ? JSON.parse(text) : undefined) as T
}

const enc = encodeURIComponent

type Issued = ResponseBody<'/api/auth/register', 'post', 201>

/** Strips `session.token` so it never lingers in UI state. */
function withoutToken(result: Issued): AuthResult {
  return { user: result.user, session: { expires_at: result.session.expires_at } }
}

export const api = {
  register: async (input: RequestBody<'/api/auth/register', 'post'>) =>
    withoutToken(
      await request<ResponseBody<'/api/auth/register', 'post', 201>>('/api/auth/register', {
        method: 'POST',
        json: input,
      }),
    ),
  /** A session, or (two-factor sign-in on) the challenge for the second step. */
  signIn: async (input: RequestBody<'/api/auth/sign-in', 'post'>): Promise<AuthResult | MfaChallenge> => {
    const result = await request<ResponseBody<'/api/auth/sign-in', 'post', 200>>('/api/auth/sign-in', {
      method: 'POST',
      json: input,
    })
    return 'mfa_required' in result ? result : withoutToken(result)
  },
  signInMfa: async (input: RequestBody<'/api/auth/sign-in/mfa', 'post'>) =>
    withoutToken(
      await request<ResponseBody<'/api/auth/sign-in/mfa', 'post', 200>>('/api/auth/sign-in/mfa', {
        method: 'POST',
        json: input,
      }),
    ),
  totpSetup: (input: RequestBody<'/api/auth/mfa/totp/setup', 'post'>) =>
    request<TotpSetup>('/api/auth/mfa/totp/setup', { method: 'POST', json: input }),
  totpEnable: (input: RequestBody<'/api/auth/mfa/totp/enable', 'post'>) =>
    request<RecoveryCodes>('/api/auth/mfa/totp/enable', { method: 'POST', json: input }),
  mfaDisable: (input: RequestBody<'/api/auth/mfa/disable', 'post'>) =>
    request<void>('/api/auth/mfa/disable', { method: 'POST', json: input }),
  newRecoveryCodes: (input: RequestBody<'/api/auth/mfa/recovery-codes', 'post'>) =>
    request<RecoveryCodes>('/api/auth/mfa/recovery-codes', { method: 'POST', json: input }),
  deleteAccount: (input: RequestBody<'/api/auth/account', 'delete'>) =>
    request<void>('/api/auth/account', { method: 'DELETE', json: input }),
  signOut: () => request<void>('/api/auth/sign-out', { method: 'POST' }),
  signOutAll: () => request<void>('/api/auth/sign-out-all', { method: 'POST' }),
  me: () => request<Me>('/api/auth/me'),
  sessions: async () => (await request<{ sessions: SessionInfo[] }>('/api/auth/sessions')).sessions,
  revokeSession: (id: string) => request<void>(`/api/auth/sessions/${enc(id)}`, { method: 'DELETE' }),
  changePassword: (input: RequestBody<'/api/auth/change-password', 'post'>) =>
    request<void>('/api/auth/change-password', { method: 'POST', json: input }),
  /** What the UI may offer: sign-up, email, verification, reset (docs/api.md §12; public). */
  options: () => request<AuthOptions>('/api/auth/options'),
  /** 202 for any address, known or not (docs/api.md §12). */
  requestPasswordReset: (input: RequestBody<'/api/auth/password-reset', 'post'>) =>
    request<void>('/api/auth/password-reset', { method: 'POST', json: input }),
  /** 204: the password is set and every session is gone, so the user signs in next. */
  confirmPasswordReset: (input: RequestBody<'/api/auth/password-reset/confirm', 'post'>) =>
    request<void>('/api/auth/password-reset/confirm', { method: 'POST', json: input }),
  verifyEmail: (input: RequestBody<'/api/auth/verify-email', 'post'>) =>
    request<void>('/api/auth/verify-email', { method: 'POST', json: input }),
  resendVerification: () => request<void>('/api/auth/verify-email/resend', { method: 'POST' }),
  /** 202: a confirmation link goes to the new address; nothing changes until it is opened. */
  changeEmail: (input: RequestBody<'/api/auth/change-email', 'post'>) =>
    request<void>('/api/auth/change-email', { method: 'POST', json: input }),
  confirmEmailChange: (input: RequestBody<'/api/auth/change-email/confirm', 'post'>) =>
    request<void>('/api/auth/change-email/confirm', { method: 'POST', json: input }),
  apiKeys: async () => (await request<{ api_keys: ApiKey[] }>('/api/auth/api-keys')).api_keys,
  createApiKey: (input: RequestBody<'/api/auth/api-keys', 'post'>) =>
    request<CreatedApiKey>('/api/auth/api-keys', { method: 'POST', json: input }),
  revokeApiKey: (id: string) => request<void>(`/api/auth/api-keys/${enc(id)}`, { method: 'DELETE' }),

  documents: async () => (await request<{ documents: DocumentSummary[] }>('/api/documents')).documents,
  document: (id: string) => request<DocumentDetail>(`/api/documents/${enc(id)}`),
  deleteDocument: (id: string) => request<void>(`/api/documents/${enc(id)}`, { method: 'DELETE' }),

  conversations: (cursor?: string | null, limit = 30) => {
    const query = new URLSearchParams({ limit: String(limit) })
    if (cursor) query.set('cursor', cursor)
    return request<ConversationPage>(`/api/chat/conversations?${query}`)
  },
  conversation: (id: string) => request<Conversation>(`/api/chat/conversations/${enc(id)}`),
  deleteConversation: (id: string) =>
    request<void>(`/api/chat/conversations/${enc(id)}`, { method: 'DELETE' }),
  renameConversation: (input: { id: string; title: string }) =>
    request<ConversationSummary>(`/api/chat/conversations/${enc(input.id)}`, {
      method: 'PATCH',
      json: { title: input.title } satisfies RequestBody<'/api/chat/conversations/{id}', 'patch'>,
    }),
  rate: (input: { messageId: string; rating: Rating; comment?: string | null }) =>
    request<void>(`/api/chat/messages/${enc(input.messageId)}/feedback`, {
      method: 'PUT',
      json: {
        rating: input.rating,
        comment: input.comment ?? null,
      } satisfies RequestBody<'/api/chat/messages/{id}/feedback', 'put'>,
    }),
  unrate: (messageId: string) =>
    request<void>(`/api/chat/messages/${enc(messageId)}/feedback`, { method: 'DELETE' }),

  feedback: (rating: Rating | null, cursor?: string | null) => {
    const query = new URLSearchParams({ limit: '20' })
    if (rating) query.set('rating', rating)
    if (cursor) query.set('cursor', cursor)
    return request<FeedbackPage>(`/api/admin/feedback?${query}`)
  },

  activity: (cursor?: string | null) => {
    const query = new URLSearchParams({ limit: '20' })
    if (cursor) query.set('cursor', cursor)
    return request<ActivityPage>(`/api/auth/activity?${query}`)
  },
  adminUsers: (search: string, cursor?: string | null) => {
    const query = new URLSearchParams({ limit: '50' })
    if (search) query.set('query', search)
    if (cursor) query.set('cursor', cursor)
    return request<AdminUsersPage>(`/api/admin/users?${query}`)
  },
  updateUser: (id: string, patch: AdminUserPatch) =>
    request<AdminUser>(`/api/admin/users/${enc(id)}`, { method: 'PATCH', json: patch }),
  createUser: (input: CreateUserInput) =>
    request<CreatedUser>('/api/admin/users', { method: 'POST', json: input }),
  resetLink: (id: string) => request<ResetLink>(`/api/admin/users/${enc(id)}/reset-link`, { method: 'POST' }),
  verifyUser: (id: string) => request<void>(`/api/admin/users/${enc(id)}/verify`, { method: 'POST' }),
  signOutUser: (id: string) => request<void>(`/api/admin/users/${enc(id)}/sign-out`, { method: 'POST' }),
  deleteUser: (id: string) => request<void>(`/api/admin/users/${enc(id)}`, { method: 'DELETE' }),
  audit: (filter: { type: string; userId: string }, cursor?: string | null) => {
    const query = new URLSearchParams({ limit: '50' })
    if (filter.type) query.set('type', filter.type)
    if (filter.userId) query.set('user_id', filter.userId)
    if (cursor) query.set('cursor', cursor)
    return request<AuditPage>(`/api/admin/audit?${query}`)
  },
}

/** Where the admins' feedback export downloads from (a plain link: the cookie goes with it). */
export function feedbackExportUrl(format: 'jsonl' | 'csv', rating: Rating | null): string {
  const query = new URLSearchParams({ format })
  if (rating) query.set('rating', rating)
  return apiUrl(`/api/admin/feedback/export?${query}`)
}
