// Request and response schemas of /api/auth. Response schemas list every field that may leave the
// server: Fastify's serializer drops anything else, so a password hash can never leak.
import { Type } from 'typebox'
import type { AuthSession, AuthUser } from './sessions.js'

const DateTime = Type.String({ format: 'date-time' })

export const UserSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  email: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  role: Type.Union([Type.Literal('user'), Type.Literal('admin')]),
  email_verified: Type.Boolean(),
  mfa_enabled: Type.Boolean(),
  created_at: DateTime,
})

export const ErrorSchema = Type.Object({
  detail: Type.String(),
  code: Type.String(),
  errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
})

export const NoContent = Type.Null({ description: 'No content' })

// Raw email is checked after trimming and lower-casing (≤ 254 characters, address-shaped), so the
// schema only bounds the raw size. `additionalProperties: false` + Fastify's `removeAdditional`
// strip unknown fields such as `role` instead of refusing them.
const RawEmail = Type.String({
  minLength: 1,
  maxLength: 320,
  description: 'an address of at most 254 characters once trimmed; compared lower-cased',
})
// 8–256 characters is checked by passwordProblem() on the NFC form that is hashed (ajv would count
// the raw code points: a decomposed accent as two); the schema only bounds the raw size.
const NewPassword = Type.String({
  minLength: 1,
  maxLength: 1024,
  description: '8–256 characters, counted after Unicode NFC normalisation',
})
// Checking an existing password: no policy, only a sanity bound (argon2 cost does not grow with it).
const AnyPassword = Type.String({ minLength: 1, maxLength: 1024 })

export const RegisterBody = Type.Object(
  {
    email: RawEmail,
    password: NewPassword,
    name: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])),
  },
  { additionalProperties: false },
)

export const SignInBody = Type.Object(
  { email: RawEmail, password: AnyPassword },
  { additionalProperties: false },
)

export const ChangePasswordBody = Type.Object(
  { current_password: AnyPassword, new_password: NewPassword },
  { additionalProperties: false },
)

export const AuthResponse = Type.Object({
  user: UserSchema,
  session: Type.Object({ token: Type.String(), expires_at: DateTime }),
})

export const MeResponse = Type.Object({
  user: UserSchema,
  // null when the request authenticated with an API key (docs/api.md §11), which `api_key` names.
  session: Type.Union([
    Type.Object({ id: Type.String({ format: 'uuid' }), created_at: DateTime, expires_at: DateTime }),
    Type.Null(),
  ]),
  api_key: Type.Optional(
    Type.Object({
      id: Type.String({ format: 'uuid' }),
      name: Type.String(),
      scopes: Type.Array(Type.Union([Type.Literal('read'), Type.Literal('write')])),
    }),
  ),
})

export const SessionsResponse = Type.Object({
  sessions: Type.Array(
    Type.Object({
      id: Type.String({ format: 'uuid' }),
      created_at: DateTime,
      expires_at: DateTime,
      last_used_at: DateTime,
      ip_address: Type.Union([Type.String(), Type.Null()]),
      user_agent: Type.Union([Type.String(), Type.Null()]),
      current: Type.Boolean(),
    }),
  ),
})

export function userBody(user: AuthUser) {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    email_verified: user.email_verified,
    mfa_enabled: user.mfa_enabled,
    created_at: user.created_at.toISOString(),
  }
}

export function sessionBody(session: AuthSession) {
  return {
    id: session.id,
    created_at: session.created_at.toISOString(),
    expires_at: session.expires_at.toISOString(),
  }
}

/** Error responses as documented in OpenAPI (the error handler renders them). */
export function errorResponses(...statuses: number[]) {
  return Object.fromEntries(statuses.map((s) => [s, ErrorSchema]))
}
