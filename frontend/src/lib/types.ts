/**
 * The API's shapes under the names the UI uses (docs/api.md §3, §7, §8). Each is an alias of
 * the types generated from the server's OpenAPI document (`api-types.gen.ts`, rewritten by
 * `npm run gen:api-types`), so a change to a route's schema shows up here as a type error.
 */
import type { paths } from './api-types.gen'

type Method = 'get' | 'put' | 'post' | 'patch' | 'delete'

/** The methods that `P` has (so a typo in a path or method is a type error, not `never`). */
export type MethodOf<P extends keyof paths> = {
  [M in Method]: paths[P][M] extends undefined ? never : M
}[Method]

type Operation<P extends keyof paths, M extends MethodOf<P>> = NonNullable<paths[P][M]>

type Json<T> = T extends { content: { 'application/json': infer Body } } ? Body : never

/** The JSON body of `M P`'s response with status `S`. */
export type ResponseBody<
  P extends keyof paths,
  M extends MethodOf<P>,
  S extends keyof Operation<P, M>['responses'],
> = Json<Operation<P, M>['responses'][S]>

/** The JSON body `M P` accepts. */
export type RequestBody<P extends keyof paths, M extends MethodOf<P>> = Json<
  NonNullable<Operation<P, M>['requestBody']>
>

export type Me = ResponseBody<'/api/auth/me', 'get', 200>
export type User = Me['user']
export type Role = User['role']

/** A register or sign-in answer without `session.token`, which the web UI never keeps (api.ts). */
export interface AuthResult {
  user: User
  session: Omit<ResponseBody<'/api/auth/register', 'post', 201>['session'], 'token'>
}

/** The password step's answer for an account with two-factor sign-in (docs/api.md §13). */
export type MfaChallenge = Extract<ResponseBody<'/api/auth/sign-in', 'post', 200>, { mfa_required: true }>
export type TotpSetup = ResponseBody<'/api/auth/mfa/totp/setup', 'post', 200>
export type RecoveryCodes = ResponseBody<'/api/auth/mfa/totp/enable', 'post', 200>

export type SessionInfo = ResponseBody<'/api/auth/sessions', 'get', 200>['sessions'][number]

export type ApiKey = ResponseBody<'/api/auth/api-keys', 'get', 200>['api_keys'][number]
/** The answer to creating a key: the only time `key` itself is shown. */
export type CreatedApiKey = ResponseBody<'/api/auth/api-keys', 'post', 201>
export type ApiKeyScope = ApiKey['scopes'][number]

export type DocumentSummary = ResponseBody<'/api/documents', 'get', 200>['documents'][number]
export type DocumentDetail = ResponseBody<'/api/documents/{id}', 'get', 200>
export type DocumentChunk = DocumentDetail['chunks'][number]
/** 201 (added) and 200 (already there, or replaced at the same source) have one shape. */
export type UploadResult = ResponseBody<'/api/documents', 'post', 201>

export type ConversationPage = ResponseBody<'/api/chat/conversations', 'get', 200>
export type ConversationSummary = ConversationPage['conversations'][number]
export type Conversation = ResponseBody<'/api/chat/conversations/{id}', 'get', 200>
export type ChatMessage = Conversation['messages'][number]
export type Citation = ChatMessage['citations'][number]
export type Feedback = NonNullable<ChatMessage['feedback']>
export type Rating = Feedback['rating']

/** The JSON answer of POST /api/chat/message (without `Accept: text/event-stream`). */
export type ChatAnswer = ResponseBody<'/api/chat/message', 'post', 200>
export type AnswerMode = ChatAnswer['mode']

export type FeedbackPage = ResponseBody<'/api/admin/feedback', 'get', 200>
export type FeedbackItem = FeedbackPage['feedback'][number]

export type AdminUsersPage = ResponseBody<'/api/admin/users', 'get', 200>
export type AdminUser = AdminUsersPage['users'][number]
export type AdminUserPatch = RequestBody<'/api/admin/users/{id}', 'patch'>
export type AuditPage = ResponseBody<'/api/admin/audit', 'get', 200>
export type AuditEvent = AuditPage['events'][number]
export type ActivityPage = ResponseBody<'/api/auth/activity', 'get', 200>
export type ActivityEvent = ActivityPage['events'][number]

/** What the UI may offer (docs/api.md §12: `GET /api/auth/options`). */
export type AuthOptions = ResponseBody<'/api/auth/options', 'get', 200>
/** `POST /api/admin/users`: the new user and the one-time link that lets them set a password (§14). */
export type CreatedUser = ResponseBody<'/api/admin/users', 'post', 201>
export type CreateUserInput = RequestBody<'/api/admin/users', 'post'>
/** A one-time link an admin hands over (docs/api.md §14). */
export type ResetLink = ResponseBody<'/api/admin/users/{id}/reset-link', 'post', 200>
